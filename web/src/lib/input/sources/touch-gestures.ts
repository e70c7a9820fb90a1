/**
 * The touch gesture recogniser (issue 9 part 4): finger downs, moves and ups (client CSS px) in,
 * gestures out. Pure: no DOM, the clock is injected, so every timing runs under fake timers.
 * touch.ts turns the gestures into mouse input for the Direct and Trackpad modes.
 *
 * One finger
 * - tap (lifted before {@link LONG_PRESS_MS}, moved less than {@link TAP_SLOP_PX}): a left click
 *   at the touch-down point, sent when the double-tap window ({@link DOUBLE_TAP_MS}) closes, so a
 *   double-tap-and-drag never starts with a stray click (libinput's tap-and-drag does the same);
 * - double tap: two clicks (the target's double click);
 * - double tap and drag (the second touch lands within DOUBLE_TAP_MS and
 *   {@link DOUBLE_TAP_SLOP_PX} of the first, then moves, or is held for LONG_PRESS_MS): left held
 *   while the finger moves;
 * - long press (held LONG_PRESS_MS without moving): a right click, with a cue from
 *   {@link HOLD_CUE_DELAY_MS} (Guacamole's touchscreen mouse uses 500 ms too);
 * - drag: the pointer follows (no button).
 * Two fingers (after noVNC's gesturehandler.js and Guacamole's pinch: classified once, by
 * whichever moves first past its slop)
 * - tap (both down and up within {@link TWO_TAP_MS}, not moved): a right click, after the
 *   double-tap window; a second two-finger tap within it resets the zoom to 1:1 instead;
 * - drag (the centroid moves {@link SCROLL_SLOP_PX}): scroll;
 * - pinch (the spread changes {@link PINCH_SLOP_PX}): zoom by the spread ratio, pan with the
 *   centroid.
 * A third finger ends a two-finger gesture; `cancel()` (pointercancel) forgets everything and
 * emits `cancel`, on which the source releases every button it holds.
 */
import { systemClock, type ControllerClock } from '../controller.ts';

export const TAP_SLOP_PX = 10;
export const LONG_PRESS_MS = 500;
export const HOLD_CUE_DELAY_MS = 150;
export const DOUBLE_TAP_MS = 250;
export const DOUBLE_TAP_SLOP_PX = 40;
export const TWO_TAP_MS = 400;
export const SCROLL_SLOP_PX = 12;
export const PINCH_SLOP_PX = 24;

/** Positions are client CSS px; dx/dy are motion since the previous gesture event, dt in ms. */
export type Gesture =
  /** One finger landed (Direct mode puts the pointer there). */
  | { kind: 'touch'; x: number; y: number }
  /** One finger moved (the pointer follows; with the left button held during a drag). */
  | { kind: 'move'; x: number; y: number; dx: number; dy: number; dt: number }
  | { kind: 'click'; button: 'left' | 'right'; x: number; y: number }
  /** A drag starts: left button down at (x, y). */
  | { kind: 'press'; x: number; y: number }
  /** The drag ends: left button up. */
  | { kind: 'release' }
  /** Two-finger drag: (x, y) where it started, (dx, dy) the centroid's motion. */
  | { kind: 'scroll'; x: number; y: number; dx: number; dy: number }
  /** Pinch step: spread ratio since the last step, the centroid now, and its motion. */
  | { kind: 'pinch'; factor: number; x: number; y: number; dx: number; dy: number }
  | { kind: 'zoom-reset' }
  /** The long press cue: shown, withdrawn, or done (the right click follows). */
  | { kind: 'hold'; phase: 'start' | 'cancel' | 'fire'; x: number; y: number }
  /** pointercancel: release everything. */
  | { kind: 'cancel' };

/**
 * `t` is the event's time in ms on the clock's timeline (PointerEvent.timeStamp for
 * performance.now()); it defaults to `clock.now()`. Move speeds come from it, so events handled
 * late in a burst (a busy main thread) keep the pace the finger had.
 */
export interface TouchGestures {
  down(id: number, x: number, y: number, t?: number): void;
  move(id: number, x: number, y: number, t?: number): void;
  up(id: number, x: number, y: number, t?: number): void;
  /** pointercancel: timers stopped, fingers forgotten, pending taps dropped, `cancel` emitted. */
  cancel(): void;
  /** Number of fingers down. */
  fingers(): number;
  dispose(): void;
}

type Phase =
  | 'idle'
  | 'one' // one finger, still within the tap slop; the long press timer runs
  | 'hover' // one finger moving, no button
  | 'second' // the second touch of a double tap, still within the slop
  | 'drag' // left held
  | 'held' // the long press fired; waits for the lift
  | 'two' // two fingers, not classified yet
  | 'two-up' // a two-finger tap with one finger lifted
  | 'scroll'
  | 'pinch'
  | 'ending'; // waits until every finger is up

