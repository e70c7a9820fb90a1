/**
 * HID input report layouts shared by the PWA (builds them), the bridge (checks and writes them) and
 * the simulated target (parses them). Pure functions: state in, bytes out.
 *
 * Layouts follow the report descriptors the gadget declares:
 * - Keyboard: the boot keyboard report of HID 1.11 Appendix B.1, 8 bytes:
 *   `[modifiers, reserved=0, key1..key6]`. Modifier bit n is HID usage 0xE0+n
 *   (LCtrl, LShift, LAlt, LGUI, RCtrl, RShift, RAlt, RGUI). Keys are Keyboard/Keypad page (0x07)
 *   usage IDs 0x00..0xFF; 0x00 means "no key".
 * - Absolute mouse: 7 bytes `[buttons, x lo, x hi, y lo, y hi, wheel s8, pan s8]`, X/Y little-endian
 *   0..32767, wheel and AC Pan (Consumer page 0x0238) signed -127..127.
 * - Relative mouse: boot mouse report (HID 1.11 Appendix B.2) plus wheel, 4 bytes
 *   `[buttons, dx s8, dy s8, wheel s8]`.
 */

export const KEYBOARD_REPORT_BYTES = 8;
export const MOUSE_ABS_REPORT_BYTES = 7;
export const MOUSE_REL_REPORT_BYTES = 4;
/** Largest absolute coordinate, per the absolute mouse's logical maximum. */
export const ABS_MAX = 32767;
/** Keys a boot keyboard report can carry at once (6-key rollover). */
export const MAX_KEYS = 6;

/** Modifier bit masks in byte 0 of the keyboard report. */
export const Modifier = {
  LeftCtrl: 0x01,
  LeftShift: 0x02,
  LeftAlt: 0x04,
  LeftMeta: 0x08,
  RightCtrl: 0x10,
  RightShift: 0x20,
  RightAlt: 0x40,
  RightMeta: 0x80,
} as const;

/** Mouse button bits in byte 0 of both mouse reports (HID Button page usages 1..8). */
export const MouseButton = {
  Left: 0x01,
  Right: 0x02,
  Middle: 0x04,
  Back: 0x08,
  Forward: 0x10,
} as const;

/** LED output report bits (HID LED page usages 1..5). */
export const Led = {
  NumLock: 0x01,
  CapsLock: 0x02,
  ScrollLock: 0x04,
  Compose: 0x08,
  Kana: 0x10,
} as const;

export interface KeyboardState {
  /** Modifier bit mask, 0..255 (see {@link Modifier}). */
  modifiers: number;
  /** Held non-modifier usages in press order; at most {@link MAX_KEYS} are reported. */
  keys: readonly number[];
}

/** True for the modifier usages 0xE0..0xE7, which live in the modifier byte, not the key array. */
export function isModifierUsage(usage: number): boolean {
  return usage >= 0xe0 && usage <= 0xe7;
}

/**
 * Builds the 8-byte keyboard report. With more than 6 keys held, the report carries
 * ErrorRollOver (usage 0x01) in every slot, as HID 1.11 §C.1 (Keyboard Implementation) requires,
 * so the host keeps its current state instead of seeing a random subset.
 */
export function keyboardReport(state: KeyboardState): Uint8Array {
  const out = new Uint8Array(KEYBOARD_REPORT_BYTES);
  out[0] = state.modifiers & 0xff;
  if (state.keys.length > MAX_KEYS) {
    out.fill(0x01, 2);
    return out;
  }
  state.keys.forEach((usage, i) => {
    out[2 + i] = usage & 0xff;
  });
  return out;
}

/** Parses an 8-byte keyboard report; zero slots and ErrorRollOver are left out of `keys`. */
export function parseKeyboardReport(report: Uint8Array): KeyboardState {
  const keys: number[] = [];
  for (let i = 2; i < KEYBOARD_REPORT_BYTES; i++) {
    const usage = report[i] ?? 0;
    if (usage > 0x03) keys.push(usage);
  }
  return { modifiers: report[0] ?? 0, keys };
}

export interface MouseAbsState {
  /** Button bit mask (see {@link MouseButton}). */
  buttons: number;
  /** 0..{@link ABS_MAX}, left to right. */
  x: number;
  /** 0..{@link ABS_MAX}, top to bottom. */
  y: number;
  /** Wheel detents, -127..127, positive is away from the user (scroll up). */
  wheel: number;
  /** Horizontal wheel detents (AC Pan), -127..127, positive is right. */
  pan: number;
}

export interface MouseRelState {
  buttons: number;
  /** -127..127 counts, positive is right. */
  dx: number;
  /** -127..127 counts, positive is down. */
  dy: number;
  wheel: number;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.round(v)));

/** Builds the 7-byte absolute mouse report; values are clamped to their logical ranges. */
export function mouseAbsReport(s: MouseAbsState): Uint8Array {
  const out = new Uint8Array(MOUSE_ABS_REPORT_BYTES);
  const view = new DataView(out.buffer);
  out[0] = s.buttons & 0xff;
  view.setUint16(1, clamp(s.x, 0, ABS_MAX), true);
  view.setUint16(3, clamp(s.y, 0, ABS_MAX), true);
  view.setInt8(5, clamp(s.wheel, -127, 127));
  view.setInt8(6, clamp(s.pan, -127, 127));
  return out;
}

export function parseMouseAbsReport(r: Uint8Array): MouseAbsState {
  const view = new DataView(r.buffer, r.byteOffset, r.byteLength);
  return {
    buttons: view.getUint8(0),
    x: view.getUint16(1, true),
    y: view.getUint16(3, true),
    wheel: view.getInt8(5),
    pan: view.getInt8(6),
  };
}

/** Builds the 4-byte relative (boot) mouse report; values are clamped to -127..127. */
export function mouseRelReport(s: MouseRelState): Uint8Array {
  const out = new Uint8Array(MOUSE_REL_REPORT_BYTES);
  const view = new DataView(out.buffer);
  out[0] = s.buttons & 0xff;
  view.setInt8(1, clamp(s.dx, -127, 127));
  view.setInt8(2, clamp(s.dy, -127, 127));
  view.setInt8(3, clamp(s.wheel, -127, 127));
  return out;
}

export function parseMouseRelReport(r: Uint8Array): MouseRelState {
  const view = new DataView(r.buffer, r.byteOffset, r.byteLength);
  return { buttons: view.getUint8(0), dx: view.getInt8(1), dy: view.getInt8(2), wheel: view.getInt8(3) };
}

/** The all-keys-up keyboard report and all-buttons-up mouse reports, written on release. */
export const RELEASE_KEYBOARD: Uint8Array = new Uint8Array(KEYBOARD_REPORT_BYTES);
export const RELEASE_MOUSE_REL: Uint8Array = new Uint8Array(MOUSE_REL_REPORT_BYTES);
