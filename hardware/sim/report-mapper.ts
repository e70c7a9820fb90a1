/**
 * Pure translation of HID input reports into X input actions: report bytes in, a list of actions
 * out. Each mapper keeps the previous report, as a host's HID driver does, so a report that changes
 * nothing produces nothing. No I/O here; {@link ./x-input.ts} performs the actions.
 */
import {
  ABS_MAX,
  KEYBOARD_REPORT_BYTES,
  MAX_KEYS,
  MOUSE_ABS_REPORT_BYTES,
  MOUSE_REL_REPORT_BYTES,
  parseMouseAbsReport,
  parseMouseRelReport,
} from '../../protocol/reports.ts';
import { MODIFIER_X_KEYCODES, usageToXKeycode } from './hid-usage-table.ts';

/** One X input event to inject. Keycodes and buttons are X numbers; coordinates are root pixels. */
export type XAction =
  | { kind: 'key'; keycode: number; down: boolean }
  | { kind: 'button'; button: number; down: boolean }
  | { kind: 'motion-abs'; x: number; y: number }
  | { kind: 'motion-rel'; dx: number; dy: number };

/** HID usage ErrorRollOver: the keyboard could not tell which keys are down (HID 1.11 §C.1). */
const ERROR_ROLL_OVER = 0x01;

/**
 * Keyboard: diffs the held X keycodes of consecutive 8-byte boot reports. Releases come first
 * (plain keys, then modifiers) and presses last (modifiers, then plain keys in slot order), so a
 * shortcut like Ctrl+C arriving in one report reaches X as Ctrl down, C down.
 *
 * ErrorRollOver in any key slot leaves the held plain keys as they are while modifier bits still
 * apply, matching Linux's hid_input_array_field, which skips only the array field that carries it.
 */
export class KeyboardMapper {
  private modifiers = new Set<number>();
  private keys: number[] = [];

  map(report: Uint8Array): XAction[] {
    if (report.length !== KEYBOARD_REPORT_BYTES) throw new RangeError(`keyboard report must be 8 bytes`);
    const modifiers = new Set<number>();
    MODIFIER_X_KEYCODES.forEach((keycode, bit) => {
      if ((report[0]! >> bit) & 1) modifiers.add(keycode);
    });
    const slots = Array.from(report.subarray(2, 2 + MAX_KEYS));
    let keys = this.keys;
    if (!slots.includes(ERROR_ROLL_OVER)) {
      keys = [];
      for (const usage of slots) {
        const keycode = usageToXKeycode(usage);
        // A modifier usage in a slot (some keyboards send them) is held once, via the modifier set.
        if (keycode !== undefined && !keys.includes(keycode) && !modifiers.has(keycode)) keys.push(keycode);
      }
    }
    const actions: XAction[] = [];
    const release = (keycode: number): void => void actions.push({ kind: 'key', keycode, down: false });
    const press = (keycode: number): void => void actions.push({ kind: 'key', keycode, down: true });
    for (const k of this.keys) if (!keys.includes(k) && !modifiers.has(k)) release(k);
    for (const k of this.modifiers) if (!modifiers.has(k) && !keys.includes(k)) release(k);
    for (const k of modifiers) if (!this.modifiers.has(k) && !this.keys.includes(k)) press(k);
    for (const k of keys) if (!this.keys.includes(k) && !this.modifiers.has(k)) press(k);
    this.modifiers = modifiers;
    this.keys = keys;
    return actions;
  }

  /** Releases everything held, as the host does when a keyboard disconnects (device unregistered). */
  reset(): XAction[] {
    return this.map(new Uint8Array(KEYBOARD_REPORT_BYTES));
  }
}

/** X core pointer buttons for HID button bits 0..4: left 1, right 3, middle 2, back 8, forward 9. */
export const HID_BUTTON_TO_X: readonly number[] = [1, 3, 2, 8, 9];
/** X buttons that scroll: wheel up/down 4/5, pan left/right 6/7 (the core protocol convention). */
const WHEEL_UP = 4,
  WHEEL_DOWN = 5,
  PAN_LEFT = 6,
  PAN_RIGHT = 7;

function buttonActions(prev: number, next: number): XAction[] {
  const out: XAction[] = [];
  HID_BUTTON_TO_X.forEach((button, bit) => {
    const was = (prev >> bit) & 1,
      is = (next >> bit) & 1;
    if (was !== is) out.push({ kind: 'button', button, down: is === 1 });
  });
  return out;
}

/** One press+release of `button` per detent; `detents` may be negative (uses `negButton`). */
function scrollActions(detents: number, posButton: number, negButton: number): XAction[] {
  const button = detents > 0 ? posButton : negButton;
  const out: XAction[] = [];
  for (let i = 0; i < Math.abs(detents); i++) {
    out.push({ kind: 'button', button, down: true }, { kind: 'button', button, down: false });
  }
  return out;
}

/**
 * Absolute mouse (7-byte report): 0..32767 scaled to pixels with round(v * (size - 1) / 32767),
 * values above the logical maximum clamped as Linux does. Order: motion, buttons, wheel, pan, so a
 * click lands where the same report put the pointer.
 */
export class MouseAbsMapper {
  private buttons = 0;
  private last: { x: number; y: number } | undefined;
  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}

  map(report: Uint8Array): XAction[] {
    if (report.length !== MOUSE_ABS_REPORT_BYTES) throw new RangeError('absolute mouse report must be 7 bytes');
    const r = parseMouseAbsReport(report);
    const x = Math.round((Math.min(r.x, ABS_MAX) * (this.width - 1)) / ABS_MAX);
    const y = Math.round((Math.min(r.y, ABS_MAX) * (this.height - 1)) / ABS_MAX);
    const actions: XAction[] = [];
    if (!this.last || this.last.x !== x || this.last.y !== y) actions.push({ kind: 'motion-abs', x, y });
    this.last = { x, y };
    actions.push(...buttonActions(this.buttons, r.buttons));
    this.buttons = r.buttons;
    actions.push(...scrollActions(r.wheel, WHEEL_UP, WHEEL_DOWN), ...scrollActions(r.pan, PAN_RIGHT, PAN_LEFT));
    return actions;
  }

  /** Releases held buttons (on disconnect); the pointer stays where it is. */
  reset(): XAction[] {
    const actions = buttonActions(this.buttons, 0);
    this.buttons = 0;
    return actions;
  }
}

/** Relative (boot) mouse (4-byte report): counts become relative X motion, one count per pixel. */
export class MouseRelMapper {
  private buttons = 0;

  map(report: Uint8Array): XAction[] {
    if (report.length !== MOUSE_REL_REPORT_BYTES) throw new RangeError('relative mouse report must be 4 bytes');
    const r = parseMouseRelReport(report);
    const actions: XAction[] = [];
    if (r.dx !== 0 || r.dy !== 0) actions.push({ kind: 'motion-rel', dx: r.dx, dy: r.dy });
    actions.push(...buttonActions(this.buttons, r.buttons), ...scrollActions(r.wheel, WHEEL_UP, WHEEL_DOWN));
    this.buttons = r.buttons;
    return actions;
  }

  /** Releases held buttons (on disconnect). */
  reset(): XAction[] {
    const actions = buttonActions(this.buttons, 0);
    this.buttons = 0;
    return actions;
  }
}