interface Finger {
  id: number;
  x0: number;
  y0: number;
  x: number;
  y: number;
}
interface Pending {
  x: number;
  y: number;
  timer: unknown;
}

const dist = (ax: number, ay: number, bx: number, by: number): number => Math.hypot(ax - bx, ay - by);

export function makeTouchGestures(emit: (g: Gesture) => void, clock: ControllerClock = systemClock): TouchGestures {
  const fingers = new Map<number, Finger>();
  let phase: Phase = 'idle';
  let primary: Finger | null = null;
  /** The primary finger's last reported position and time, for move deltas. */
  let last = { x: 0, y: 0, t: 0 };
  let firstDownAt = 0;
  let longTimer: unknown = null;
  let cueTimer: unknown = null;
  let cueShown = false;
  let pendingTap: Pending | null = null;
  let pendingTwoTap: Pending | null = null;
  /** Two-finger state: the pair, start and previous centroid and spread. */
  let pair: [Finger, Finger] | null = null;
  let c0 = { x: 0, y: 0 };
  let prevC = { x: 0, y: 0 };
  let d0 = 0;
  let prevD = 0;
  let twoTapPossible = false;

  const clear = (t: unknown): null => {
    if (t !== null) clock.clearTimeout(t);
    return null;
  };
  const stopLong = (): void => {
    longTimer = clear(longTimer);
    cueTimer = clear(cueTimer);
    if (cueShown && primary) emit({ kind: 'hold', phase: 'cancel', x: primary.x0, y: primary.y0 });
    cueShown = false;
  };
  const flushTap = (): void => {
    if (!pendingTap) return;
    const p = pendingTap;
    pendingTap = null;
    clear(p.timer);
    emit({ kind: 'click', button: 'left', x: p.x, y: p.y });
  };
  const flushTwoTap = (): void => {
    if (!pendingTwoTap) return;
    const p = pendingTwoTap;
    pendingTwoTap = null;
    clear(p.timer);
    emit({ kind: 'click', button: 'right', x: p.x, y: p.y });
  };
  const emitMove = (f: Finger, t: number): void => {
    emit({ kind: 'move', x: f.x, y: f.y, dx: f.x - last.x, dy: f.y - last.y, dt: t - last.t });
    last = { x: f.x, y: f.y, t };
  };
  const startDrag = (f: Finger): void => {
    stopLong();
    pendingTap = null; // its click is replaced by the drag
    phase = 'drag';
    emit({ kind: 'press', x: f.x0, y: f.y0 });
  };
  const centroid = (): { x: number; y: number } => {
    const [a, b] = pair!;
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  };
  const spread = (): number => {
    const [a, b] = pair!;
    return dist(a.x, a.y, b.x, b.y);
  };

  const startOne = (f: Finger, t: number): void => {
    primary = f;
    firstDownAt = clock.now();
    last = { x: f.x, y: f.y, t };
    if (pendingTap && dist(pendingTap.x, pendingTap.y, f.x, f.y) <= DOUBLE_TAP_SLOP_PX) {
      pendingTap.timer = clear(pendingTap.timer);
      phase = 'second';
      // Held still after the double tap: the drag starts anyway (double-tap-and-hold).
      longTimer = clock.setTimeout(() => {
        longTimer = null;
        startDrag(f);
      }, LONG_PRESS_MS);
      return;
    }
    flushTap();
    phase = 'one';
    emit({ kind: 'touch', x: f.x, y: f.y });
    cueTimer = clock.setTimeout(() => {
      cueTimer = null;
      cueShown = true;
      emit({ kind: 'hold', phase: 'start', x: f.x0, y: f.y0 });
    }, HOLD_CUE_DELAY_MS);
    longTimer = clock.setTimeout(() => {
      longTimer = null;
      cueTimer = clear(cueTimer);
      cueShown = false;
      flushTwoTap();
      phase = 'held';
      emit({ kind: 'hold', phase: 'fire', x: f.x0, y: f.y0 });
      emit({ kind: 'click', button: 'right', x: f.x0, y: f.y0 });
    }, LONG_PRESS_MS);
  };

  const startTwo = (f: Finger): void => {
    const wasStill = phase === 'one' || phase === 'second';
    stopLong();
    flushTap(); // a pending first tap (phase 'second') is a click of its own
    pair = [primary!, f];
    c0 = centroid();
    prevC = c0;
    d0 = spread();
    prevD = d0;
    phase = 'two';
    // A finger that has already wandered makes a scroll or pinch, never a two-finger tap.
    twoTapPossible = wasStill;
  };

  const endIfEmpty = (): void => {
    if (fingers.size === 0) {
      phase = 'idle';
      primary = null;
      pair = null;
    }
  };

  const move = (id: number, x: number, y: number, t = clock.now()): void => {
    const f = fingers.get(id);
    if (!f) return;
    if (f.x === x && f.y === y) return;
    f.x = x;
    f.y = y;
    const isPrimary = f === primary;
    switch (phase) {
      case 'one':
        if (isPrimary && dist(f.x0, f.y0, x, y) > TAP_SLOP_PX) {
          stopLong();
          flushTwoTap();
          phase = 'hover';
          emitMove(f, t);
        }
        return;
      case 'hover':
      case 'drag':
        if (isPrimary) emitMove(f, t);
        return;
      case 'second':
        if (isPrimary && dist(f.x0, f.y0, x, y) > TAP_SLOP_PX) {
          startDrag(f);
          emitMove(f, t);
        }
        return;
      case 'two':
      case 'two-up':
      case 'scroll':
      case 'pinch':
        break;
      default:
        return;
    }
    if (!pair || (f !== pair[0] && f !== pair[1])) return;
    const c = centroid();
    const d = spread();
    if (phase === 'two-up') {
      if (dist(f.x0, f.y0, x, y) > TAP_SLOP_PX) phase = 'ending';
      return;
    }
    if (phase === 'two') {
      if (Math.abs(d - d0) > PINCH_SLOP_PX) phase = 'pinch';
      else if (dist(c.x, c.y, c0.x, c0.y) > SCROLL_SLOP_PX) phase = 'scroll';
      else return;
      flushTwoTap();
    }
    if (phase === 'scroll') emit({ kind: 'scroll', x: c0.x, y: c0.y, dx: c.x - prevC.x, dy: c.y - prevC.y });
    else
      emit({ kind: 'pinch', factor: prevD > 0 ? d / prevD : 1, x: c.x, y: c.y, dx: c.x - prevC.x, dy: c.y - prevC.y });
    prevC = c;
    prevD = d;
  };

  return {
    down(id, x, y, t = clock.now()) {
      if (fingers.has(id)) return;
      const f: Finger = { id, x0: x, y0: y, x, y };
      fingers.set(id, f);
      if (fingers.size === 1) {
        startOne(f, t);
        return;
      }
      if (fingers.size === 2 && (phase === 'one' || phase === 'hover' || phase === 'second')) {
        startTwo(f);
        return;
      }
      if (phase === 'drag' || phase === 'held') return; // extra fingers do not end a drag
      phase = 'ending';
    },

    move,
    up(id, x, y, t = clock.now()) {
      const f = fingers.get(id);
      if (!f) return;
      move(id, x, y, t);
      fingers.delete(id);
      switch (phase) {
        case 'one': {
          stopLong();
          flushTwoTap();
          const p: Pending = { x: f.x0, y: f.y0, timer: null };
          p.timer = clock.setTimeout(() => {
            p.timer = null;
            flushTap();
          }, DOUBLE_TAP_MS);
          pendingTap = p;
          break;
        }
        case 'second': {
          longTimer = clear(longTimer);
          const p = pendingTap!;
          pendingTap = null;
          emit({ kind: 'click', button: 'left', x: p.x, y: p.y });
          emit({ kind: 'click', button: 'left', x: p.x, y: p.y });
          break;
        }
        case 'drag':
          if (f === primary) {
            emit({ kind: 'release' });
            phase = 'ending';
          }
          break;
        case 'two':
          phase = twoTapPossible && clock.now() - firstDownAt <= TWO_TAP_MS ? 'two-up' : 'ending';
          break;
        case 'two-up':
          if (fingers.size === 0) {
            if (pendingTwoTap) {
              pendingTwoTap.timer = clear(pendingTwoTap.timer);
              pendingTwoTap = null;
              emit({ kind: 'zoom-reset' });
            } else {
              const p: Pending = { x: c0.x, y: c0.y, timer: null };
              p.timer = clock.setTimeout(() => {
                p.timer = null;
                flushTwoTap();
              }, DOUBLE_TAP_MS);
              pendingTwoTap = p;
            }
          }
          break;
        case 'scroll':
        case 'pinch':
          phase = 'ending';
          break;
        default:
          break;
      }
      endIfEmpty();
    },

    cancel() {
      stopLong();
      if (pendingTap) clear(pendingTap.timer);
      if (pendingTwoTap) clear(pendingTwoTap.timer);
      pendingTap = null;
      pendingTwoTap = null;
      fingers.clear();
      endIfEmpty();
      emit({ kind: 'cancel' });
    },

    fingers: () => fingers.size,

    dispose() {
      longTimer = clear(longTimer);
      cueTimer = clear(cueTimer);
      if (pendingTap) clear(pendingTap.timer);
      if (pendingTwoTap) clear(pendingTwoTap.timer);
      pendingTap = null;
      pendingTwoTap = null;
      fingers.clear();
      endIfEmpty();
    },
  };
}
