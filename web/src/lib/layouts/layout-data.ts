/**
 * The shape of one generated layout table (web/src/lib/layouts/generated/<file>.json), written by
 * web/tools/gen-layouts.ts from xkeyboard-config through `xkbcli compile-keymap`, keysymdef.h and
 * the X Compose table. Shared by the generator (writes it) and the PWA (reads and checks it).
 *
 * A key's output is a string: one Unicode code point (the character the key types), a dead
 * keysym name such as `dead_acute` (always longer than one code point, so never ambiguous), or ''
 * when the combination types nothing we can vouch for: no symbol, a function or keypad keysym,
 * an approximate keysym mapping, or a level the layout cannot reach (no level-3 key).
 */

/** The four modifier states a key is read in, in this order (xkb levels 1–4 in the usual types). */
export const LEVELS = ['base', 'shift', 'altgr', 'shiftAltgr'] as const;
export type Level = (typeof LEVELS)[number];

export interface KeyData {
  /**
   * The xkb key type (xkeyboard-config types/*), explicit or as xkb picks it. It decides how Shift,
   * Caps Lock and level 3 combine; already applied to `levels` and `caps`, kept for reference.
   */
  type: string;
  /** Output with Caps Lock off, indexed like {@link LEVELS}. */
  levels: [string, string, string, string];
  /**
   * Output with Caps Lock on, same index. '' also where the result would depend on xkb's Caps
   * Lock case conversion (a cased character with Lock not consumed by the type), which the X
   * server and other hosts do not agree on in every corner.
   */
  caps: [string, string, string, string];
}

export interface GeneratedHeader {
  generator: string;
  /** Debian package versions of the data, from `dpkg-query -W`. */
  xkbData: string;
  libxkbcommon: string;
  /** X Compose table. */
  libx11Data: string;
  /** keysymdef.h. */
  x11protoDev: string;
  /** libX11 whose keysym → text conversion was measured (web/tools/calibrate-libx11.ts). */
  libx11: string;
  notice: string;
}

export interface LayoutData {
  generated: GeneratedHeader;
  /** xkb name: `de`, `us(intl)`, i.e. `setxkbmap -layout de` or `-layout us -variant intl`. */
  name: string;
  /** evdev.xml description, e.g. "English (US, intl., with dead keys)". */
  description: string;
  /**
   * HID usage (page 0x07) of the key that selects level 3 (ISO_Level3_Shift), normally 0xE6
   * Right Alt ("AltGr"); null when the layout has none, so `altgr` levels are ''.
   */
  level3: number | null;
  /** HID usage written `0x04`.. → the key at that position. Only the main typing block. */
  keys: Record<string, KeyData>;
  /**
   * Dead keysym name → (next keystroke → composed character), from the X Compose table
   * (two-keystroke sequences only). The next keystroke is written like a key output: a character
   * or a dead keysym name. Only keystrokes this layout can make are listed.
   */
  dead: Record<string, Record<string, string>>;
}

/** Key of `LayoutData.keys` for a HID usage: `0x04`. */
export function usageKey(usage: number): string {
  return `0x${usage.toString(16).padStart(2, '0')}`;
}

/** One row of the generated catalogue (generated/index.ts): enough to list and search layouts. */
export interface CatalogueEntry {
  /** xkb name, as in {@link LayoutData.name}. */
  name: string;
  description: string;
  /** Picker group (region or script), from web/tools/layout-list.ts. */
  group: string;
  /** Language names (iso-codes ISO 639-3) from evdev.xml. */
  languages: string[];
  /** Country names (iso-codes ISO 3166-1) from evdev.xml. */
  countries: string[];
  /** Names PiKVM and JetKVM use for this layout (`de-ch`, `fr-BE`). */
  aliases: string[];
  /** Characters it types with Caps Lock off, dead-key compositions included. */
  chars: number;
  /** Dead keys it has. */
  deadKeys: number;
}
