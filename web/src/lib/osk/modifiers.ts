/**
 * The on-screen keyboard's sticky modifiers (Shift, Ctrl, Alt, AltGr, Meta), one state machine
 * per modifier usage (HID 0xE0..0xE7):
 * - tap (down and up within {@link HOLD_MS}): **latched**. Nothing is sent yet; the next other key
 *   is sent with the modifier pressed around it, then the latch goes off. Tapping a latched
 *   modifier again after {@link DOUBLE_TAP_MS} turns it off.
 * - double tap (the second down within DOUBLE_TAP_MS of the first): **locked**: pressed on the
 *   target until tapped again.
 * - long press (down for HOLD_MS): **held**: pressed on the target while the finger stays; so is a
 *   modifier that is down when another key goes down (a two-finger chord such as Ctrl+C).
 * A latched modifier is never sent alone, so tapping Meta or Alt to latch it does not open the
 * target's menu or overview. Pure; the clock is injected (tests use fake timers).
 */
import type { ControllerClock } from '../input/controller.ts';

export type ModifierState = 'off' | 'pressing' | 'latched' | 'held' | 'locked';

/** A press at least this long (ms) holds the modifier instead of latching it. */
export const HOLD_MS = 500;
/** Two taps whose downs are at most this far apart (ms) lock the modifier. */
export const DOUBLE_TAP_MS = 350;

export interface ModifierDeps {
  /** Press / release `usage` on the target (through the input controller). */
  press(usage: number): void;
  release(usage: number): void;
  clock: ControllerClock;
  /** Called after any state change (the UI redraws the keys and legends). */
  onChange(): void;
}

export interface Modifiers {
  state(usage: number): ModifierState;
  /** True unless off: the modifier counts for the legends. */
  active(usage: number): boolean;
  /** A finger went down on modifier key `usage`. */
  modDown(usage: number): void;
  modUp(usage: number): void;
  /**
   * Another key goes down: modifiers still being pressed become held and latched ones are
   * pressed, all before the key itself. Call before pressing the key.
   */
  keyDown(usage: number): void;
  /** Another key went up: the latches it used are released. Call after releasing the key. */
  keyUp(usage: number): void;
  /** Forgets every state without sending anything (the controller released everything). */
  reset(): void;
  /** Releases what this machine pressed (held and locked modifiers, used latches) and resets. */
  releaseAll(): void;
}

interface Entry {
  state: ModifierState;
  /** When the last down was (ms). */
  downAt: number;
  /** The down began on a latched (or locked) modifier. */
  from: ModifierState;
  timer: unknown;
  /** The non-modifier key whose press used this latch (its release ends the latch). */
  usedBy: number | null;
  /** Sent to the target. */
  pressed: boolean;
}

export function makeModifiers(deps: ModifierDeps): Modifiers {
  const entries = new Map<number, Entry>();
  const get = (u: number): Entry => {
    let e = entries.get(u);
    if (!e) {
      e = { state: 'off', downAt: -Infinity, from: 'off', timer: null, usedBy: null, pressed: false };
      entries.set(u, e);
    }
    return e;
  };
  const stopTimer = (e: Entry): void => {
    if (e.timer !== null) deps.clock.clearTimeout(e.timer);
    e.timer = null;
  };
  const press = (u: number, e: Entry): void => {
    if (e.pressed) return;
    e.pressed = true;
    deps.press(u);
  };
  const off = (u: number, e: Entry): void => {
    stopTimer(e);
    e.state = 'off';
    e.usedBy = null;
    if (e.pressed) {
      e.pressed = false;
      deps.release(u);
    }
  };
  const m: Modifiers = {
    state: (u) => entries.get(u)?.state ?? 'off',
    active: (u) => m.state(u) !== 'off',
    modDown(u) {
      const e = get(u);
      if (e.state === 'pressing' || e.state === 'held') return; // a second finger on the same key
      const now = deps.clock.now();
      const doubleTap = e.state === 'latched' && e.usedBy === null && now - e.downAt <= DOUBLE_TAP_MS;
      e.from = doubleTap ? 'locked' : e.state;
      e.downAt = now;
      if (e.state === 'locked') return deps.onChange(); // its up turns it off
      e.state = 'pressing';
      e.timer = deps.clock.setTimeout(() => {
        e.timer = null;
        e.state = 'held';
        press(u, e);
        deps.onChange();
      }, HOLD_MS);
      deps.onChange();
    },
    modUp(u) {
      const e = get(u);
      stopTimer(e);
      if (e.state === 'held') off(u, e);
      else if (e.state === 'locked') off(u, e);
      else if (e.state === 'pressing') {
        if (e.from === 'locked') {
          e.state = 'locked';
          press(u, e);
        } else if (e.from === 'latched') off(u, e);
        else {
          e.state = 'latched';
          e.usedBy = null;
        }
      }
      deps.onChange();
    },
    keyDown(key) {
      let changed = false;
      for (const [u, e] of entries) {
        if (e.state === 'pressing') {
          stopTimer(e);
          e.state = 'held';
          press(u, e);
          changed = true;
        } else if (e.state === 'latched' && e.usedBy === null) {
          e.usedBy = key;
          press(u, e);
          changed = true;
        }
      }
      if (changed) deps.onChange();
    },
    keyUp(key) {
      let changed = false;
      for (const [u, e] of entries) {
        if (e.state === 'latched' && e.usedBy === key) {
          off(u, e);
          changed = true;
        }
      }
      if (changed) deps.onChange();
    },
    reset() {
      for (const e of entries.values()) {
        stopTimer(e);
        e.pressed = false;
      }
      entries.clear();
      deps.onChange();
    },
    releaseAll() {
      for (const [u, e] of entries) off(u, e);
      entries.clear();
      deps.onChange();
    },
  };
  return m;
}
