import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MouseButton, parseMouseAbsReport, type ClientMessage } from '../../../protocol/index.ts';
import { makeInputController, type ControllerClock } from '../../../web/src/lib/input/controller.ts';
import { attachTouchSource, trackpadGain, type TouchMode } from '../../../web/src/lib/input/sources/touch.ts';
import { DOUBLE_TAP_MS } from '../../../web/src/lib/input/sources/touch-gestures.ts';
import { IDENTITY, type ZoomState } from '../../../web/src/lib/input/zoom.ts';

const clock: ControllerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A canvas box stand-in: events and pointer capture. */
const fakeSurface = () => Object.assign(new EventTarget(), { setPointerCapture: vi.fn() }) as unknown as HTMLElement;

const pointer = (type: string, o: { id?: number; x: number; y: number; pointerType?: string; t?: number }) => {
  const e = Object.assign(new Event(type, { cancelable: true }), {
    pointerId: o.id ?? 1,
    clientX: o.x,
    clientY: o.y,
    pointerType: o.pointerType ?? 'touch',
  });
  // Event.timeStamp is a getter: shadow it on the instance.
  Object.defineProperty(e, 'timeStamp', { value: o.t ?? Date.now() });
  return e;
};

/**
 * A 1024×768 target in a 1024×768 box at (0, 0): one CSS px is one target px at 1:1, and target
 * pixel p is absolute coordinate p·32767/1024 (here checked as fractions of the width).
 */
