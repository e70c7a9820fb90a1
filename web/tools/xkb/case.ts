/**
 * Upper/lower case of keysyms, as the two xkb compilers judge it when they pick a key's type
 * automatically (FindAutomaticType: `[lower, UPPER]` becomes ALPHABETIC, and so on).
 *
 * - libxkbcommon (`xkbcli`, Wayland): xkb_keysym_is_lower/upper via its port of libX11's
 *   XConvertCase, whose Unicode part (UCSConvertCase) has Unicode 4.0 simple case mappings.
 *   Approximated with the JavaScript case mappings minus the scripts that gained case after 4.0.
 * - xkbcomp, which an X server runs (libX11 1.8's XConvertCase): current Unicode simple case
 *   mappings, plus ß ↔ ẞ. Measured on Xvfb: `[ssharp, U1E9E]` and Greek `[U037B, U03FD]` at
 *   levels 3/4 act as lower/upper pairs there (FOUR_LEVEL_ALPHABETIC), not in xkbcommon 1.5.
 *
 * The generator computes Caps Lock results under both and keeps only those they agree on, so a
 * Caps Lock column entry holds on X11 and Wayland targets alike.
 */

export type CaseFlavour = 'xkbcommon' | 'x11';

/** Code points with case in current Unicode but not in the Unicode 4.0 tables of XConvertCase. */
const AFTER_UNICODE_4: readonly [number, number][] = [
  [0x023a, 0x024f], // Latin Extended-B additions (Ⱥ, Ɋ...) from 5.0 on
  [0x0370, 0x0377],
  [0x037b, 0x037f],
  [0x03cf, 0x03cf],
  [0x03fc, 0x03ff], // Greek additions
  [0x04c0, 0x04c0],
  [0x04cf, 0x04cf],
  [0x04f6, 0x04f7],
  [0x04fa, 0x04ff],
  [0x0510, 0x052f], // Cyrillic
  [0x10a0, 0x10ff],
  [0x13a0, 0x13ff],
  [0x1c80, 0x1cbf], // Georgian, Cherokee, Mtavruli
  [0x1e9e, 0x1e9e],
  [0x1efa, 0x1eff], // ẞ and Middle Welsh letters
  [0x2c00, 0x2dff],
  [0xa640, 0xa7ff],
  [0xab70, 0xabbf],
  [0x10000, 0x10ffff],
];

function modern(cp: number): boolean {
  return AFTER_UNICODE_4.some(([lo, hi]) => cp >= lo && cp <= hi);
}

function single(s: string): number | undefined {
  const cp = s.codePointAt(0);
  return cp !== undefined && String.fromCodePoint(cp) === s ? cp : undefined;
}

/** Simple (one-to-one) upper case of a code point, or the code point itself. */
export function upperOf(cp: number): number {
  return single(String.fromCodePoint(cp).toUpperCase()) ?? cp;
}
export function lowerOf(cp: number): number {
  return single(String.fromCodePoint(cp).toLowerCase()) ?? cp;
}

/** Case of a keysym by its character `ucs` (undefined if none): 'lower', 'upper' or null. */
export function keysymCase(ucs: number | undefined, flavour: CaseFlavour): 'lower' | 'upper' | null {
  if (ucs === undefined) return null;
  if (flavour === 'x11' && ucs === 0xdf) return 'lower'; // ß, whose upper case there is ẞ
  if (flavour === 'xkbcommon' && modern(ucs)) return null;
  const up = upperOf(ucs);
  const low = lowerOf(ucs);
  if (up === low) return null;
  if (ucs === low && up !== ucs) return 'lower';
  if (ucs === up && low !== ucs) return 'upper';
  return null;
}

/** True if Caps Lock's case conversion of a keysym (XConvertCase upper) could change `char`. */
export function capsCouldChange(char: string): boolean {
  return char.toUpperCase() !== char;
}
