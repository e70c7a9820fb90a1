import { createRequire } from 'node:module';
import { devices, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, waitForKvm, type Stack } from './harness.ts';
import { queryXInput, XMask } from './x-state.ts';

/**
 * Issue 9 part 4, touch as a mouse, on a Pixel-class phone and an iPad-class tablet (playwright-core's
 * `Pixel 7` and `iPad (gen 7)` descriptors: hasTouch, isMobile, the viewport) with real CDP touch input
 * (`Input.dispatchTouchEvent`). Judged on the simulated target's X server: an InputOnly window
 * over the whole root logs every ButtonPress, ButtonRelease and MotionNotify (X11 protocol
 * §CreateWindow, §Events), so taps and wheel clicks that come and go between two polls are seen.
 */

const TARGET = { width: 1024, height: 768 };
/** CDP touch point, CSS px in the viewport. */
interface TouchPoint {
  x: number;
  y: number;
  id: number;
}
interface XEvent {
  name: 'ButtonPress' | 'ButtonRelease' | 'MotionNotify';
  /** Button number (1 left, 3 right, 4/5 wheel up/down); 0 for motion. */
  button: number;
  x: number;
  y: number;
  /** SETofKEYBUTMASK before the event (see XMask). */
  state: number;
}

interface X11Event {
  name: string;
  keycode: number;
  rootx: number;
  rooty: number;
  buttons: number;
}
/** The slice of the untyped `x11` package used here (lib/corereqs.js, lib/generated/core-events.js). */
interface X11Logger {
  createClient(
    o: { display: string },
    cb: (
      err: Error | null,
      d: {
        screen: { root: number; pixel_width: number; pixel_height: number }[];
        client: {
          AllocID(): number;
          CreateWindow(
            id: number,
            parent: number,
            x: number,
            y: number,
            w: number,
            h: number,
            border: number,
            depth: number,
            cls: number,
            visual: number,
            values: { overrideRedirect?: number; eventMask?: number },
          ): void;
          MapWindow(id: number): void;
          on(ev: 'event', fn: (e: X11Event) => void): void;
          sync(): Promise<void>;
          close(cb?: () => void): void;
        };
      },
    ) => void,
  ): { on(ev: 'error', fn: (e: unknown) => void): void };
}
const x11 = createRequire(import.meta.url)('x11') as X11Logger;
/** Event masks (X11 protocol, SETofEVENT). */
const EV = { ButtonPress: 0x4, ButtonRelease: 0x8, PointerMotion: 0x40 };
const INPUT_ONLY = 2;

/** Maps an InputOnly, override-redirect window over the whole screen and records its pointer events. */
function logXEvents(display: string): Promise<{ events: XEvent[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const c = x11.createClient({ display }, (err, d) => {
      if (err) return reject(err);
      const s = d.screen[0]!;
      const wid = d.client.AllocID();
      d.client.CreateWindow(wid, s.root, 0, 0, s.pixel_width, s.pixel_height, 0, 0, INPUT_ONLY, 0, {
        overrideRedirect: 1,
        eventMask: EV.ButtonPress | EV.ButtonRelease | EV.PointerMotion,
      });
      d.client.MapWindow(wid);
      const events: XEvent[] = [];
      d.client.on('event', (e) => {
        if (e.name !== 'ButtonPress' && e.name !== 'ButtonRelease' && e.name !== 'MotionNotify') return;
        events.push({
          name: e.name,
          button: e.name === 'MotionNotify' ? 0 : e.keycode,
          x: e.rootx,
          y: e.rooty,
          state: e.buttons,
        });
      });
      void d.client.sync().then(() => resolve({ events, close: () => d.client.close() }), reject);
    });
    c.on('error', reject);
  });
}

/** A Pixel-class phone and an iPad-class tablet (issue 9 Tests), each on its own display. */
const DEVICES = [
  ['Pixel 7', ':105'],
  ['iPad (gen 7)', ':106'],
] as const;

