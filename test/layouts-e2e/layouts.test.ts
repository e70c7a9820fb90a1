import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE, loadLayout } from '../../web/src/lib/layouts/index.ts';
import { startStack, usKeyFor, type Stack } from '../e2e/harness.ts';
import { hidUsageForCode } from '../../web/src/lib/input/keycodes.ts';
import {
  connectClient,
  firstDifference,
  readAppended,
  repertoireText,
  switchTargetLayout,
  typeThroughBridge,
  usSteps,
  type ProtocolClient,
} from './typing-proof.ts';

/**
 * `npm run test:layouts`: every generated layout is proven against the real xkb of an X server.
 * For each layout the simulated target switches to it (setxkbmap, UTF-8 locale so dead keys
 * compose), the layout's whole repertoire is typed through the bridge, and what the target's
 * shell received must equal the text exactly. A few layouts go through the PWA's paste panel in
 * Chromium; the rest through the bridge's WebSocket with the protocol.
 */
const VIA_UI = ['de', 'fr', 'ch(fr)'];
const ONLY = process.env.LAYOUTS?.split(',');
const layouts = CATALOGUE.map((e) => e.name).filter((n) => !ONLY || ONLY.includes(n));

describe('every keyboard layout, typed into a real X server', () => {
  let stack: Stack;
  let client: ProtocolClient;
  let offset = 0;
  const out = () => join(stack.workDir, 'typed.txt');
  const results: { layout: string; ok: boolean; chars: number; good: number; detail: string }[] = [];

  beforeAll(async () => {
    stack = await startStack({ display: ':89', width: 1024, height: 768 });
    client = await connectClient(stack.bridge.port, await stack.token());
    await client.takeControl();
    // One reader for the whole run, started while the target still has a US layout.
    await switchTargetLayout(stack.sim.display, 'us');
    const cmd = `cat >> ${out()}\n`;
    const steps = usSteps(cmd, (ch) =>
      ch === '\n'
        ? { usage: 0x28, shift: false }
        : (() => {
            const k = usKeyFor(ch);
            return { usage: hidUsageForCode(k.code)!, shift: k.shift };
          })(),
    );
    client.send({ type: 'batch', id: 1, steps });
    await new Promise((r) => setTimeout(r, 1500));
  });

  afterAll(async () => {
    client?.close();
    await stack?.stop();
    const verified = results.filter((r) => r.ok).length;
    const chars = results.reduce((a, r) => a + r.chars, 0);
    const good = results.reduce((a, r) => a + r.good, 0);
    for (const r of results.filter((x) => !x.ok)) console.log(`FAIL ${r.layout}: ${r.detail}`);
    console.log(`layouts verified: ${verified}/${results.length}, characters: ${good}/${chars}`);
  });

  it.each(layouts)('types the whole repertoire of %s', async (name) => {
    const layout = await loadLayout(name);
    const text = repertoireText(layout);
    await switchTargetLayout(stack.sim.display, name);
    if (VIA_UI.includes(name)) {
      const { page } = stack;
      // The raw client took control for its own batches; the page (an admin too) takes it back.
      if ((await page.getByTestId('control').getAttribute('data-holder')) !== 'you')
        await page.getByTestId('control-take').click();
      await page.waitForSelector('[data-testid="control"][data-holder="you"]');
      await page.getByTestId('layout').selectOption(name);
      if (!(await page.getByTestId('paste-panel').isVisible())) await page.getByTestId('open-paste').click();
      await page.getByTestId('paste-rate').selectOption('fast');
      await page.getByTestId('paste-text').fill(text);
      await expect.poll(() => page.getByTestId('paste-untypable').count()).toBe(0);
      await page.getByTestId('paste-start').click();
      await page.waitForSelector('[data-testid="paste-result"][data-outcome="done"]', { timeout: 120_000 });
      await page.getByTestId('paste-text').fill('');
    } else {
      await typeThroughBridge(client, text, layout);
    }
    const got = await readAppended(out(), offset, Buffer.byteLength(text), 60_000);
    offset += Buffer.byteLength(got);
    const expectedLines = text.split('\n');
    const gotLines = got.split('\n');
    let good = 0;
    expectedLines.forEach((l, i) => {
      const g = [...(gotLines[i] ?? '')];
      [...l].forEach((c, j) => (good += g[j] === c ? 1 : 0));
    });
    const chars = [...text.replace(/\n/g, '')].length;
    const diff = firstDifference(text, got);
    results.push({ layout: name, ok: diff === null, chars, good, detail: diff ?? '' });
    expect(diff, `${name}: ${diff}`).toBeNull();
  });
});
