import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeServer } from '../../protocol/index.ts';
import { startStack, typeLikeAPerson, VIEWPORT, waitFor, waitForKvm, type Stack } from './harness.ts';

describe('status and reconnection, end to end', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ display: ':92' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('shows the target lock-key LEDs as the target reports them', async () => {
    const { page } = stack;
    const leds = page.locator('[data-testid="leds"]');
    await expect.poll(() => leds.getAttribute('data-leds')).toBe('0');
    await page.keyboard.press('CapsLock');
    await expect.poll(() => leds.getAttribute('data-leds'), { timeout: 10_000 }).toBe('2');
    await expect.poll(() => page.locator('.led.on').textContent()).toBe('Caps');
    await page.keyboard.press('CapsLock');
    await expect.poll(() => leds.getAttribute('data-leds'), { timeout: 10_000 }).toBe('0');
  });

  it('reconnects by itself after the network drops, and drops what was typed meanwhile', async () => {
    const { page, workDir } = stack;
    const offline = join(workDir, 'offline.txt');
    const online = join(workDir, 'online.txt');
    await stack.outage(async () => {
      await expect
        .poll(() => page.locator('[data-testid="conn"]').getAttribute('data-state'), { timeout: 10_000 })
        .toBe('closed');
      await expect.poll(() => page.locator('[data-testid="conn"]').textContent()).toMatch(/retrying in \d+ s/);
      await page.keyboard.down('Shift'); // held across the outage: must not stay held afterwards
      await typeLikeAPerson(page, `echo offline > ${offline}`);
      await page.keyboard.press('Enter');
      await page.keyboard.up('Shift');
      await new Promise((r) => setTimeout(r, 1000));
    });
    // Connected again, logged in with the same token, and back in control.
    await waitForKvm(page);
    await typeLikeAPerson(page, `echo online > ${online}`);
    await page.keyboard.press('Enter');
    const text = await waitFor(
      () => (existsSync(online) ? readFileSync(online, 'utf8') : undefined),
      'the file typed after reconnecting',
    );
    expect(text).toBe('online\n'); // lower case: no Shift left held from before the outage
    expect(existsSync(offline)).toBe(false);
  });

  it('stops reconnecting when the bridge refuses the protocol version, and offers a reload', async () => {
    const context = await stack.browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    let attempts = 0;
    // Stands in for a bridge of another protocol version: error 'version', then close 4000.
    await page.routeWebSocket(/\/ws$/, (ws) => {
      attempts++;
      const refusal = encodeServer({ type: 'error', code: 'version', message: 'this bridge speaks protocol 3, not 2' });
      ws.send(Buffer.from(refusal));
      ws.close({ code: 4000, reason: 'protocol version' });
    });
    await page.goto(`${stack.url}#login=${stack.bridge.oneTimeLogin()}`);
    const refused = page.getByTestId('version-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('This app and the device disagree on the protocol version: reload.');
    expect(await page.getByTestId('reload').isVisible()).toBe(true);
    expect(await page.getByTestId('conn').getAttribute('data-state')).toBe('refused');
    await new Promise((r) => setTimeout(r, 6000)); // longer than the 5 s backoff cap
    expect(attempts).toBe(1);
    await context.close();
  });
});