describe.each(DEVICES)('touch as a mouse on %s (CDP touch), judged on the X server', (device, display) => {
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let log: { events: XEvent[]; close(): void };

  beforeAll(async () => {
    stack = await startStack({ display });
    context = await stack.browser.newContext({ ...devices[device] });
    page = await context.newPage();
    page.on('pageerror', (e) => stack.logs.push(`phone pageerror: ${e.message}`));
    await page.goto(`${stack.url}#login=${stack.bridge.oneTimeLogin()}`);
    await waitForKvm(page, { control: false });
    // The desktop page lets go; the phone gets control (given to it, or asked for while free).
    await stack.page.getByTestId('control-release').click();
    await waitFor(async () => {
      if ((await page.getByTestId('control').getAttribute('data-holder')) === 'you') return true;
      const ask = page.getByTestId('control-request');
      if (await ask.isVisible()) await ask.click();
      return undefined;
    }, 'the phone in control');
    await stack.context.close();
    await page.waitForSelector('.screen-zoom[data-touch="ready"]', { state: 'attached' });
    cdp = await context.newCDPSession(page);
    log = await logXEvents(stack.sim.display);
  });
  afterAll(async () => {
    log?.close();
    await stack?.stop();
  });

  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd' | 'touchCancel', touchPoints: TouchPoint[]) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints });

  /** The picture's client rect: the canvas (zoom transform included) letterboxed by object-fit: contain. */
  async function picture() {
    const b = await page.evaluate(() => {
      const r = document.getElementById('screen')!.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height };
    });
    const scale = Math.min(b.width / TARGET.width, b.height / TARGET.height);
    const w = TARGET.width * scale;
    const h = TARGET.height * scale;
    return { left: b.left + (b.width - w) / 2, top: b.top + (b.height - h) / 2, width: w, height: h };
  }
  /** Where target pixel (tx, ty) is drawn now (the sim maps 0..32767 to 0..size-1). */
  async function clientOf(tx: number, ty: number) {
    const p = await picture();
    return {
      x: p.left + (tx / (TARGET.width - 1)) * p.width,
      y: p.top + (ty / (TARGET.height - 1)) * p.height,
    };
  }
  async function tap(x: number, y: number, id = 1) {
    await touch('touchStart', [{ x, y, id }]);
    await touch('touchEnd', []);
  }
  const since = (n: number) => log.events.slice(n);
  const presses = (evs: XEvent[], button: number) => evs.filter((e) => e.name === 'ButtonPress' && e.button === button);
  /** Waits for the n-th event from `from` matching `pred` in the X log. */
  const waitX = (from: number, pred: (e: XEvent) => boolean, what: string, count = 1) =>
    waitFor(() => {
      const m = since(from).filter(pred);
      return m.length >= count ? m : undefined;
    }, what);
  const near = (e: { x: number; y: number }, want: { x: number; y: number }, tol = 2) =>
    Math.abs(e.x - want.x) <= tol && Math.abs(e.y - want.y) <= tol;

  it('shows the touch mode toggle, in Direct mode by default', async () => {
    const button = page.getByTestId('touch-mode');
    await expect.poll(() => button.getAttribute('data-mode')).toBe('direct');
  });

  it('clicks button 1 where a tap lands', async () => {
    const at = await clientOf(300, 200);
    const n = log.events.length;
    await tap(at.x, at.y);
    const [release] = await waitX(n, (e) => e.name === 'ButtonRelease' && e.button === 1, 'button 1 released');
    const press = presses(since(n), 1);
    expect(press).toHaveLength(1);
    expect(near(press[0]!, { x: 300, y: 200 }), JSON.stringify(press[0])).toBe(true);
    expect(near(release!, { x: 300, y: 200 })).toBe(true);
  });

  it('right-clicks (button 3) on a long press, with the cue shown while the finger is held', async () => {
    const at = await clientOf(500, 300);
    const n = log.events.length;
    await touch('touchStart', [{ ...at, id: 1 }]);
    await page.getByTestId('touch-hold').waitFor({ state: 'visible', timeout: 5000 });
    // The finger stays down: the right click comes at about 500 ms, before the lift.
    const [press] = await waitX(n, (e) => e.name === 'ButtonPress' && e.button === 3, 'button 3 pressed');
    await touch('touchEnd', []);
    await waitX(n, (e) => e.name === 'ButtonRelease' && e.button === 3, 'button 3 released');
    expect(near(press!, { x: 500, y: 300 }), JSON.stringify(press)).toBe(true);
    expect(presses(since(n), 1)).toHaveLength(0);
  });

  it('drags on double tap and drag: button 1 held during the motion, no click before it', async () => {
    const from = await clientOf(200, 500);
    const to = await clientOf(420, 560);
    const n = log.events.length;
    await tap(from.x, from.y);
    await touch('touchStart', [{ ...from, id: 2 }]);
    for (let i = 1; i <= 10; i++)
      await touch('touchMove', [
        { x: from.x + ((to.x - from.x) * i) / 10, y: from.y + ((to.y - from.y) * i) / 10, id: 2 },
      ]);
    await waitX(n, (e) => e.name === 'MotionNotify' && near(e, { x: 420, y: 560 }), 'the pointer at the drag end');
    expect((await queryXInput(stack.sim.display)).mask & XMask.Button1).toBeTruthy();
    await touch('touchEnd', []);
    const [release] = await waitX(n, (e) => e.name === 'ButtonRelease' && e.button === 1, 'button 1 released');
    const evs = since(n);
    const press = presses(evs, 1);
    expect(press).toHaveLength(1);
    expect(near(press[0]!, { x: 200, y: 500 }), JSON.stringify(press[0])).toBe(true);
    const during = evs.slice(evs.indexOf(press[0]!) + 1, evs.indexOf(release!));
    const moves = during.filter((e) => e.name === 'MotionNotify');
    expect(moves.length).toBeGreaterThan(2);
    expect(moves.every((e) => (e.state & XMask.Button1) !== 0)).toBe(true);
    expect(near(release!, { x: 420, y: 560 })).toBe(true);
  });

  it('scrolls with two fingers: wheel down (button 5) when they move up, wheel up (button 4) when down', async () => {
    const c = await clientOf(512, 384);
    const n = log.events.length;
    const pair = (dy: number): TouchPoint[] => [
      { x: c.x - 40, y: c.y + dy, id: 1 },
      { x: c.x + 40, y: c.y + dy, id: 2 },
    ];
    await touch('touchStart', pair(0).slice(0, 1));
    await touch('touchStart', pair(0));
    // 135 CSS px at 30 px per detent: 4 whole detents (and half of one that is never sent).
    for (let i = 1; i <= 15; i++) await touch('touchMove', pair(-9 * i));
    await touch('touchEnd', []);
    const down = await waitX(n, (e) => e.name === 'ButtonPress' && e.button === 5, 'wheel down (button 5)', 4);
    expect(presses(since(n), 4)).toHaveLength(0);
    expect(near(down[0]!, { x: 512, y: 384 }, 3)).toBe(true);
    const m = log.events.length;
    await touch('touchStart', pair(-60).slice(0, 1));
    await touch('touchStart', pair(-60));
    for (let i = 1; i <= 15; i++) await touch('touchMove', pair(-60 + 9 * i));
    await touch('touchEnd', []);
    await waitX(m, (e) => e.name === 'ButtonPress' && e.button === 4, 'wheel up (button 4)', 4);
    expect(presses(since(m), 5)).toHaveLength(0);
    expect(presses(since(n), 1).length + presses(since(n), 3).length).toBe(0);
  });

  it('zooms 2× with a pinch, and a tap at 2× lands on the target pixel drawn under the finger', async () => {
    const c = await clientOf(512, 384);
    const n = log.events.length;
    const spread = (d: number): TouchPoint[] => [
      { x: c.x - d, y: c.y, id: 1 },
      { x: c.x + d, y: c.y, id: 2 },
    ];
    await touch('touchStart', spread(40).slice(0, 1));
    await touch('touchStart', spread(40));
    for (let d = 44; d <= 80; d += 4) await touch('touchMove', spread(d));
    await touch('touchEnd', []);
    await expect
      .poll(async () => Number(await page.locator('.screen-zoom').getAttribute('data-scale')))
      .toBeCloseTo(2, 1);
    // Where target pixel (600, 420) is drawn now, from the transformed canvas rect alone.
    const at = await clientOf(600, 420);
    const vp = page.viewportSize()!;
    expect(at.x > 0 && at.x < vp.width && at.y > 0 && at.y < vp.height).toBe(true);
    const m = log.events.length;
    await tap(at.x, at.y);
    const [press] = await waitX(m, (e) => e.name === 'ButtonPress' && e.button === 1, 'button 1 pressed at 2×');
    expect(near(press!, { x: 600, y: 420 }), JSON.stringify(press)).toBe(true);
    // The pinch sent nothing to the target but the pointer (no buttons, no wheel).
    expect(
      since(n)
        .slice(0, since(n).indexOf(press!))
        .filter((e) => e.name !== 'MotionNotify'),
    ).toEqual([]);

    // A two-finger double tap goes back to 1:1.
    for (let i = 0; i < 2; i++) {
      await touch('touchStart', spread(60).slice(0, 1));
      await touch('touchStart', spread(60));
      await touch('touchEnd', []);
    }
    await expect.poll(async () => Number(await page.locator('.screen-zoom').getAttribute('data-scale'))).toBe(1);
  });

  it('releases the drag button on pointercancel (touchcancel)', async () => {
    const at = await clientOf(700, 600);
    await tap(at.x, at.y);
    await touch('touchStart', [{ ...at, id: 3 }]);
    await touch('touchMove', [{ x: at.x + 30, y: at.y, id: 3 }]);
    await waitFor(
      async () => ((await queryXInput(stack.sim.display)).mask & XMask.Button1 ? true : undefined),
      'button 1 held by the drag',
    );
    await touch('touchCancel', []);
    await waitFor(
      async () => ((await queryXInput(stack.sim.display)).mask & XMask.Button1 ? undefined : true),
      'button 1 released after touchcancel',
    );
  });

  it('in Trackpad mode moves the pointer relative to where it is, with acceleration, and taps click there', async () => {
    // On a phone the toolbar is a menu (Toolbar.tsx): open it if the toggle is inside.
    if (!(await page.getByTestId('touch-mode').isVisible())) await page.getByTestId('toolbar-menu').click();
    await page.getByTestId('touch-mode').click();
    await expect.poll(() => page.getByTestId('touch-mode').getAttribute('data-mode')).toBe('trackpad');
    const start = await clientOf(300, 200);
    const n0 = log.events.length;
    await tap(start.x, start.y); // a trackpad tap clicks where the pointer is, not at the finger
    const [click] = await waitX(n0, (e) => e.name === 'ButtonPress' && e.button === 1, 'trackpad tap click');
    const before = await queryXInput(stack.sim.display);
    expect({ x: click!.x, y: click!.y }).toEqual({ x: before.x, y: before.y });
    expect(near(click!, { x: 300, y: 200 }, 20)).toBe(false);

    // A slow swipe far from the pointer: the pointer moves by the swipe, not to the finger.
    const p = await picture();
    const perCss = (TARGET.width - 1) / p.width; // target px per CSS px at 1:1, gain 1
    const from = await clientOf(100, 700);
    const n = log.events.length;
    await touch('touchStart', [{ ...from, id: 4 }]);
    for (let i = 1; i <= 20; i++) {
      await touch('touchMove', [{ x: from.x + 3 * i, y: from.y, id: 4 }]);
      await new Promise((r) => setTimeout(r, 40)); // the finger's own pace: 3 px per 40 ms, slow
    }
    await touch('touchEnd', []);
    const moved = await waitFor(async () => {
      const s = await queryXInput(stack.sim.display);
      return s.x > before.x + 40 * perCss ? s : undefined;
    }, 'the pointer moved right by the swipe');
    const dx = moved.x - before.x;
    expect(dx).toBeGreaterThanOrEqual(Math.floor(60 * perCss) - 2); // 60 CSS px at gain ≥ 1
    expect(dx).toBeLessThanOrEqual(Math.ceil(60 * perCss * 4) + 2); // at most the 4× gain
    expect(Math.abs(moved.y - before.y)).toBeLessThanOrEqual(2);
    expect(presses(since(n), 1)).toHaveLength(0);

    // A fast flick of the same length, back left (room to the screen's edge), goes further: acceleration.
    const slowDx = dx;
    const fast0 = await queryXInput(stack.sim.display);
    await touch('touchStart', [{ ...from, id: 5 }]);
    for (let i = 1; i <= 3; i++) await touch('touchMove', [{ x: from.x - 20 * i, y: from.y, id: 5 }]);
    await touch('touchEnd', []);
    const fast = await waitFor(async () => {
      const s = await queryXInput(stack.sim.display);
      return s.x < fast0.x - 40 * perCss ? s : undefined;
    }, 'the pointer moved left by the flick');
    expect(fast0.x - fast.x).toBeGreaterThan(slowDx);
  });

  it('remembers the touch mode across a reload', async () => {
    await page.reload();
    await waitForKvm(page, { control: false });
    await expect.poll(() => page.getByTestId('touch-mode').getAttribute('data-mode')).toBe('trackpad');
  });
});
