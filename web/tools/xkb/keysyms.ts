/**
 * X keysyms: names ↔ values ↔ Unicode, read from the installed X headers (x11proto-dev), never
 * typed by hand.
 *
 * - Names and values: every `#define XK_<name> 0x<value>` of keysymdef.h, and `XF86XK_<name>`
 *   of XF86keysym.h (named `XF86<name>` in xkb files).
 * - Keysym → UCS (X11 protocol, Appendix A, as keysymdef.h states it):
 *   - 0x20..0x7E and 0xA0..0xFF are Latin-1 and map 1:1;
 *   - 0x01000000..0x0110FFFF are "U+" keysyms: value − 0x01000000 (the canonical ones start at
 *     0x01000100; below that libX11 garbles some, which the calibration catches);
 *   - legacy keysyms map through the `U+XXXX` comment of their keysymdef.h line. Comments in
 *     parentheses, `/*(U+2022 BULLET)*\/`, mark approximate mappings that keysymdef.h calls
 *     deprecated; they are left unmapped, so the planner never claims such a key types a
 *     character it may not type exactly.
 * - Keypad keysyms (KP_*) and the function range 0xFF00..0xFFFF map to nothing: xterm and other
 *   clients treat them as keys, not text.
 * - Keysyms for which libX11 types something else than the above (measured by
 *   calibrate-libx11.ts, data/libx11-keysyms.json) map to nothing: X and Wayland clients would
 *   disagree on them.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GenError } from './errors.ts';

export const NO_SYMBOL = 0;

export interface KeysymTable {
  /** Keysym value for a name as xkb and Compose files write it (`eacute`, `U20AC`, `0x1000259`). */
  value(name: string): number | undefined;
  /** The canonical name of a value (first #define in the headers), for messages and dead keys. */
  name(value: number): string | undefined;
  /** The Unicode code point a keysym types, or undefined (function keys, dead keys, approximate). */
  ucs(value: number): number | undefined;
}

const DEFINE = /^#define\s+(XF86)?XK_(\w+)\s+0x([0-9a-fA-F]+)\s*(?:\/\*\s*(\(?)U\+([0-9A-Fa-f]{4,6})\b)?/;

/** Parses keysymdef.h-style text: returns name → value and value → UCS for exact mappings. */
export function parseKeysymHeader(text: string): { names: Map<string, number>; ucs: Map<number, number> } {
  const names = new Map<string, number>();
  const ucs = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = DEFINE.exec(line);
    if (!m) continue;
    const value = parseInt(m[3]!, 16);
    names.set((m[1] ?? '') + m[2]!, value);
    if (m[5] !== undefined && m[4] === '') ucs.set(value, parseInt(m[5], 16));
  }
  return { names, ucs };
}

/**
 * Keysym value of a `Uxxxx` name, normalised as XStringToKeysym and xkb_keysym_from_name do:
 * Latin-1 code points become the Latin-1 keysym, C0/C1 controls are NoSymbol.
 */
export function unicodeKeysym(cp: number): number {
  if (cp < 0x20 || (cp > 0x7e && cp < 0xa0) || cp > 0x10ffff) return NO_SYMBOL;
  return cp < 0x100 ? cp : cp | 0x01000000;
}

/**
 * @param headers keysymdef.h-style texts
 * @param disputed keysym values whose text libX11 and keysymdef.h disagree on
 */
export function makeKeysymTable(headers: readonly string[], disputed: ReadonlySet<number> = new Set()): KeysymTable {
  const names = new Map<string, number>();
  const ucs = new Map<number, number>();
  const nameOf = new Map<number, string>();
  for (const text of headers) {
    const parsed = parseKeysymHeader(text);
    for (const [n, v] of parsed.names) {
      if (!names.has(n)) names.set(n, v);
      if (!nameOf.has(v)) nameOf.set(v, n);
    }
    for (const [v, u] of parsed.ucs) if (!ucs.has(v)) ucs.set(v, u);
  }
  return {
    value(name) {
      const known = names.get(name);
      if (known !== undefined) return known;
      const u = /^U([0-9A-Fa-f]{2,8})$/.exec(name);
      if (u) return unicodeKeysym(parseInt(u[1]!, 16)) || undefined;
      const hex = /^0x([0-9A-Fa-f]{1,8})$/.exec(name);
      return hex ? parseInt(hex[1]!, 16) : undefined;
    },
    name(value) {
      return (
        nameOf.get(value) ??
        (value >= 0x01000100 && value <= 0x0110ffff ? `U${(value - 0x01000000).toString(16).toUpperCase()}` : undefined)
      );
    },
    ucs(value) {
      if (disputed.has(value)) return undefined;
      if ((value >= 0x20 && value <= 0x7e) || (value >= 0xa0 && value <= 0xff)) return value;
      if (value >= 0x01000000 && value <= 0x0110ffff) return value - 0x01000000;
      if (value >= 0xff00 && value <= 0xffff) return undefined;
      return ucs.get(value);
    },
  };
}

export const KEYSYM_HEADERS = ['/usr/include/X11/keysymdef.h', '/usr/include/X11/XF86keysym.h'] as const;
export const LIBX11_CALIBRATION = fileURLToPath(new URL('../data/libx11-keysyms.json', import.meta.url));

export interface Libx11Calibration {
  generated: { generator: string; libx11: string; locale: string };
  /** `0x08c8` → what libX11 types for it instead ('' for nothing). */
  differs: Record<string, string>;
}

export function readLibx11Calibration(file: string = LIBX11_CALIBRATION): Libx11Calibration {
  if (!fs.existsSync(file))
    throw new GenError('DATA_MISSING', `${file} is missing: run npx tsx web/tools/calibrate-libx11.ts`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Libx11Calibration;
}

/** The table from the installed headers (package x11proto-dev) and the libX11 calibration. */
export function loadKeysymTable(
  paths: readonly string[] = KEYSYM_HEADERS,
  calibration = readLibx11Calibration(),
): KeysymTable {
  const disputed = new Set(Object.keys(calibration.differs).map((k) => parseInt(k, 16)));
  return makeKeysymTable(
    paths.map((p) => fs.readFileSync(p, 'utf8')),
    disputed,
  );
}

/** Dead keysyms are named `dead_*` (keysymdef.h, 0xFE50..0xFE93). */
export function isDeadKeysymName(name: string): boolean {
  return name.startsWith('dead_');
}
