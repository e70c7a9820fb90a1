import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from './harness.ts';
import { queryXInput, XMask } from './x-state.ts';

/** X keycode of Escape (evdev 1 + 8). */
const X_ESCAPE = 9;

/**
 * Issue 9 part 6: pointer lock sends relative reports on the relative gadget (`mouse-rel`). The
 * simulated target maps one count to one pixel of relative X motion (hardware/sim/report-mapper.ts),
 * so the X pointer must move by exactly the page's movement. Judged on the target's X server.
 */
describe('pointer lock: the relative mouse', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ display: ':75' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('moves the target pointer by the locked mouse movement, clicks on the relative mouse, and releases on unlock', async () => {
    const { page, sim, bridge } = stack;
    const box = (await page.locator('#screen').boundingBox())!;
    // Somewhere known first, with the absolute mouse.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await waitFor(async () => {
      const s = await queryXInput(sim.display);
      return Math.abs(s.x - 512) <= 2 && Math.abs(s.y - 384) <= 2 ? s : undefined;
    }, 'the pointer at the centre of the target');

    // The toolbar button is a user gesture, as pointer lock requires.
    await page.getByTestId('pointer-lock').click();
    await page.waitForFunction(() => document.pointerLockElement?.id === 'screen');
    await page.getByTestId('input-hint').waitFor();
    const relBefore = bridge.counters.get('hid.mouse-rel.written');
    const releasesBefore = bridge.counters.get('hid.release_all');

    // Under the lock the page sees movementX/Y only; the target must follow by the same amounts.
    // The toolbar click left the real mouse on the button's centre, at a fractional CSS position,
    // and Chromium reports fractional movement that the controller carries: first a move to whole
    // pixels, and the target's pointer after it is where the judged moves start.
    const btn = (await page.getByTestId('pointer-lock').boundingBox())!;
    let at = { x: Math.round(btn.x + btn.width / 2) + 1, y: Math.round(btn.y + btn.height / 2) + 1 };
    await page.mouse.move(at.x, at.y);
    let settled = await queryXInput(sim.display);
    await waitFor(async () => {
      const s = await queryXInput(sim.display);
      const still = s.x === settled.x && s.y === settled.y && bridge.counters.get('hid.mouse-rel.written') > relBefore;
      settled = s;
      return still ? s : undefined;
    }, 'the target pointer to settle after the first relative move');
    const from = { x: settled.x, y: settled.y };
    const steps = [
      { dx: 40, dy: 0 },
      { dx: 0, dy: 30 },
      { dx: -250, dy: 10 }, // more than 127: several reports
    ];
    for (const s of steps) {
      at = { x: at.x + s.dx, y: at.y + s.dy };
      await page.mouse.move(at.x, at.y);
    }
    const want = { x: from.x + 40 - 250, y: from.y + 30 + 10 };
    const moved = await waitFor(async () => {
      const s = await queryXInput(sim.display);
      return s.x === want.x && s.y === want.y ? s : undefined;
    }, `the pointer at ${want.x},${want.y} after relative moves`);
    expect({ x: moved.x, y: moved.y }).toEqual(want);
    expect(bridge.counters.get('hid.mouse-rel.written')).toBeGreaterThan(relBefore);

    // A held button goes on the relative mouse, and leaving the lock releases it.
    await page.mouse.down();
    await waitFor(async () => {
      const s = await queryXInput(sim.display);
      return s.mask & XMask.Button1 ? s : undefined;
    }, 'Button1 down on the target');
    await page.evaluate(() => document.exitPointerLock());
    await page.waitForFunction(() => document.pointerLockElement === null);
    const released = await waitFor(async () => {
      const s = await queryXInput(sim.display);
      return (s.mask & XMask.Button1) === 0 ? s : undefined;
    }, 'Button1 released on the target after leaving pointer lock');
    expect({ x: released.x, y: released.y }).toEqual(want);
    expect(bridge.counters.get('hid.release_all')).toBeGreaterThan(releasesBefore);
    await page.mouse.up();
  });

  it('enters fullscreen on the screen with Keyboard Lock, says how to leave, and sends Esc to the target', async () => {
    const { page, sim } = stack;
    await page.getByTestId('fullscreen').click();
    await page.waitForFunction(() => document.fullscreenElement?.classList.contains('screen') === true);
    // Chromium has Keyboard Lock, so the hint tells to hold Esc, as Chromium's own bubble does.
    const hint = page.getByTestId('input-hint');
    await page.waitForSelector('[data-testid="input-hint"][data-keyboard-locked="true"]');
    expect(await hint.textContent()).toContain('Press and hold Esc to leave full screen');
    await page.keyboard.down('Escape');
    await waitFor(async () => {
      const s = await queryXInput(sim.display);
      return s.keys.includes(X_ESCAPE) ? s : undefined;
    }, 'Escape down on the target');
    await page.keyboard.up('Escape');
    await waitFor(async () => {
      const s = await queryXInput(sim.display);
      return s.keys.includes(X_ESCAPE) ? undefined : s;
    }, 'Escape up on the target');
    // The page's own toggle leaves fullscreen too.
    await page.evaluate(() => document.exitFullscreen());
    await page.waitForFunction(() => document.fullscreenElement === null);
  });
});