function setup(mode: TouchMode = 'direct') {
  const sent: ClientMessage[] = [];
  const ctl = makeInputController({
    send: (m) => {
      sent.push(m);
      return true;
    },
    mayInput: () => true,
    batchActive: () => false,
    blockedInput: () => {},
    clock,
  });
  let zoom: ZoomState = IDENTITY;
  const surface = fakeSurface();
  const state = { mode };
  const src = attachTouchSource(surface, ctl, {
    mode: () => state.mode,
    videoSize: () => ({ width: 1024, height: 768 }),
    viewport: () => ({ left: 0, top: 0, width: 1024, height: 768 }),
    zoom: () => zoom,
    setZoom: (z) => {
      zoom = z;
    },
    clock,
  });
  const abs = () => sent.flatMap((m) => (m.type === 'mouse' ? [parseMouseAbsReport(m.report)] : []));
  const fire = (type: string, o: Parameters<typeof pointer>[1]) => surface.dispatchEvent(pointer(type, o));
  return { sent, ctl, src, abs, fire, state, zoom: () => zoom, setZoom: (z: ZoomState) => (zoom = z) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('touch source (fake canvas box; the real one runs in test/e2e/touch.test.ts)', () => {
  it('leaves mouse and pen events to the other sources', () => {
    const s = setup();
    for (const pointerType of ['mouse', 'pen']) {
      s.fire('pointerdown', { x: 10, y: 10, pointerType });
      s.fire('pointerup', { x: 10, y: 10, pointerType });
    }
    vi.advanceTimersByTime(1000);
    expect(s.sent).toEqual([]);
  });

  it('Direct: a tap clicks left at the touch point', () => {
    const s = setup();
    s.fire('pointerdown', { x: 512, y: 384 });
    s.fire('pointerup', { x: 512, y: 384 });
    vi.advanceTimersByTime(DOUBLE_TAP_MS);
    const r = s.abs();
    expect(r.map((m) => m.buttons)).toEqual([0, MouseButton.Left, 0]);
    expect(r[1]!.x / 32767).toBeCloseTo(0.5, 3);
    expect(r[1]!.y / 32767).toBeCloseTo(0.5, 3);
  });

  it('Direct at 2×: a touch maps through the zoom to the picture point under it', () => {
    const s = setup();
    s.setZoom({ scale: 2, x: -512, y: -384 }); // the picture's centre quarter fills the box
    s.fire('pointerdown', { x: 0, y: 0 }); // the box's corner shows target pixel (256, 192)
    const r = s.abs().at(-1)!;
    expect(r.x / 32767).toBeCloseTo(0.25, 3);
    expect(r.y / 32767).toBeCloseTo(0.25, 3);
  });

  it('releases every button it holds on pointercancel', () => {
    const s = setup();
    s.fire('pointerdown', { x: 100, y: 100 });
    s.fire('pointerup', { x: 100, y: 100 });
    s.fire('pointerdown', { id: 2, x: 100, y: 100 });
    s.fire('pointermove', { id: 2, x: 150, y: 100 });
    expect(s.ctl.heldButtons()).toBe(MouseButton.Left);
    s.fire('pointercancel', { id: 2, x: 150, y: 100 });
    expect(s.ctl.heldButtons()).toBe(0);
    expect(s.abs().at(-1)!.buttons).toBe(0);
  });

  it('Direct: a two-finger drag pans the zoomed picture first, then scrolls the wheel', () => {
    const s = setup();
    s.setZoom({ scale: 2, x: -10, y: -10 });
    s.fire('pointerdown', { id: 1, x: 400, y: 300 });
    s.fire('pointerdown', { id: 2, x: 500, y: 300 });
    for (let i = 1; i <= 10; i++) {
      s.fire('pointermove', { id: 1, x: 400, y: 300 + 10 * i });
      s.fire('pointermove', { id: 2, x: 500, y: 300 + 10 * i });
    }
    // 100 px down: 10 of them move the picture to its top edge, the other 90 are 3 detents up.
    expect(s.zoom()).toEqual({ scale: 2, x: -10, y: 0 });
    const wheel = s.abs().reduce((n, m) => n + m.wheel, 0);
    expect(wheel).toBe(3);
  });

  it('Trackpad: the pointer moves from where it is by the finger motion times the gain', () => {
    const s = setup('trackpad');
    s.ctl.moveAbs(16384, 16384, 'mouse');
    const t0 = Date.now();
    s.fire('pointerdown', { x: 900, y: 700, t: t0 });
    // 5 px per 100 ms: slow, gain 1; one CSS px is one target px here.
    for (let i = 1; i <= 8; i++) s.fire('pointermove', { x: 900 + 5 * i, y: 700, t: t0 + 100 * i });
    const last = s.abs().at(-1)!;
    expect(last.x).toBeCloseTo(16384 + (40 * 32767) / 1024, -1);
    expect(last.y).toBe(16384);
    s.fire('pointerup', { x: 940, y: 700, t: t0 + 900 });
    vi.advanceTimersByTime(DOUBLE_TAP_MS);
    expect(s.ctl.heldButtons()).toBe(0);
  });

  it('Trackpad while zoomed: the picture pans so the pointer stays in view', () => {
    const s = setup('trackpad');
    s.setZoom({ scale: 2, x: 0, y: 0 }); // shows the top-left quarter: box 0..512 × 0..384
    s.ctl.moveAbs(16000, 8000, 'mouse'); // drawn at about 1000 × 375: outside
    const t0 = Date.now();
    s.fire('pointerdown', { x: 100, y: 100, t: t0 });
    s.fire('pointermove', { x: 120, y: 100, t: t0 + 200 });
    const last = s.abs().at(-1)!;
    const drawnX = (last.x / 32767) * 1024 * 2 + s.zoom().x;
    const drawnY = (last.y / 32767) * 768 * 2 + s.zoom().y;
    expect(drawnX).toBeGreaterThanOrEqual(24);
    expect(drawnX).toBeLessThanOrEqual(1024 - 24 + 0.001);
    expect(drawnY).toBeGreaterThanOrEqual(24);
    expect(drawnY).toBeLessThanOrEqual(768 - 24 + 0.001);
  });

  it('Trackpad: a tap clicks where the pointer is, not at the finger', () => {
    const s = setup('trackpad');
    s.ctl.moveAbs(1000, 2000, 'mouse');
    s.fire('pointerdown', { x: 900, y: 700 });
    s.fire('pointerup', { x: 900, y: 700 });
    vi.advanceTimersByTime(DOUBLE_TAP_MS);
    const press = s.abs().find((m) => m.buttons === MouseButton.Left)!;
    expect({ x: press.x, y: press.y }).toEqual({ x: 1000, y: 2000 });
  });

  it('switching the mode releases everything (source switch)', () => {
    const s = setup();
    s.fire('pointerdown', { x: 100, y: 100 });
    s.fire('pointerup', { x: 100, y: 100 });
    s.fire('pointerdown', { id: 2, x: 100, y: 100 });
    s.fire('pointermove', { id: 2, x: 150, y: 100 });
    s.src.reset();
    expect(s.ctl.heldButtons()).toBe(0);
    expect(s.sent.at(-1)?.type).toBe('release-all');
  });

  it.each([
    [0, 1],
    [0.1, 1],
    [0.65, 2],
    [1.65, 4],
    [10, 4],
    [Number.NaN, 1],
  ])('trackpad gain at %s px/ms is %s', (speed, gain) => {
    expect(trackpadGain(speed)).toBeCloseTo(gain, 10);
  });
});
