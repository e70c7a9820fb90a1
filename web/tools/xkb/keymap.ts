/**
 * Parses the flattened keymap `xkbcli compile-keymap` prints (one `xkb_keymap` with xkb_keycodes,
 * xkb_types, xkb_compatibility and xkb_symbols) into plain data. Only what layout tables need:
 * keycodes and aliases, key types, interprets that bind virtual modifiers, group 1 symbols with
 * each key's explicit type, and the modifier map.
 */
import { GenError } from './errors.ts';
import { matching, modList, split, tokenize, type Token } from './tokens.ts';

export interface KeyType {
  /** Modifiers the type looks at (`modifiers= Shift+Lock`), real or virtual names. */
  mods: string[];
  /** `map[mods]= level` entries in file order; level 1-based. */
  map: { mods: string[]; level: number; preserve: string[] }[];
}

export interface KeySymbols {
  /** Explicit `type=` (group 1), or undefined: xkb then picks one from the symbols. */
  type?: string;
  /** Group 1 levels; each level is a list of keysym names (usually one; empty = NoSymbol). */
  levels: string[][];
  /** Explicit `virtualMods=` (the key binds these virtual modifiers instead of via interprets). */
  vmods?: string[];
}

export interface Keymap {
  /** Key name → X keycode, aliases resolved (`<AC12>` → the code of `<BKSL>`). */
  keycodes: Map<string, number>;
  types: Map<string, KeyType>;
  /** Keysym name → virtual modifier its interpret binds (`ISO_Level3_Shift` → `LevelThree`). */
  interpretVmods: Map<string, string>;
  /** Canonical key name → group 1 symbols. */
  symbols: Map<string, KeySymbols>;
  /** Real modifier → key names in its `modifier_map`. */
  modmap: Map<string, string[]>;
}

function section(tokens: readonly Token[], kind: string): [number, number] {
  const at = tokens.findIndex((t) => t.kind === 'word' && t.text === kind);
  if (at < 0) throw new GenError('KEYMAP_MISSING', `no ${kind} section`);
  const open = tokens.findIndex((t, i) => i > at && t.text === '{');
  return [open + 1, matching(tokens, open)];
}

const words = (s: readonly Token[]): string[] => s.map((t) => t.text);
const level = (t: Token | undefined): number => Number(/^(?:Level)?(\d+)$/i.exec(t?.text ?? '')?.[1] ?? NaN);

/** `[ a, { b, c }, NoSymbol ]` starting at `open` → [['a'], ['b','c'], []]. */
function symbolList(tokens: readonly Token[], open: number): string[][] {
  return split(tokens, open + 1, matching(tokens, open), ',').map((item) =>
    item.filter((t) => t.kind === 'word' && t.text !== 'NoSymbol').map((t) => t.text),
  );
}

function parseKeycodes(tokens: readonly Token[]): Map<string, number> {
  const [from, to] = section(tokens, 'xkb_keycodes');
  const codes = new Map<string, number>();
  const aliases: [string, string][] = [];
  for (const st of split(tokens, from, to, ';')) {
    if (st[0]?.kind === 'keyname' && st[1]?.text === '=') codes.set(st[0].text, Number(st[2]?.text));
    else if (st[0]?.text === 'alias' && st[1] && st[3]) aliases.push([st[1].text, st[3].text]);
  }
  for (const [alias, real] of aliases) {
    const code = codes.get(real);
    if (code !== undefined && !codes.has(alias)) codes.set(alias, code);
  }
  return codes;
}

function parseTypes(tokens: readonly Token[]): Map<string, KeyType> {
  const [from, to] = section(tokens, 'xkb_types');
  const types = new Map<string, KeyType>();
  for (const st of split(tokens, from, to, ';')) {
    if (st[0]?.text !== 'type' || st[1]?.kind !== 'string') continue;
    const type: KeyType = { mods: [], map: [] };
    const preserve = new Map<string, string[]>();
    const body = split(st, 3, st.length - 1, ';');
    for (const b of body) {
      const head = b[0]?.text;
      const close = b.findIndex((t) => t.text === ']');
      const eq = b.findIndex((t) => t.text === '=');
      if (head === 'modifiers') type.mods = modList(b.slice(eq + 1));
      else if (head === 'map')
        type.map.push({ mods: modList(b.slice(2, close)), level: level(b[eq + 1]), preserve: [] });
      else if (head === 'preserve') preserve.set(modList(b.slice(2, close)).sort().join('+'), modList(b.slice(eq + 1)));
    }
    for (const e of type.map) e.preserve = preserve.get([...e.mods].sort().join('+')) ?? [];
    types.set(st[1].text, type);
  }
  return types;
}

function parseCompat(tokens: readonly Token[]): Map<string, string> {
  const [from, to] = section(tokens, 'xkb_compatibility');
  const vmods = new Map<string, string>();
  for (const st of split(tokens, from, to, ';')) {
    if (st[0]?.text !== 'interpret' || st[1]?.kind !== 'word') continue;
    const open = st.findIndex((t) => t.text === '{');
    if (open < 0) continue;
    for (const b of split(st, open + 1, st.length - 1, ';')) {
      if (b[0]?.text === 'virtualModifier' && b[2] && !vmods.has(st[1].text)) vmods.set(st[1].text, b[2].text);
    }
  }
  return vmods;
}

function parseSymbols(tokens: readonly Token[]): Pick<Keymap, 'symbols' | 'modmap'> {
  const [from, to] = section(tokens, 'xkb_symbols');
  const symbols = new Map<string, KeySymbols>();
  const modmap = new Map<string, string[]>();
  for (const st of split(tokens, from, to, ';')) {
    if (st[0]?.text === 'modifier_map' && st[1]) {
      modmap.set(
        st[1].text,
        st.filter((t) => t.kind === 'keyname').map((t) => t.text),
      );
    }
    if (st[0]?.text !== 'key' || st[1]?.kind !== 'keyname') continue;
    const key: KeySymbols = { levels: [] };
    for (const item of split(st, 3, st.length - 1, ',')) {
      const head = item[0]?.text;
      if (head === '[') key.levels = symbolList(item, 0);
      else if (head === 'symbols' && /^\[?Group1\]?$/.test(words(item.slice(1, 4)).join(''))) {
        key.levels = symbolList(
          item,
          item.findIndex((t, i) => i > 3 && t.text === '['),
        );
      } else if (head === 'type' && (item[1]?.text === '=' || item[2]?.text === 'Group1')) {
        key.type = item.find((t) => t.kind === 'string')?.text;
      } else if (head === 'virtualMods' || head === 'vmods') {
        key.vmods = modList(item.slice(2));
      }
    }
    symbols.set(st[1].text, key);
  }
  return { symbols, modmap };
}

export function parseKeymap(text: string): Keymap {
  const tokens = tokenize(text);
  return {
    keycodes: parseKeycodes(tokens),
    types: parseTypes(tokens),
    interpretVmods: parseCompat(tokens),
    ...parseSymbols(tokens),
  };
}
