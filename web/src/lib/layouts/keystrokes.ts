/**
 * Character → keystrokes on a target layout: the one lookup the paste planner, translated typing
 * and the repertoire share. A keystroke is a key position (HID usage, page 0x07) plus the Shift
 * and AltGr (level 3) state it is read in; a character needs one keystroke, or two for a dead-key
 * composition (dead key, then the next key, per the X Compose table).
 *
 * Choice among several ways, cheapest first: a direct keystroke always beats a dead-key pair;
 * then fewer modifiers (none < Shift < AltGr < Shift+AltGr); then keys every keyboard has over
 * the ISO key (0x64) and the JIS keys (0x87, 0x89); then the lower usage.
 */
import { isDeadOutput, type Layout } from './layout.ts';

export interface Keystroke {
  /** HID usage of the key (page 0x07). */
  usage: number;
  shift: boolean;
  /** Hold the layout's level-3 key (`Layout.level3`, normally Right Alt). */
  altgr: boolean;
}

export interface LookupOptions {
  /** The target's Caps Lock is on (its LED): keys are read through their Caps Lock column. */
  capsLock: boolean;
  /** Allow dead-key pairs (default true). Off for targets without an input method (BIOS, consoles). */
  deadKeys?: boolean;
}

/** Output (character or dead keysym name) → cheapest keystrokes. */
export type StrokeIndex = ReadonlyMap<string, readonly Keystroke[]>;

const RARE_KEYS = new Set([0x64, 0x87, 0x89]);
const DEAD_PAIR_COST = 100;

function cost(s: Keystroke): number {
  return (s.shift ? 1 : 0) + (s.altgr ? 2 : 0) + (RARE_KEYS.has(s.usage) ? 4 : 0);
}

const cache = new WeakMap<Layout, Map<string, StrokeIndex>>();

/** All outputs the layout can produce in one state, with the cheapest keystrokes for each. */
export function strokeIndex(layout: Layout, opts: LookupOptions): StrokeIndex {
  const dead = opts.deadKeys ?? true;
  const cacheKey = `${opts.capsLock}/${dead}`;
  let perLayout = cache.get(layout);
  const hit = perLayout?.get(cacheKey);
  if (hit) return hit;
  const best = new Map<string, { strokes: Keystroke[]; cost: number }>();
  const offer = (out: string, strokes: Keystroke[], c: number): void => {
    const prev = best.get(out);
    if (!prev || c < prev.cost) best.set(out, { strokes, cost: c });
  };
  for (const [usage, key] of layout.keys) {
    const outs = opts.capsLock ? key.caps : key.levels;
    outs.forEach((out, i) => {
      if (out === '') return;
      const s: Keystroke = { usage, shift: (i & 1) !== 0, altgr: (i & 2) !== 0 };
      offer(out, [s], cost(s));
    });
  }
  if (dead) {
    const direct = new Map(best);
    for (const [deadName, table] of Object.entries(layout.dead)) {
      const first = direct.get(deadName);
      if (!first) continue;
      for (const [next, result] of Object.entries(table)) {
        const second = direct.get(next);
        if (second && !direct.has(result))
          offer(result, [...first.strokes, ...second.strokes], DEAD_PAIR_COST + first.cost + second.cost);
      }
    }
  }
  const index: StrokeIndex = new Map([...best].map(([out, b]) => [out, b.strokes]));
  if (!perLayout) cache.set(layout, (perLayout = new Map()));
  perLayout.set(cacheKey, index);
  return index;
}

/** Keystrokes that type `char` (one code point), or undefined if the layout cannot type it. */
export function strokesFor(layout: Layout, char: string, opts: LookupOptions): readonly Keystroke[] | undefined {
  return isDeadOutput(char) ? undefined : strokeIndex(layout, opts).get(char);
}

/**
 * Every character the layout types (directly or through a dead key), sorted by code point. This
 * is what `npm run test:layouts` types into a real X server to check the tables.
 */
export function repertoire(layout: Layout, opts: LookupOptions = { capsLock: false }): string[] {
  return [...strokeIndex(layout, opts).keys()]
    .filter((out) => !isDeadOutput(out))
    .sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
}
