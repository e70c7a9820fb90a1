import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ControllerClock } from '../../../web/src/lib/input/controller.ts';
import {
  DOUBLE_TAP_MS,
  HOLD_CUE_DELAY_MS,
  LONG_PRESS_MS,
  makeTouchGestures,
  type Gesture,
} from '../../../web/src/lib/input/sources/touch-gestures.ts';

const fakeClock: ControllerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

function setup() {
  const out: Gesture[] = [];
  const g = makeTouchGestures((e) => out.push(e), fakeClock);
  const kinds = () =>
    out.map((e) => (e.kind === 'click' ? `click-${e.button}` : e.kind === 'hold' ? `hold-${e.phase}` : e.kind));
  return { g, out, kinds };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('touch gestures: one finger', () => {
  it('clicks left where a tap landed once the double-tap window closes', () => {
    const { g, out, kinds } = setup();
    g.down(1, 100, 200);
    vi.advanceTimersByTime(80);
    g.move(1, 103, 202); // within the tap slop
    g.up(1, 103, 202);
    expect(kinds()).toEqual(['touch']);
    vi.advanceTimersByTime(DOUBLE_TAP_MS - 1);
    expect(kinds()).toEqual(['touch']);
    vi.advanceTimersByTime(1);
    expect(out.at(-1)).toEqual({ kind: 'click', button: 'left', x: 100, y: 200 });
  });

  it('sends a pending tap at once when the next touch lands far away', () => {
    const { g, kinds } = setup();
    g.down(1, 100, 100);
    g.up(1, 100, 100);
    g.down(2, 400, 400);
    expect(kinds()).toEqual(['touch', 'click-left', 'touch']);
  });

  it('right-clicks on a long press, with the cue shown first and no click on the lift', () => {
    const { g, out, kinds } = setup();
    g.down(1, 50, 60);
    vi.advanceTimersByTime(HOLD_CUE_DELAY_MS);
    expect(out.at(-1)).toEqual({ kind: 'hold', phase: 'start', x: 50, y: 60 });
    vi.advanceTimersByTime(LONG_PRESS_MS - HOLD_CUE_DELAY_MS);
    expect(kinds()).toEqual(['touch', 'hold-start', 'hold-fire', 'click-right']);
    expect(out.at(-1)).toEqual({ kind: 'click', button: 'right', x: 50, y: 60 });
    g.up(1, 50, 60);
    vi.advanceTimersByTime(1000);
    expect(kinds()).toEqual(['touch', 'hold-start', 'hold-fire', 'click-right']);
  });

  it('withdraws the cue and never right-clicks when the finger moves', () => {
    const { g, kinds } = setup();
    g.down(1, 50, 60);
    vi.advanceTimersByTime(200);
    g.move(1, 80, 60);
    vi.advanceTimersByTime(1000);
    g.up(1, 80, 60);
    vi.advanceTimersByTime(1000);
    expect(kinds()).toEqual(['touch', 'hold-start', 'hold-cancel', 'move']);
  });

  it('moves the pointer with the finger, deltas and time included', () => {
    const { g, out } = setup();
    g.down(1, 10, 10);
    vi.advanceTimersByTime(16);
    g.move(1, 30, 10);
    vi.advanceTimersByTime(16);
    g.move(1, 40, 15);
    expect(out.filter((e) => e.kind === 'move')).toEqual([
      { kind: 'move', x: 30, y: 10, dx: 20, dy: 0, dt: 16 },
      { kind: 'move', x: 40, y: 15, dx: 10, dy: 5, dt: 16 },
    ]);
  });

  it('drags on double tap and drag: left held from the second touch, no click before it', () => {
    const { g, out, kinds } = setup();
    g.down(1, 100, 100);
    g.up(1, 100, 100);
    vi.advanceTimersByTime(120);
    g.down(2, 104, 98);
    g.move(2, 150, 120);
    g.move(2, 200, 140);
    g.up(2, 200, 140);
    vi.advanceTimersByTime(1000);
    expect(kinds()).toEqual(['touch', 'press', 'move', 'move', 'release']);
    expect(out[1]).toEqual({ kind: 'press', x: 104, y: 98 });
  });

  it('drags on double tap and hold, even before the finger moves', () => {
    const { g, kinds } = setup();
    g.down(1, 100, 100);
    g.up(1, 100, 100);
    g.down(2, 100, 100);
    vi.advanceTimersByTime(LONG_PRESS_MS);
    expect(kinds()).toEqual(['touch', 'press']);
    g.up(2, 100, 100);
    expect(kinds()).toEqual(['touch', 'press', 'release']);
  });

  it('double-clicks on a double tap', () => {
    const { g, out, kinds } = setup();
    g.down(1, 100, 100);
    g.up(1, 100, 100);
    vi.advanceTimersByTime(100);
    g.down(2, 102, 101);
    g.up(2, 102, 101);
    expect(kinds()).toEqual(['touch', 'click-left', 'click-left']);
    expect(out[1]).toEqual({ kind: 'click', button: 'left', x: 100, y: 100 });
    vi.advanceTimersByTime(1000);
    expect(out).toHaveLength(3);
  });
});

describe('touch gestures: two fingers', () => {
  it('right-clicks on a two-finger tap at the centroid, after the double-tap window', () => {
    const { g, out, kinds } = setup();
    g.down(1, 100, 100);
    vi.advanceTimersByTime(30);
    g.down(2, 200, 100);
    vi.advanceTimersByTime(100);
    g.up(1, 100, 100);
    g.up(2, 200, 100);
    expect(kinds()).toEqual(['touch']);
    vi.advanceTimersByTime(DOUBLE_TAP_MS);
    expect(out.at(-1)).toEqual({ kind: 'click', button: 'right', x: 150, y: 100 });
    vi.advanceTimersByTime(LONG_PRESS_MS);
    expect(kinds()).toEqual(['touch', 'click-right']);
  });

  it('resets the zoom on a two-finger double tap (and sends no right click)', () => {
    const { g, kinds } = setup();
    for (let i = 0; i < 2; i++) {
      g.down(1, 100, 100);
      g.down(2, 200, 100);
      vi.advanceTimersByTime(60);
      g.up(1, 100, 100);
      g.up(2, 200, 100);
      vi.advanceTimersByTime(100);
    }
    vi.advanceTimersByTime(1000);
    expect(kinds()).toEqual(['touch', 'touch', 'zoom-reset']);
  });

  it('is no two-finger tap when held too long', () => {
    const { g, kinds } = setup();
    g.down(1, 100, 100);
    g.down(2, 200, 100);
    vi.advanceTimersByTime(600);
    g.up(1, 100, 100);
    g.up(2, 200, 100);
    vi.advanceTimersByTime(1000);
    expect(kinds()).toEqual(['touch']);
  });

  it('scrolls by the centroid motion when both fingers move together', () => {
    const { g, out } = setup();
    g.down(1, 100, 300);
    g.down(2, 200, 300);
    g.move(1, 100, 280);
    g.move(2, 200, 280); // centroid -20: past the 12 px slop
    g.move(1, 100, 250);
    g.move(2, 200, 250);
    g.up(1, 100, 250);
    g.up(2, 200, 250);
    vi.advanceTimersByTime(1000);
    const scrolls = out.filter((e) => e.kind === 'scroll');
    expect(scrolls.reduce((s, e) => s + e.dy, 0)).toBe(-50);
    expect(scrolls.every((e) => e.x === 150 && e.y === 300)).toBe(true);
    expect(out.some((e) => e.kind === 'click')).toBe(false);
  });

  it('pinches when the spread changes: factors multiply to the spread ratio', () => {
    const { g, out } = setup();
    g.down(1, 100, 100);
    g.down(2, 200, 100);
    g.move(1, 70, 100);
    g.move(2, 230, 100); // spread 100 → 160
    g.move(1, 50, 100);
    g.move(2, 250, 100); // → 200
    const pinches = out.filter((e) => e.kind === 'pinch');
    expect(pinches.reduce((p, e) => p * e.factor, 1)).toBeCloseTo(2, 10);
    expect(pinches.at(-1)).toMatchObject({ x: 150, y: 100 });
    expect(out.some((e) => e.kind === 'scroll')).toBe(false);
  });

  it('sends a pending two-finger tap before a new one-finger gesture', () => {
    const { g, kinds } = setup();
    g.down(1, 100, 100);
    g.down(2, 200, 100);
    g.up(1, 100, 100);
    g.up(2, 200, 100);
    g.down(3, 300, 300);
    g.move(3, 340, 300);
    expect(kinds()).toEqual(['touch', 'touch', 'click-right', 'move']);
  });
});

describe('touch gestures: pointercancel', () => {
  it('forgets a drag in progress, emits cancel and nothing later', () => {
    const { g, kinds } = setup();
    g.down(1, 100, 100);
    g.up(1, 100, 100);
    g.down(2, 100, 100);
    g.move(2, 150, 100);
    g.cancel();
    expect(g.fingers()).toBe(0);
    g.move(2, 200, 100);
    g.up(2, 200, 100);
    vi.advanceTimersByTime(2000);
    expect(kinds()).toEqual(['touch', 'press', 'move', 'cancel']);
  });

  it('drops a pending tap and a pending long press', () => {
    const { g, kinds } = setup();
    g.down(1, 10, 10);
    g.up(1, 10, 10);
    g.down(2, 300, 300); // flushes the first tap
    vi.advanceTimersByTime(200);
    g.cancel();
    vi.advanceTimersByTime(2000);
    expect(kinds()).toEqual(['touch', 'click-left', 'touch', 'hold-start', 'hold-cancel', 'cancel']);
  });
});
