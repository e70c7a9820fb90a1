/**
 * On-screen keyboard geometry as data: where each key sits, in key units (1 u = one letter key,
 * 19.05 mm on a real board), for the four physical shapes the target layouts are drawn on:
 * - ANSI (104 keys): wide Backslash above a one-row Enter, a 2.25 u left Shift.
 * - ISO (105): the two-row Enter, Backslash (HID 0x31, the "Non-US #" position) left of it, and the
 *   extra key at IntlBackslash (0x64) next to a 1.25 u left Shift.
 * - JIS (109): IntlYen (0x89) before Backspace, IntlRo (0x87) before right Shift, and the
 *   Japanese conversion keys beside Space: NonConvert (無変換), Convert (変換), KanaMode (カナ),
 *   plus Lang2 (英数) and Lang1 (かな) as on JIS boards with dedicated eisu/kana keys.
 * - ABNT2 (Brazil, 107): ISO with the extra key at IntlRo (0x87, "/ ?") before right Shift and a
 *   numpad comma (NumpadComma, 0x85).
 * Usages are HID Keyboard/Keypad page (0x07) IDs from input/keycodes.ts.
 */
import { hidUsageForCode } from '../input/keycodes.ts';

export type Geometry = 'ansi' | 'iso' | 'jis' | 'abnt2';
export const GEOMETRIES: readonly Geometry[] = ['ansi', 'iso', 'jis', 'abnt2'];

/** Which parts of the board are drawn. */
export interface Parts {
  /** Esc and F1–F12, PrintScreen/ScrollLock/Pause. */
  functionRow: boolean;
  /** Insert…PageDown and the arrows. */
  navigation: boolean;
  numpad: boolean;
}

