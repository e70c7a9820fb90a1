/**
 * Typing a character the target layout lacks through the target OS's own Unicode entry:
 *
 * - `linux`: GTK and IBus Unicode entry: Ctrl+Shift+U, the hex digits, Space. The hex digits and
 *   the U key are typed through the target layout, so a layout without Latin letters (ru, ar)
 *   cannot use it: those characters stay untypable.
 * - `windows`: Alt codes: hold Left Alt, type 0 and the Windows-1252 byte in decimal on the
 *   numpad, release Alt. Works in almost every Windows program, for the 218 Windows-1252
 *   characters only (that is the ANSI code page of US and Western European Windows; other
 *   system locales give other characters). Needs Num Lock on; the planner turns it on if the
 *   LED says it is off, and back off at the end.
 * - `windows-altx`: type `U+` and the hex code point, then Alt+X: any code point, but only in
 *   Word, WordPad, LibreOffice and other programs that implement Alt+X.
 * - `macos`: the "Unicode Hex Input" input source: hold Option and type four hex digits per
 *   UTF-16 code unit (a surrogate pair for code points above U+FFFF). That input source is a US
 *   layout, so the digits go to their US key positions and the target layout should be `us`.
 */
import { Modifier } from '../../../../protocol/reports.ts';
import { strokesFor, type Keystroke } from './keystrokes.ts';
import type { Layout } from './layout.ts';
import { chordOf, type Stroke, type Unit } from './sequence.ts';
import { windows1252Byte } from './windows-1252.ts';

export const UNICODE_FALLBACKS = ['skip', 'linux', 'windows', 'windows-altx', 'macos'] as const;
export type UnicodeFallback = (typeof UNICODE_FALLBACKS)[number];

/** HID usages (page 0x07) of the keypad digits 0..9. */
const NUMPAD = [0x62, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x61] as const;
/** US positions of the hex digits 0-9 (0x27, 0x1E..0x26) and a-f (0x04..0x09). */
const US_HEX = [
  0x27, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
] as const;
/** HID usage of Num Lock, for toggling it around Alt codes. */
export const NUM_LOCK_USAGE = 0x53;

/** Turns a layout keystroke into a stroke: Shift is Left Shift, AltGr is the layout's level-3 key. */
export function strokeOn(layout: Layout, k: Keystroke): Stroke {
  const extra = k.altgr && layout.level3 !== null ? [layout.level3] : [];
  return { chord: chordOf(k.shift ? Modifier.LeftShift : 0, extra), usage: k.usage };
}

/** One keystroke that types `char` on the layout (no dead-key pair), in either case if allowed. */
function single(layout: Layout, char: string, capsLock: boolean, eitherCase = false): Stroke | undefined {
  for (const c of eitherCase ? [char, char.toLowerCase(), char.toUpperCase()] : [char]) {
    const s = strokesFor(layout, c, { capsLock, deadKeys: false });
    if (s?.length === 1) return strokeOn(layout, s[0]!);
  }
  return undefined;
}

/** The key whose letter is `lower`/upper case at base/Shift level (for Ctrl+Shift+U, Alt+X). */
function letterKey(layout: Layout, lower: string): number | undefined {
  for (const [usage, key] of layout.keys)
    if (key.levels[0] === lower || key.levels[1] === lower.toUpperCase()) return usage;
  return undefined;
}

function typed(layout: Layout, text: string, capsLock: boolean): Stroke[] | undefined {
  const out: Stroke[] = [];
  for (const ch of text) {
    const s = single(layout, ch, capsLock, true);
    if (!s) return undefined;
    out.push(s);
  }
  return out;
}

/**
 * The unit that enters code point `cp` with `method`, or undefined if the method cannot (a key
 * it needs is missing from the layout, or the character is outside Windows-1252 for Alt codes).
 */
export function unicodeInputUnit(
  cp: number,
  method: UnicodeFallback,
  layout: Layout,
  capsLock: boolean,
): Unit | undefined {
  const hex = cp.toString(16);
  switch (method) {
    case 'skip':
      return undefined;
    case 'linux': {
      const u = letterKey(layout, 'u');
      const rest = typed(layout, `${hex} `, capsLock);
      if (u === undefined || !rest) return undefined;
      return {
        strokes: [{ chord: chordOf(Modifier.LeftCtrl | Modifier.LeftShift), usage: u }, ...rest],
        releaseAfter: true,
      };
    }
    case 'windows': {
      const byte = windows1252Byte(cp);
      if (byte === undefined) return undefined;
      const alt = chordOf(Modifier.LeftAlt);
      const digits = `0${byte.toString().padStart(3, '0')}`;
      return { strokes: [...digits].map((d) => ({ chord: alt, usage: NUMPAD[Number(d)]! })), releaseAfter: true };
    }
    case 'windows-altx': {
      const x = letterKey(layout, 'x');
      const code = typed(layout, `U+${hex.toUpperCase().padStart(4, '0')}`, capsLock);
      if (x === undefined || !code) return undefined;
      return { strokes: [...code, { chord: chordOf(Modifier.LeftAlt), usage: x }], releaseAfter: true };
    }
    case 'macos': {
      const option = chordOf(Modifier.LeftAlt);
      const utf16 = String.fromCodePoint(cp);
      const digits = Array.from({ length: utf16.length }, (_, i) =>
        utf16.charCodeAt(i).toString(16).padStart(4, '0'),
      ).join('');
      return {
        strokes: [...digits].map((d) => ({ chord: option, usage: US_HEX[parseInt(d, 16)]! })),
        releaseAfter: true,
      };
    }
  }
}
