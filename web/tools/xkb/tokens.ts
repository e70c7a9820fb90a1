/**
 * A tokenizer for the text xkbcommon writes out (`xkbcli compile-keymap`, libxkbcommon
 * src/xkbcomp/keymap-dump.c), plus brace matching. Only what the dump uses: key names `<AE01>`,
 * strings, identifiers/numbers, and single-character punctuation.
 */
import { GenError } from './errors.ts';

export type Token = { kind: 'keyname' | 'string' | 'word' | 'punct'; text: string; line: number };

const PATTERN = /\s+|\/\/[^\n]*|#[^\n]*|<([^>\s]+)>|"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_.]+)|([{}[\]()=;,+!-])/y;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  PATTERN.lastIndex = 0;
  while (PATTERN.lastIndex < text.length) {
    const start = PATTERN.lastIndex;
    const m = PATTERN.exec(text);
    if (!m)
      throw new GenError('KEYMAP_SYNTAX', `line ${line}: unexpected ${JSON.stringify(text.slice(start, start + 20))}`);
    if (m[1] !== undefined) out.push({ kind: 'keyname', text: m[1], line });
    else if (m[2] !== undefined) out.push({ kind: 'string', text: m[2], line });
    else if (m[3] !== undefined) out.push({ kind: 'word', text: m[3], line });
    else if (m[4] !== undefined) out.push({ kind: 'punct', text: m[4], line });
    for (const ch of m[0]) if (ch === '\n') line++;
  }
  return out;
}

/** Index of the token closing the bracket opened at `open` (`{`/`[`/`(`). */
export function matching(tokens: readonly Token[], open: number): number {
  const pairs: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const stack: string[] = [];
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (pairs[t.text]) stack.push(pairs[t.text]!);
    else if (t.text === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i;
    } else if (t.text === '}' || t.text === ']' || t.text === ')') {
      throw new GenError('KEYMAP_SYNTAX', `line ${t.line}: unbalanced ${t.text}`);
    }
  }
  throw new GenError('KEYMAP_SYNTAX', `line ${tokens[open]?.line ?? 0}: unclosed ${tokens[open]?.text ?? ''}`);
}

/**
 * Splits tokens[from, to) into statements at depth-0 `sep` tokens (`;` or `,`), keeping brackets
 * whole. Empty statements are dropped.
 */
export function split(tokens: readonly Token[], from: number, to: number, sep: ';' | ','): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && (t.text === '{' || t.text === '[' || t.text === '(')) {
      const end = matching(tokens, i);
      cur.push(...tokens.slice(i, end + 1));
      i = end;
      continue;
    }
    if (t.kind === 'punct' && t.text === sep) {
      if (cur.length) out.push(cur);
      cur = [];
      continue;
    }
    cur.push(t);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** `A+B+C` or `none` → ['A','B','C'] / []. */
export function modList(tokens: readonly Token[]): string[] {
  const names = tokens.filter((t) => t.kind === 'word').map((t) => t.text);
  return names.length === 1 && /^none$/i.test(names[0]!) ? [] : names;
}
