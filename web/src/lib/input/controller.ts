/**
 * The one input controller of the page (STYLE.md, "One input controller, many sources"): it owns
 * what the page holds on the target (keys, mouse buttons, the pointer) and every HID report that
 * follows from it. Sources (physical keyboard, mouse, pointer lock, and later the on-screen
 * keyboard, the phone's text field and touch) only say what their user did, through
 * `keyDown(usage, source)`, `keyUp`, `buttons`, `moveAbs`, `moveRel`, `wheel`; releasing
 * everything is one call, `releaseAll(reason)`.
 *
 * - A key is held while any source holds it: physical Shift plus another source's A is Shift+A on
 *   the target, and a key two sources hold goes up only when both let go (or on releaseAll).
 *   Keys are reported in press order; a seventh non-modifier key makes the report carry
 *   ErrorRollOver (HID 1.11 §C.1, protocol/reports.ts) until enough keys go up.
 * - Mouse buttons are the OR of every source's buttons, reported on the pointer device in use:
 *   the absolute mouse (`mouse`, 0..32767) after `moveAbs`, the relative one (`mouse-rel`) after
 *   `moveRel`.
 * - Relative motion is coalesced to one report per {@link REL_REPORT_INTERVAL_MS} and split into
 *   reports of at most ±127 counts per axis (the boot mouse report's logical range); fractions
 *   are carried, so no motion is lost.
 * - While input may not be sent (disconnected, or another client controls), input is dropped and
 *   the local state cleared, so nothing done meanwhile is sent later.
 *
 * Pure: no DOM. Sending, the permission to send and the clock are injected.
 */
import {
  isModifierUsage,
  keyboardReport,
  mouseAbsReport,
  mouseRelReport,
  type ClientMessage,
} from '../../../../protocol/index.ts';
import { releaseMessages } from './release.ts';

/** Who fed an input. New sources (on-screen keyboard, phone text field, touch) add their name here. */
export type InputSource = 'keyboard' | 'mouse' | 'pointer-lock' | 'on-screen-keyboard' | 'text-field' | 'touch';

/** Why everything was released (logs, tests, and sources resetting their own state). */
export type ReleaseReason =
  | 'blur'
  | 'pagehide'
  | 'hidden'
  | 'disconnect'
  | 'control-lost'
  | 'source-switch'
  | 'blocked'
  | 'send-failed'
  | 'dispose';

/** Timers and time, injected so tests use fake timers. Times in ms. */
export interface ControllerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: ControllerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface ControllerDeps {
  /** Sends if connected; false means the message was dropped (never replayed later). */
  send(m: ClientMessage): boolean;
  /** True while input may go to the target: connected, and this page holds control. */
  mayInput(): boolean;
  /** A batch (paste, macro) is playing on the bridge: it owns the keyboard until its end. */
  batchActive(): boolean;
  /** A key or button was pressed while input may not be sent (e.g. to ask for control). */
  blockedInput(): void;
  clock?: ControllerClock;
}

/** The pointer device a report goes to. */
export type PointerDevice = 'mouse' | 'mouse-rel';

export interface InputController {
  /** True while input may be sent (see ControllerDeps.mayInput). */
  mayInput(): boolean;
  /**
   * Checks that input may be sent before a source acts on an event. When it may not, clears the
   * local state and, for a press, tells `blockedInput`. @returns mayInput()
   */
  admit(press: boolean): boolean;
  /**
   * `source` pressed the key with Keyboard/Keypad page (0x07) usage `usage`.
   * @returns true if the key is now held (a report was sent, or another source already held it)
   */
  keyDown(usage: number, source: InputSource): boolean;
  /** `source` let go of `usage`; the key goes up when no source holds it. */
  keyUp(usage: number, source: InputSource): void;
  /** True if any source holds `usage`. */
  isHeld(usage: number): boolean;
  /** Usages held by any source, in press order. */
  heldKeys(): number[];
  /**
   * Whole keyboard reports sent in order as they are (translated typing: each sequence starts and
   * ends all-up), outside the held-key state.
   */
  typeReports(reports: readonly Uint8Array[]): void;
  /** `source`'s buttons are now `mask` (HID Button page bits, protocol MouseButton). */
  buttons(mask: number, source: InputSource): void;
  /** The pointer is at (x, y), 0..32767 on both axes, on the absolute mouse (a report if it moved). */
  moveAbs(x: number, y: number, source: InputSource): void;
  /** Relative motion in counts (positive right/down), on the relative mouse; coalesced. */
  moveRel(dx: number, dy: number, source: InputSource): void;
  /** Wheel detents (positive up) and pan (positive right; the relative mouse has none), -127..127. */
  wheel(detents: number, pan: number, source: InputSource): void;
  /** Held buttons of all sources (OR). */
  heldButtons(): number;
  pointerDevice(): PointerDevice;
  /** Where the absolute pointer was last sent (0..32767), or null before the first `moveAbs`. */
  absPosition(): { x: number; y: number } | null;
  /**
   * Forgets everything held and, when input may still be sent, releases it on the target
   * (release.ts: `release-all`, or only the mouse while a batch plays). Pending relative motion
   * is dropped. Listeners (sources) are told so they reset their own state.
   */
  releaseAll(reason: ReleaseReason): void;
  /** Called after every releaseAll (and local clear); returns an unsubscribe function. */
  onRelease(fn: (reason: ReleaseReason) => void): () => void;
  /** Releases everything and stops the timers. */
  dispose(): void;
}

