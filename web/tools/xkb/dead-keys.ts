/**
 * Joins a layout's dead keys with the Compose table: for each dead key the layout has, the
 * keystrokes it can follow with (by output: a character or a dead keysym name) and what they make.
 *
 * The join is on keysym values, as libX11 matches Compose sequences, not on characters: a layout
 * key sending `U0102` does not match a Compose line written with `Abreve`. When two keysyms of
 * the layout type the same character but compose differently, the entry is dropped with a
 * warning rather than guessed.
 */
import type { DeadTable } from './compose.ts';
import type { ResolvedKeys } from './layout-keys.ts';
import { isDeadKeysymName } from './keysyms.ts';

const byCodePoint = (a: string, b: string): number =>
  a.length === b.length || (!isDeadKeysymName(a) && !isDeadKeysymName(b))
    ? a < b
      ? -1
      : a > b
        ? 1
        : 0
    : a.length - b.length;

export function deadKeysFor(
  keys: ResolvedKeys,
  compose: DeadTable,
  warnings: string[],
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const deadNames = [...keys.produced.keys()].filter(isDeadKeysymName).sort();
  for (const dead of deadNames) {
    const table: Record<string, string> = {};
    const sequences = new Map<number, string>();
    for (const value of keys.produced.get(dead)!) for (const [k, v] of compose.get(value) ?? []) sequences.set(k, v);
    const nexts = [...keys.produced.keys()].sort(byCodePoint);
    for (const next of nexts) {
      const results = [...keys.produced.get(next)!].map((v) => sequences.get(v));
      const first = results[0];
      if (results.some((r) => r !== first)) {
        warnings.push(`${dead} + ${JSON.stringify(next)}: keysyms of the layout compose differently; left out`);
        continue;
      }
      if (first !== undefined) table[next] = first;
    }
    out[dead] = table;
  }
  return out;
}
