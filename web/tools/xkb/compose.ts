/**
 * Dead-key sequences from the X Compose table (libx11-data,
 * /usr/share/X11/locale/en_US.UTF-8/Compose; compose.dir also gives it to C.UTF-8), format as in
 * Compose(5): `<dead_acute> <e> : "é" eacute # comment`.
 *
 * Kept: two-keystroke sequences that start with a dead keysym. A pair that is also the start of a
 * longer sequence is dropped: libX11 would wait for a third keystroke instead of producing the
 * character. Also noted, because they change what a plain key types: one-keystroke rewrites
 * (`<UFEF5> : "لآ"`, the Arabic lam-alef ligature typed as two letters) and ordinary keysyms
 * that start a sequence (`<Greek_accentdieresis> <Greek_iota>`), which X then swallows.
 */
import fs from 'node:fs';
import { GenError } from './errors.ts';
import type { KeysymTable } from './keysyms.ts';

export const COMPOSE_FILE = '/usr/share/X11/locale/en_US.UTF-8/Compose';

/** Dead keysym value → next keysym value → composed string (one code point). */
export type DeadTable = Map<number, Map<number, string>>;

const LINE = /^\s*((?:<[^>\s]+>\s*)+):\s*"((?:[^"\\]|\\.)*)"/;

/** C-style escapes Compose(5) allows in the result string: \\ \" \n, octal, hex. */
export function unescapeCompose(s: string): string {
  return s.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))/g, (_, oct?: string, hex?: string, ch?: string) => {
    if (oct) return String.fromCharCode(parseInt(oct, 8));
    if (hex) return String.fromCharCode(parseInt(hex, 16));
    return ch === 'n' ? '\n' : ch === 'r' ? '\r' : ch === 't' ? '\t' : ch!;
  });
}

export interface ComposeResult {
  dead: DeadTable;
  /** Keysym → the text a one-keystroke sequence makes of it instead of its own character. */
  singles: Map<number, string>;
  /** Non-dead keysyms that start a longer sequence: typing one alone yields nothing at once. */
  starters: Set<number>;
  /** Lines skipped because a keysym name is unknown. */
  unknown: number;
}

export function parseCompose(text: string, ks: KeysymTable): ComposeResult {
  const pairs = new Map<string, { keys: number[]; result: string }>();
  const prefixes = new Set<string>();
  const singles = new Map<number, string>();
  const starters = new Set<number>();
  let unknown = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('include')) throw new GenError('COMPOSE_SYNTAX', `line ${i + 1}: include is not supported`);
    const m = LINE.exec(line);
    if (!m) return; // modifier-qualified or keysym-only lines: not dead-key sequences
    const names = [...m[1]!.matchAll(/<([^>\s]+)>/g)].map((x) => x[1]!);
    if (names[0] === 'Multi_key') return;
    const keys = names.map((n) => ks.value(n));
    if (keys.some((k) => k === undefined)) {
      unknown++;
      return;
    }
    const values = keys as number[];
    if (!names[0]!.startsWith('dead_')) {
      if (values.length === 1) singles.set(values[0]!, unescapeCompose(m[2]!));
      else starters.add(values[0]!);
      return;
    }
    for (let n = 2; n < values.length; n++) prefixes.add(values.slice(0, n).join(' '));
    // A later definition of the same sequence replaces the earlier one, as in libX11's parser.
    if (values.length === 2) pairs.set(values.join(' '), { keys: values, result: unescapeCompose(m[2]!) });
  });
  const dead: DeadTable = new Map();
  for (const [seq, { keys, result }] of pairs) {
    if (prefixes.has(seq) || [...result].length !== 1) continue;
    const [first, second] = keys as [number, number];
    if (!dead.has(first)) dead.set(first, new Map());
    dead.get(first)!.set(second, result);
  }
  return { dead, singles, starters, unknown };
}

export function loadCompose(ks: KeysymTable, file: string = COMPOSE_FILE): ComposeResult {
  if (!fs.existsSync(file)) throw new GenError('DATA_MISSING', `${file} is missing (Debian package libx11-data)`);
  return parseCompose(fs.readFileSync(file, 'utf8'), ks);
}
