import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyboardReport } from '../../protocol/index.ts';
import { hidUsageForCode } from '../../web/src/lib/input/keycodes.ts';
import { connectClient, usSteps } from '../layouts-e2e/typing-proof.ts';
import { startStack, typeLikeAPerson, usKeyFor, waitFor, waitForKvm, type Stack } from './harness.ts';
import { queryXInput, XKeycode, XMask } from './x-state.ts';

const steps = (text: string) =>
  usSteps(text, (ch) => {
    if (ch === '\n') return { usage: 0x28, shift: false };
    const k = usKeyFor(ch);
    return { usage: hidUsageForCode(k.code)!, shift: k.shift };
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One controller, enforced on the bridge and judged on the target: a viewer's typing never
 * reaches the target's shell, a hand-over releases what the previous controller held, and an
 * operator may take control after waiting 10 s.
 */
describe('who controls the target', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ display: ':73' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('shows a viewer who controls, sends nothing it types, and the bridge refuses a raw viewer', async () => {
    const { workDir } = stack;
    const viewer = await stack.openAs({ user: 'vera', role: 'viewer' });
    await waitForKvm(viewer, { control: false });
    await expect.poll(() => viewer.getByTestId('control-text').textContent()).toBe('Viewing — local has control');
    expect(await viewer.getByTestId('control-request').count()).toBe(0);
    const fromPage = join(workDir, 'viewer-page.txt');
    const before = stack.bridge.counters.snapshot();
    await viewer.locator('#screen').click({ position: { x: 5, y: 5 } });
    await typeLikeAPerson(viewer, `echo x > ${fromPage}`);
    await viewer.keyboard.press('Enter');

    // A raw client with a viewer's token tries the same through the protocol.
    const raw = await connectClient(stack.bridge.port, await stack.token({ user: 'vera', role: 'viewer' }));
    const errors: string[] = [];
    const fromRaw = join(workDir, 'viewer-raw.txt');
    raw.onError((m) => errors.push(m.code));
    for (const s of steps(`echo x > ${fromRaw}\n`)) raw.send({ type: 'keyboard', report: s.report });
    raw.send({ type: 'control-request', take: false });
    await waitFor(() => (errors.includes('not-allowed') ? true : undefined), 'the refused control request');
    expect(errors).toContain('not-controller');

    // The controller types next; once its file exists the shell has read everything before it.
    const fromController = join(workDir, 'controller.txt');
    await stack.page.bringToFront();
    await stack.page.locator('#screen').click({ position: { x: 5, y: 5 } });
    await typeLikeAPerson(stack.page, `echo ok > ${fromController}`);
    await stack.page.keyboard.press('Enter');
    await waitFor(() => (existsSync(fromController) ? true : undefined), 'the controller typing');
    expect(readFileSync(fromController, 'utf8')).toBe('ok\n');
    expect(existsSync(fromPage)).toBe(false);
    expect(existsSync(fromRaw)).toBe(false);
    // The viewer page sent no input at all: the only refusals came from the raw client.
    const after = stack.bridge.counters.snapshot();
    const refused = (after['ws.error.not-controller'] ?? 0) - (before['ws.error.not-controller'] ?? 0);
    expect(refused).toBe(steps(`echo x > ${fromRaw}\n`).length);
    raw.close();
    await viewer.context().close();
  });

  it('releases the keys of the previous controller when an admin takes control', async () => {
    const { page, sim } = stack;
    const alice = await connectClient(stack.bridge.port, await stack.token({ user: 'alice', role: 'admin' }));
    await alice.takeControl();
    await expect.poll(() => page.getByTestId('control-text').textContent()).toBe('Viewing — alice has control');
    alice.send({ type: 'keyboard', report: keyboardReport({ modifiers: 0x02, keys: [] }) }); // Left Shift down
    await waitFor(async () => ((await queryXInput(sim.display)).mask & XMask.Shift ? true : undefined), 'Shift held');
    expect((await queryXInput(sim.display)).keys).toContain(XKeycode.ShiftLeft);

    await page.getByTestId('control-take').click();
    await page.waitForSelector('[data-testid="control"][data-holder="you"]');
    const s = await waitFor(async () => {
      const x = await queryXInput(sim.display);
      return x.mask & XMask.Shift ? undefined : x;
    }, 'Shift released on the target');
    expect(s.keys).not.toContain(XKeycode.ShiftLeft);
    alice.close();
  });

  it('lets an operator take control only after waiting 10 s', async () => {
    const olga = await stack.openAs({ user: 'olga', role: 'operator' });
    await waitForKvm(olga, { control: false });
    await olga.getByTestId('control-request').click();
    const take = olga.getByTestId('control-take');
    await expect.poll(() => take.textContent()).toMatch(/Take control \(in \d+ s\)/);
    expect(await take.isDisabled()).toBe(true);
    await sleep(3000);
    expect(await take.isDisabled()).toBe(true);
    await expect.poll(() => take.isDisabled(), { timeout: 12_000 }).toBe(false);
    await take.click();
    await olga.waitForSelector('[data-testid="control"][data-holder="you"]');
    await expect.poll(() => stack.page.getByTestId('control-text').textContent()).toBe('Viewing — olga has control');
    await olga.getByTestId('control-release').click();
    await olga.context().close();
  });
});