/** One key on the board. x, y, w, h in key units from the board's top left. */
export interface PlacedKey {
  /** `KeyboardEvent.code` of the key. */
  code: string;
  /** HID usage (page 0x07). */
  usage: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Board {
  geometry: Geometry;
  keys: PlacedKey[];
  /** Size of the board in key units. */
  width: number;
  height: number;
}

/** A row spec: codes with optional widths (`'Tab:1.5'`); `'_:0.25'` is a gap. */
type RowSpec = string[];

const LETTERS1 = [
  'KeyQ',
  'KeyW',
  'KeyE',
  'KeyR',
  'KeyT',
  'KeyY',
  'KeyU',
  'KeyI',
  'KeyO',
  'KeyP',
  'BracketLeft',
  'BracketRight',
];
const LETTERS2 = ['KeyA', 'KeyS', 'KeyD', 'KeyF', 'KeyG', 'KeyH', 'KeyJ', 'KeyK', 'KeyL', 'Semicolon', 'Quote'];
const LETTERS3 = ['KeyZ', 'KeyX', 'KeyC', 'KeyV', 'KeyB', 'KeyN', 'KeyM', 'Comma', 'Period', 'Slash'];
const DIGITS = [
  'Backquote',
  'Digit1',
  'Digit2',
  'Digit3',
  'Digit4',
  'Digit5',
  'Digit6',
  'Digit7',
  'Digit8',
  'Digit9',
  'Digit0',
  'Minus',
  'Equal',
];
const BOTTOM = [
  'ControlLeft:1.25',
  'MetaLeft:1.25',
  'AltLeft:1.25',
  'Space:6.25',
  'AltRight:1.25',
  'MetaRight:1.25',
  'ContextMenu:1.25',
  'ControlRight:1.25',
];

/** The main typing block (5 rows × 15 u); the ISO/JIS Enter is two rows tall (drawn 1.25 u wide). */
const MAIN: Record<Geometry, RowSpec[]> = {
  ansi: [
    [...DIGITS, 'Backspace:2'],
    ['Tab:1.5', ...LETTERS1, 'Backslash:1.5'],
    ['CapsLock:1.75', ...LETTERS2, 'Enter:2.25'],
    ['ShiftLeft:2.25', ...LETTERS3, 'ShiftRight:2.75'],
    BOTTOM,
  ],
  iso: [
    [...DIGITS, 'Backspace:2'],
    ['Tab:1.5', ...LETTERS1, '_:0.25', 'Enter:1.25:2'],
    ['CapsLock:1.75', ...LETTERS2, 'Backslash'],
    ['ShiftLeft:1.25', 'IntlBackslash', ...LETTERS3, 'ShiftRight:2.75'],
    BOTTOM,
  ],
  jis: [
    [...DIGITS, 'IntlYen', 'Backspace'],
    ['Tab:1.5', ...LETTERS1, '_:0.25', 'Enter:1.25:2'],
    ['CapsLock:1.75', ...LETTERS2, 'Backslash'],
    ['ShiftLeft:2.25', ...LETTERS3, 'IntlRo', 'ShiftRight:1.75'],
    [
      'ControlLeft:1.25',
      'MetaLeft',
      'AltLeft',
      'Lang2',
      'NonConvert',
      'Space:3.5',
      'Convert',
      'KanaMode',
      'Lang1',
      'AltRight',
      'ContextMenu',
      'ControlRight:1.25',
    ],
  ],
  abnt2: [
    [...DIGITS, 'Backspace:2'],
    ['Tab:1.5', ...LETTERS1, '_:0.25', 'Enter:1.25:2'],
    ['CapsLock:1.75', ...LETTERS2, 'Backslash'],
    ['ShiftLeft:1.25', 'IntlBackslash', ...LETTERS3, 'IntlRo', 'ShiftRight:1.75'],
    BOTTOM,
  ],
};

const FUNCTION_ROW: RowSpec = [
  'Escape',
  '_:1',
  'F1',
  'F2',
  'F3',
  'F4',
  '_:0.5',
  'F5',
  'F6',
  'F7',
  'F8',
  '_:0.5',
  'F9',
  'F10',
  'F11',
  'F12',
];
const SYSTEM_KEYS: RowSpec = ['PrintScreen', 'ScrollLock', 'Pause'];
const NAV: RowSpec[] = [
  ['Insert', 'Home', 'PageUp'],
  ['Delete', 'End', 'PageDown'],
  [],
  ['_:1', 'ArrowUp'],
  ['ArrowLeft', 'ArrowDown', 'ArrowRight'],
];

/** Numpad keys: code, x, y, w, h within the 4 × 5 pad. */
const NUMPAD: [string, number, number, number, number][] = [
  ['NumLock', 0, 0, 1, 1],
  ['NumpadDivide', 1, 0, 1, 1],
  ['NumpadMultiply', 2, 0, 1, 1],
  ['NumpadSubtract', 3, 0, 1, 1],
  ['Numpad7', 0, 1, 1, 1],
  ['Numpad8', 1, 1, 1, 1],
  ['Numpad9', 2, 1, 1, 1],
  ['NumpadAdd', 3, 1, 1, 2],
  ['Numpad4', 0, 2, 1, 1],
  ['Numpad5', 1, 2, 1, 1],
  ['Numpad6', 2, 2, 1, 1],
  ['Numpad1', 0, 3, 1, 1],
  ['Numpad2', 1, 3, 1, 1],
  ['Numpad3', 2, 3, 1, 1],
  ['NumpadEnter', 3, 3, 1, 2],
  ['Numpad0', 0, 4, 2, 1],
  ['NumpadDecimal', 2, 4, 1, 1],
];

function usageOf(code: string): number {
  const u = hidUsageForCode(code);
  if (u === undefined) throw new Error(`osk geometry: no HID usage for ${code}`);
  return u;
}

function placeRow(row: RowSpec, x0: number, y: number, out: PlacedKey[]): void {
  let x = x0;
  for (const spec of row) {
    const [code, w = '1', h = '1'] = spec.split(':') as [string, string?, string?];
    const width = Number(w);
    if (code !== '_') out.push({ code, usage: usageOf(code), x, y, w: width, h: Number(h) });
    x += width;
  }
}

const MAIN_WIDTH = 15;
const GAP = 0.25;

/**
 * The keys of `geometry` with the chosen `parts`, placed: function row on top (with a 0.25 u gap
 * below), the main block, then the navigation cluster and the numpad to its right.
 */
export function buildBoard(geometry: Geometry, parts: Parts): Board {
  const keys: PlacedKey[] = [];
  const top = parts.functionRow ? 1 + GAP : 0;
  if (parts.functionRow) placeRow(FUNCTION_ROW, 0, 0, keys);
  MAIN[geometry].forEach((row, i) => placeRow(row, 0, top + i, keys));
  let width = MAIN_WIDTH;
  if (parts.navigation) {
    const x = width + GAP;
    if (parts.functionRow) placeRow(SYSTEM_KEYS, x, 0, keys);
    NAV.forEach((row, i) => placeRow(row, x, top + i, keys));
    width = x + 3;
  }
  if (parts.numpad) {
    const x = width + GAP;
    for (const [code, dx, dy, w, h] of NUMPAD) {
      keys.push({ code, usage: usageOf(code), x: x + dx, y: top + dy, w, h });
    }
    if (geometry === 'abnt2') {
      // ABNT2's extra numpad key (NumpadComma) shares the plus key's column: plus becomes 1 u.
      const plus = keys.find((k) => k.code === 'NumpadAdd')!;
      plus.h = 1;
      keys.push({ code: 'NumpadComma', usage: usageOf('NumpadComma'), x: plus.x, y: plus.y + 1, w: 1, h: 1 });
    }
    width = x + 4;
  }
  return { geometry, keys, width, height: top + 5 };
}

/**
 * The physical shape a target layout is usually sold on (xkb name, e.g. `de`, `jp`, `ch(fr)`):
 * jp → JIS, br → ABNT2, the US family and layouts typed on US boards (ru, Latin American,
 * Korean, Chinese, Thai, Hebrew, Arabic, Persian...) → ANSI, the rest of Europe → ISO.
 */
export function geometryForLayout(name: string): Geometry {
  const base = name.replace(/\(.*$/, '');
  if (base === 'jp') return 'jis';
  if (base === 'br') return 'abnt2';
  return ANSI_LAYOUTS.has(base) ? 'ansi' : 'iso';
}

/** Layout bases whose keyboards are mostly ANSI-shaped (no key at IntlBackslash). */
const ANSI_LAYOUTS = new Set([
  'us',
  'ru',
  'ua',
  'by',
  'kz',
  'kr',
  'cn',
  'tw',
  'th',
  'il',
  'ara',
  'ir',
  'in',
  'ph',
  'vn',
  'id',
  'my',
  'mm',
  'la',
  'kh',
  'np',
  'pk',
  'af',
  'bd',
  'lk',
  'mn',
  'tj',
  'uz',
  'kg',
  'am',
  'ge',
  'az',
  'iq',
  'sy',
  'eg',
  'ma',
  'dz',
]);

/** Geometry after the user's choice: `auto` follows the target layout. */
export function chooseGeometry(choice: Geometry | 'auto', layoutName: string): Geometry {
  return choice === 'auto' ? geometryForLayout(layoutName) : choice;
}
