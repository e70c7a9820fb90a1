/**
 * Upper/lower case of keysyms, as the two xkb compilers judge it when they pick a key's type
 * automatically (FindAutomaticType: `[lower, UPPER]` becomes ALPHABETIC, and so on).
 *
 * - libxkbcommon (`xkbcli`, Wayland): xkb_keysym_is_lower/upper via its port of libX11's
 *   XConvertCase, whose Unicode part (UCSConvertCase) has Unicode 4.0 simple case mappings.
 *   Approximated with the JavaScript case mappings minus the scripts that gained case after 4.0.
 * - xkbcomp (what an X server runs, via libxkbfile's _XkbKSCheckCase): case only for Latin-1 and
 *   the legacy Latin-2/3/4/8/9, Cyrillic and Greek keysym sets; `U+` keysyms are caseless, and
 *   ß and ÿ count as lower case.
 *
 * The generator computes Caps Lock results under both and keeps only those they agree on.
 */

export type CaseFlavour = 'xkbcommon' | 'xkbfile';

/** Code points with case in current Unicode but not in the Unicode 4.0 tables of XConvertCase. */
const AFTER_UNICODE_4: readonly [number, number][] = [
  [0x023a, 0x024f], // Latin Extended-B additions (Ⱥ, Ɋ...) from 5.0 on
  [0x0370, 0x0377], [0x037b, 0x037f], [0x03cf, 0x03cf], [0x03fc, 0x03ff], // Greek additions
  [0x04c0, 0x04c0], [0x04cf, 0x04cf], [0x04f6, 0x04f7], [0x04fa, 0x04ff], [0x0510, 0x052f], // Cyrillic
  [0x10a0, 0x10ff], [0x13a0, 0x13ff], [0x1c80, 0x1cbf], // Georgian, Cherokee, Mtavruli
  [0x1e9e, 0x1e9e], [0x1efa, 0x1eff], // ẞ and Middle Welsh letters
  [0x2c00, 0x2dff], [0xa640, 0xa7ff], [0xab70, 0xabbf], [0x10000, 0x10ffff],
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

/** The legacy keysym sets libxkbfile knows case for: Latin-2, -3, -4, Cyrillic, Greek, Latin-8, -9. */
const XKBFILE_SETS = new Set([1, 2, 3, 6, 7, 0x12, 0x13]);

/**
 * Case of keysym `ks` whose character is `ucs` (undefined if none): 'lower', 'upper' or null.
 */
export function keysymCase(ks: number, ucs: number | undefined, flavour: CaseFlavour): 'lower' | 'upper' | null {
  if (ucs === undefined) return null;
  if (flavour === 'xkbfile') {
    if (ks < 0x100) {
      if ((ks >= 0x41 && ks <= 0x5a) || (ks >= 0xc0 && ks <= 0xde && ks !== 0xd7)) return 'upper';
      if ((ks >= 0x61 && ks <= 0x7a) || (ks >= 0xdf && ks <= 0xff && ks !== 0xf7)) return 'lower';
      return null;
    }
    if (ks > 0xffff || !XKBFILE_SETS.has(ks >> 8)) return null;
  } else if (modern(ucs)) {
    return null;
  }
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
