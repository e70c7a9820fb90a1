import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from './harness.ts';
import { queryXInput, XKeycode, XMask } from './x-state.ts';

/**
 * Issue 7.4: whatever the page holds is released on the target when the page loses the focus.
 * The focus change is a real one (focus emulation off, another page brought to the front), and the
 * release is judged on the target's X server, not on the page.
 */
describe('input hygiene: releasing held keys and buttons when the page loses focus', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ display: ':71' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('releases a mouse button held on the canvas and a held Shift when another window takes the focus', async () => {
    const { page, sim, bridge } = stack;
    // Playwright makes every headless page believe it has the focus; turn that off so that
    // bringing another page to the front really blurs this one.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
    await page.bringToFront();
    await page.evaluate(() => {
      const w = window as unknown as { focusLog: string[] };
      w.focusLog = [];
      window.addEventListener('blur', () => w.focusLog.push('blur'));
    });
    const box = (await page.locator('#screen').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    expect(await page.evaluate(() => document.hasFocus())).toBe(true);

    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + box.width / 3, box.y + box.height / 3);
    await page.mouse.down();
    const held = await waitFor(async () => {
      const s = await queryXInput(sim.display);
      return s.mask & XMask.Button1 && s.mask & XMask.Shift ? s : undefined;
    }, 'Button1 and Shift down on the target');
    expect(held.keys).toContain(XKeycode.ShiftLeft);
    const releasesBefore = bridge.counters.get('hid.release_all');

    const other = await page.context().newPage();
    await other.goto('about:blank');
    await other.bringToFront();
    const released = await waitFor(
      async () => {
        const s = await queryXInput(sim.display);
        return (s.mask & (XMask.Button1 | XMask.Shift)) === 0 ? s : undefined;
      },
      'Button1 and Shift released on the target',
      10_000,
    );
    expect(released.keys).not.toContain(XKeycode.ShiftLeft);
    expect(await page.evaluate(() => (window as unknown as { focusLog: string[] }).focusLog)).toContain('blur');
    expect(bridge.counters.get('hid.release_all')).toBeGreaterThan(releasesBefore);
    // The pointer stays where it was: a release is not a move.
    expect({ x: released.x, y: released.y }).toEqual({ x: held.x, y: held.y });

    await other.close();
    await page.mouse.up();
    await page.keyboard.up('Shift');
  });
});