/** Relative reports at most every 8 ms (125 Hz, a full-speed boot mouse's usual bInterval). */
export const REL_REPORT_INTERVAL_MS = 8;
/** Reports one flush may send; the rest of a huge motion waits for the next flush. */
export const REL_REPORTS_PER_FLUSH = 16;
const REL_MAX = 127;

const clampRel = (v: number): number => Math.max(-REL_MAX, Math.min(REL_MAX, v));

export function makeInputController(deps: ControllerDeps): InputController {
  const clock = deps.clock ?? systemClock;
  /** Usage → the sources holding it; Map order is press order. */
  const keys = new Map<number, Set<InputSource>>();
  const buttonsBy = new Map<InputSource, number>();
  /** Buttons a source held while input was blocked, so only a new press asks for control. */
  const blockedButtons = new Map<InputSource, number>();
  const listeners = new Set<(r: ReleaseReason) => void>();
  let device: PointerDevice = 'mouse';
  let abs = { x: 0, y: 0 };
  let absKnown = false;
  /** Buttons as last reported per device, to release the old device when the device changes. */
  const reported: Record<PointerDevice, number> = { mouse: 0, 'mouse-rel': 0 };
  let rel = { dx: 0, dy: 0 };
  let relTimer: unknown = null;
  let lastRelAt = -Infinity;

  const combined = (): number => {
    let m = 0;
    for (const b of buttonsBy.values()) m |= b;
    return m;
  };

  const keyReport = (): Uint8Array => {
    let modifiers = 0;
    const list: number[] = [];
    for (const usage of keys.keys()) {
      if (isModifierUsage(usage)) modifiers |= 1 << (usage - 0xe0);
      else list.push(usage);
    }
    return keyboardReport({ modifiers, keys: list });
  };

  const clearLocal = (reason: ReleaseReason): void => {
    keys.clear();
    buttonsBy.clear();
    reported.mouse = 0;
    reported['mouse-rel'] = 0;
    rel = { dx: 0, dy: 0 };
    if (relTimer !== null) clock.clearTimeout(relTimer);
    relTimer = null;
    for (const fn of listeners) fn(reason);
  };

  const sendKeys = (): void => {
    if (!deps.send({ type: 'keyboard', report: keyReport() })) {
      // Not sent: the target did not get it, so holding it here would only desynchronise us.
      keys.clear();
    }
  };

  const sendAbs = (wheel = 0, pan = 0): void => {
    const buttons = combined();
    reported.mouse = buttons;
    deps.send({ type: 'mouse', report: mouseAbsReport({ buttons, x: abs.x, y: abs.y, wheel, pan }) });
  };
  const sendRel = (dx: number, dy: number, wheel = 0): void => {
    const buttons = combined();
    reported['mouse-rel'] = buttons;
    deps.send({ type: 'mouse-rel', report: mouseRelReport({ buttons, dx, dy, wheel }) });
  };

  /** Sends pending relative motion: whole counts, ±127 per report, fractions carried. */
  const flushRel = (limit = REL_REPORTS_PER_FLUSH): void => {
    if (relTimer !== null) clock.clearTimeout(relTimer);
    relTimer = null;
    if (!deps.mayInput()) {
      rel = { dx: 0, dy: 0 }; // control went away within the interval: never sent later
      return;
    }
    let sent = 0;
    while (sent < limit) {
      const dx = clampRel(Math.trunc(rel.dx));
      const dy = clampRel(Math.trunc(rel.dy));
      if (dx === 0 && dy === 0) break;
      rel = { dx: rel.dx - dx, dy: rel.dy - dy };
      sendRel(dx, dy);
      sent++;
    }
    if (sent > 0) lastRelAt = clock.now();
    if (Math.abs(rel.dx) >= 1 || Math.abs(rel.dy) >= 1) scheduleRel();
  };
  const scheduleRel = (): void => {
    if (relTimer !== null) return;
    const wait = lastRelAt + REL_REPORT_INTERVAL_MS - clock.now();
    if (wait <= 0) flushRel();
    else relTimer = clock.setTimeout(() => flushRel(), wait);
  };

  /** Makes `d` the pointer device; buttons reported on the other one are let go there first. */
  const useDevice = (d: PointerDevice): void => {
    if (device === d) return;
    if (device === 'mouse-rel') flushRel(Infinity);
    if (reported[device] !== 0) {
      buttonsBy.clear();
      if (device === 'mouse') sendAbs();
      else sendRel(0, 0);
    }
    device = d;
  };

  const admit = (press: boolean): boolean => {
    if (deps.mayInput()) {
      blockedButtons.clear();
      return true;
    }
    if (keys.size > 0 || buttonsBy.size > 0) clearLocal('blocked');
    if (press) deps.blockedInput();
    return false;
  };

  const releaseAll = (reason: ReleaseReason): void => {
    const held = {
      keysHeld: keys.size,
      mouse: { buttons: reported.mouse, x: abs.x, y: abs.y },
      relButtons: reported['mouse-rel'],
      batchActive: deps.batchActive(),
    };
    clearLocal(reason);
    if (deps.mayInput()) for (const m of releaseMessages(held)) deps.send(m);
  };

  return {
    mayInput: () => deps.mayInput(),
    admit,
    keyDown(usage, source) {
      if (!admit(true)) return false;
      const by = keys.get(usage);
      if (by) {
        by.add(source);
        return true;
      }
      keys.set(usage, new Set([source]));
      sendKeys();
      return keys.has(usage);
    },
    keyUp(usage, source) {
      if (!admit(false)) return;
      const by = keys.get(usage);
      if (!by || !by.delete(source) || by.size > 0) return;
      keys.delete(usage);
      sendKeys();
    },
    isHeld: (usage) => keys.has(usage),
    heldKeys: () => [...keys.keys()],
    typeReports(reports) {
      if (!admit(true)) return;
      // Each is a whole report, sent in order; the bridge keeps keyboard order.
      for (const report of reports) deps.send({ type: 'keyboard', report });
    },
    buttons(mask, source) {
      if (!deps.mayInput()) {
        const pressed = mask & ~(blockedButtons.get(source) ?? 0);
        blockedButtons.set(source, mask);
        admit(pressed !== 0);
        return;
      }
      blockedButtons.clear();
      const before = combined();
      let others = 0;
      for (const [s, b] of buttonsBy) if (s !== source) others |= b;
      const store = (): void => void (mask === 0 ? buttonsBy.delete(source) : buttonsBy.set(source, mask));
      if ((others | mask) === before) return store();
      // Motion first, with the old buttons, so a click lands where the pointer went.
      if (device === 'mouse-rel') flushRel(Infinity);
      store();
      if (device === 'mouse') sendAbs();
      else sendRel(0, 0);
    },
    moveAbs(x, y, _source) {
      if (!admit(false)) return;
      const moved = device !== 'mouse' || x !== abs.x || y !== abs.y;
      useDevice('mouse');
      abs = { x, y };
      absKnown = true;
      if (moved) sendAbs();
    },
    moveRel(dx, dy, _source) {
      if (!admit(false)) return;
      if (!Number.isFinite(dx) || !Number.isFinite(dy)) return;
      useDevice('mouse-rel');
      rel = { dx: rel.dx + dx, dy: rel.dy + dy };
      scheduleRel();
    },
    wheel(detents, pan, _source) {
      if (!admit(false)) return;
      if (detents === 0 && pan === 0) return;
      if (device === 'mouse') sendAbs(detents, pan);
      else {
        flushRel(Infinity);
        if (detents !== 0) sendRel(0, 0, detents);
      }
    },
    heldButtons: combined,
    pointerDevice: () => device,
    absPosition: () => (absKnown ? { ...abs } : null),
    releaseAll,
    onRelease(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    dispose() {
      releaseAll('dispose');
      listeners.clear();
    },
  };
}
