/**
 * Key positions of one compiled keymap as HID usages, with what each types in the eight states
 * (Shift × AltGr × Caps Lock). xkb key names join to HID usages through the keymap's own
 * keycodes (X keycode − 8 = evdev code) and the kernel's usage → evdev table, inverted.
 */
import { HID_TO_EVDEV, X_KEYCODE_OFFSET } from '../../../hardware/sim/hid-usage-table.ts';
import type { KeyData } from '../../src/lib/layouts/layout-data.ts';
import { capsCouldChange } from './case.ts';
import { GenError } from './errors.ts';
import type { Keymap } from './keymap.ts';
import { isDeadKeysymName, NO_SYMBOL, type KeysymTable } from './keysyms.ts';
import { automaticType, LOCK, makeTypeResolver, SHIFT, virtualModMasks } from './types.ts';

/**
 * The typing block, as HID usages (HUT §10): letters and digits 0x04–0x27, Space 0x2C, the
 * punctuation keys 0x2D–0x38 (0x32 "Non-US #" is left out: Linux maps it to the same key as
 * 0x31, and browsers report both as `Backslash`), ISO 0x64, JIS Ro 0x87 and Yen 0x89.
 */
export const TYPING_USAGES: readonly number[] = [
  ...Array.from({ length: 0x27 - 0x04 + 1 }, (_, i) => 0x04 + i),
  0x2c,
  0x2d,
  0x2e,
  0x2f,
  0x30,
  0x31,
  0x33,
  0x34,
  0x35,
  0x36,
  0x37,
  0x38,
  0x64,
  0x87,
  0x89,
];

/** Keys that may act as the level-3 switch, in order of preference: Right Alt first. */
const LEVEL3_CANDIDATES: readonly number[] = [0xe6, 0xe2, 0xe7, 0xe3, 0x65, 0x39, ...TYPING_USAGES];

export interface ResolvedKeys {
  level3: number | null;
  keys: Map<number, KeyData>;
  /** Output string (char or dead name) → keysym values that produce it anywhere on the layout. */
  produced: Map<string, Set<number>>;
  warnings: string[];
}

/** The xkb key name at a HID usage, or undefined if the keymap has no symbols there. */
function keyNameAt(km: Keymap, usage: number, byCode: Map<number, string[]>): string | undefined {
  const evdev = HID_TO_EVDEV[usage] ?? 0;
  if (evdev === 0) return undefined;
  return byCode.get(evdev + X_KEYCODE_OFFSET)?.find((n) => km.symbols.has(n));
}

/** Compose entries that change what a plain key types (compose.ts). */
export interface ComposeRewrites {
  singles: ReadonlyMap<number, string>;
  starters: ReadonlySet<number>;
}

const NO_REWRITES: ComposeRewrites = { singles: new Map(), starters: new Set() };

export function resolveKeys(km: Keymap, ks: KeysymTable, rewrites: ComposeRewrites = NO_REWRITES): ResolvedKeys {
  const warnings: string[] = [];
  const byCode = new Map<number, string[]>();
  for (const [name, code] of km.keycodes) byCode.set(code, [...(byCode.get(code) ?? []), name]);
  const vmods = virtualModMasks(km);
  const resolver = makeTypeResolver(km, vmods);
  const level3Mask = vmods.get('LevelThree') ?? 0;
  // Num Lock is often on at the target (and its lock survives setxkbmap); some types (de(neo))
  // read it on typing keys. Outputs must hold with it on and off.
  const numLockMask = vmods.get('NumLock') ?? 0;
  const level3 =
    level3Mask === 0
      ? null
      : (LEVEL3_CANDIDATES.find((u) => {
          const name = keyNameAt(km, u, byCode);
          return name !== undefined && km.symbols.get(name)?.levels[0]?.[0] === 'ISO_Level3_Shift';
        }) ?? null);

  const value = (name: string): number => {
    const v = ks.value(name);
    if (v === undefined) warnings.push(`unknown keysym ${name}`);
    return v ?? NO_SYMBOL;
  };
  const output = (sym: number): string => {
    if (sym === NO_SYMBOL) return '';
    const name = ks.name(sym);
    if (name && isDeadKeysymName(name)) return name;
    // X's input method rewrites or holds back these keysyms (see compose.ts).
    if (rewrites.starters.has(sym)) return '';
    const single = rewrites.singles.get(sym);
    if (single !== undefined) return [...single].length === 1 ? single : '';
    const cp = ks.ucs(sym);
    return cp === undefined || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? '' : String.fromCodePoint(cp);
  };

  const keys = new Map<number, KeyData>();
  const produced = new Map<string, Set<number>>();
  for (const usage of TYPING_USAGES) {
    const name = keyNameAt(km, usage, byCode);
    const sym = name === undefined ? undefined : km.symbols.get(name);
    if (!sym || usage === level3) continue;
    // Levels with several keysyms (an xkbcommon extension the X server lacks) type nothing here.
    const syms = sym.levels.map((l) => (l.length === 1 ? value(l[0]!) : NO_SYMBOL));
    const types = sym.type
      ? [sym.type]
      : [automaticType(syms, ks.ucs, 'xkbcommon'), automaticType(syms, ks.ucs, 'x11')];
    if (!km.types.has(types[0]!)) throw new GenError('KEYMAP_MISSING', `key <${name}>: no type ${types[0]}`);
    const at = (state: number): string => {
      const altgr = (state & 2) !== 0;
      if (altgr && level3 === null) return '';
      const mods = (state & 1 ? SHIFT : 0) | (state & 4 ? LOCK : 0) | (altgr ? level3Mask : 0);
      const variants = types.flatMap((t) => [{ t, mods }, ...(numLockMask ? [{ t, mods: mods | numLockMask }] : [])]);
      const results = variants.map(({ t, mods }) => {
        const { level, lockUnconsumed } = resolver.level(t, mods);
        const ksym = syms[level - 1] ?? NO_SYMBOL;
        const out = output(ksym);
        // Lock left unconsumed means xkb upper-cases the keysym; we do not guess the result.
        return { out: lockUnconsumed && !isDeadKeysymName(out) && capsCouldChange(out) ? '' : out, ksym };
      });
      const first = results[0]!;
      if (results.some((r) => r.out !== first.out) || first.out === '') return '';
      produced.set(first.out, new Set([...(produced.get(first.out) ?? []), first.ksym]));
      return first.out;
    };
    const out = Array.from({ length: 8 }, (_, state) => at(state));
    const type = types[1] && types[1] !== types[0] ? `${types[0]} (xkbcomp: ${types[1]})` : types[0]!;
    keys.set(usage, { type, levels: [out[0]!, out[1]!, out[2]!, out[3]!], caps: [out[4]!, out[5]!, out[6]!, out[7]!] });
  }
  return { level3, keys, produced, warnings };
}
