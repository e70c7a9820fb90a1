/**
 * What each on-screen key shows: the target layout's output at the shift level the OSK's
 * modifiers (and the target's Caps Lock LED) select, from `labelsFor(layout)`
 * (layouts/labels.ts) and, with Caps Lock on, the layout's Caps Lock outputs. Keys outside the
 * typing block get a fixed name.
 */
import { deadKeyLabel, labelsFor, type Layout } from '../layouts/index.ts';
import { isDeadOutput } from '../layouts/layout.ts';

/** One key cap face. */
export interface Legend {
  /** What the key types at this level ('' = nothing), or a dead key's accent. */
  text: string;
  /** The key is a dead key at this level: it types nothing alone, it accents the next key. */
  dead: boolean;
}

/** Levels in LEVELS order (base, shift, altgr, shiftAltgr), Caps Lock off and on. */
export interface KeyLegends {
  levels: [Legend, Legend, Legend, Legend];
  caps: [Legend, Legend, Legend, Legend];
}

/** The modifier state that picks a level. */
export interface LevelState {
  shift: boolean;
  /** Level 3 (AltGr) active; ignored when the layout has no level-3 key. */
  altgr: boolean;
  /** The target's Caps Lock LED. */
  capsLock: boolean;
}

/** Legends per HID usage for every typing-block key of `layout`. */
export function legendsFor(layout: Layout): Map<number, KeyLegends> {
  const out = new Map<number, KeyLegends>();
  for (const [usage, l] of labelsFor(layout)) {
    const levels = [l.base, l.shift, l.altgr, l.shiftAltgr].map((text, i) => ({ text, dead: l.dead[i]! }));
    const key = layout.keys.get(usage)!;
    const caps = key.caps.map((o, i) =>
      // '' with Caps Lock on means "not vouched for" (layout-data.ts): show the Caps Lock off face.
      o === '' ? levels[i]! : { text: isDeadOutput(o) ? deadKeyLabel(layout, o) : o, dead: isDeadOutput(o) },
    );
    out.set(usage, { levels: levels as KeyLegends['levels'], caps: caps as KeyLegends['caps'] });
  }
  return out;
}

/** Index into LEVELS for `state` (AltGr only counts when the layout has a level-3 key). */
export function levelIndex(state: LevelState, hasLevel3: boolean): number {
  return (state.shift ? 1 : 0) + (state.altgr && hasLevel3 ? 2 : 0);
}

/** The face of one key in `state`. */
export function legendAt(k: KeyLegends, state: LevelState, hasLevel3: boolean): Legend {
  const i = levelIndex(state, hasLevel3);
  return (state.capsLock ? k.caps : k.levels)[i]!;
}

/** Names of keys that type no character (and of typing keys whose every level is empty). */
const NAMES: Record<string, string> = {
  Escape: 'Esc',
  Backspace: '⌫',
  Tab: 'Tab ⇥',
  Enter: '⏎',
  CapsLock: 'Caps',
  ShiftLeft: '⇧ Shift',
  ShiftRight: '⇧ Shift',
  ControlLeft: 'Ctrl',
  ControlRight: 'Ctrl',
  MetaLeft: 'Meta',
  MetaRight: 'Meta',
  AltLeft: 'Alt',
  AltRight: 'Alt',
  ContextMenu: 'Menu',
  Space: 'Space',
  PrintScreen: 'PrtSc',
  ScrollLock: 'ScrLk',
  Pause: 'Pause',
  Insert: 'Ins',
  Delete: 'Del',
  Home: 'Home',
  End: 'End',
  PageUp: 'PgUp',
  PageDown: 'PgDn',
  ArrowUp: '↑',
  ArrowDown: '↓',
  ArrowLeft: '←',
  ArrowRight: '→',
  NumLock: 'Num',
  NumpadDivide: '/',
  NumpadMultiply: '*',
  NumpadSubtract: '−',
  NumpadAdd: '+',
  NumpadEnter: '⏎',
  NumpadDecimal: '.',
  NumpadComma: ',',
  // JIS: the key at Backquote is Hankaku/Zenkaku on jp, a function key (labels are empty).
  Backquote: '半角/全角',
  NonConvert: '無変換',
  Convert: '変換',
  KanaMode: 'カナ',
  Lang1: 'かな',
  Lang2: '英数',
};

/**
 * A fixed name for `code`: F-keys, digits of the numpad, modifiers (AltRight is `AltGr` when the
 * layout has level 3 there), navigation and Japanese conversion keys.
 */
export function keyName(code: string, level3Usage: number | null): string {
  if (code === 'AltRight' && level3Usage === 0xe6) return 'AltGr';
  if (/^F\d+$/.test(code)) return code;
  const digit = /^Numpad(\d)$/.exec(code);
  if (digit) return digit[1]!;
  return NAMES[code] ?? code;
}
