/**
 * Key caps for an on-screen keyboard in the target's layout: what each key types at the four
 * levels (Caps Lock off), with dead keys shown by their accent.
 */
import { isDeadOutput, type Layout } from './layout.ts';

export interface KeyLabels {
  base: string;
  shift: string;
  altgr: string;
  shiftAltgr: string;
  /** Per level, in the order above: true if the key is a dead key there (label is its accent). */
  dead: [boolean, boolean, boolean, boolean];
}

/**
 * The visible form of a dead key, from the layout's Compose data: what it makes when pressed
 * twice (`´` for dead_acute), else with Space, else its combining mark on a dotted circle (taken
 * from a composition it makes: dead_belowmacron + b = ḇ = b + U+0331 → `◌̱`), else its keysym
 * name without `dead_`.
 */
export function deadKeyLabel(layout: Layout, deadName: string): string {
  const table = layout.dead[deadName] ?? {};
  const spacing = table[deadName] ?? table[' '];
  if (spacing !== undefined) return spacing;
  for (const [next, result] of Object.entries(table)) {
    const nfd = [...result.normalize('NFD')];
    if (nfd.length === 2 && nfd[0] === next && /\p{M}/u.test(nfd[1]!)) return `\u25cc${nfd[1]}`;
  }
  return deadName.slice('dead_'.length);
}

/**
 * HID usage (page 0x07) → labels, for every typing-block key the layout defines. Empty strings
 * where a level types nothing (or is unreachable: no AltGr key).
 */
export function labelsFor(layout: Layout): Map<number, KeyLabels> {
  const out = new Map<number, KeyLabels>();
  for (const [usage, key] of layout.keys) {
    const text = key.levels.map((o) => (isDeadOutput(o) ? deadKeyLabel(layout, o) : o));
    const dead = key.levels.map(isDeadOutput) as KeyLabels['dead'];
    const [base, shift, altgr, shiftAltgr] = text as [string, string, string, string];
    out.set(usage, { base, shift, altgr, shiftAltgr, dead });
  }
  return out;
}
