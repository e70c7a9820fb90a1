/**
 * xkb key-type semantics: which level a modifier state selects and which modifiers the key
 * consumes (xkbcommon src/state.c and the X server's XkbTranslateKeyCode agree on this), plus
 * the automatic type choice for keys whose symbols name no type (FindAutomaticType in both
 * libxkbcommon src/xkbcomp/symbols.c and xkbcomp symbols.c).
 */
import { keysymCase, type CaseFlavour } from './case.ts';
import type { Keymap } from './keymap.ts';

const REAL_MODS: Record<string, number> = {
  Shift: 0x01,
  Lock: 0x02,
  Control: 0x04,
  Mod1: 0x08,
  Mod2: 0x10,
  Mod3: 0x20,
  Mod4: 0x40,
  Mod5: 0x80,
};
export const SHIFT = 0x01;
export const LOCK = 0x02;

/**
 * Real-modifier mask of each virtual modifier, derived as xkb does: a key in `modifier_map M`
 * binds V to M if it names V in `virtualMods=`, or else if its group 1 level 1 keysym has an
 * interpret with `virtualModifier= V` (de(neo) binds NumLock to Mod2 through <HYPR> this way).
 */
export function virtualModMasks(km: Keymap): Map<string, number> {
  const masks = new Map<string, number>();
  for (const [mod, keys] of km.modmap) {
    const bit = REAL_MODS[mod];
    if (bit === undefined) continue;
    for (const key of keys) {
      const symbols = km.symbols.get(key);
      const sym = symbols?.levels[0]?.[0];
      const fromInterpret = sym === undefined ? undefined : km.interpretVmods.get(sym);
      for (const vmod of symbols?.vmods ?? (fromInterpret ? [fromInterpret] : []))
        masks.set(vmod, (masks.get(vmod) ?? 0) | bit);
    }
  }
  return masks;
}

export interface TypeResolver {
  /** 1-based level for the real modifier state `mods`, and whether Lock stays unconsumed. */
  level(typeName: string, mods: number): { level: number; lockUnconsumed: boolean };
}

export function makeTypeResolver(km: Keymap, vmods: Map<string, number>): TypeResolver {
  const mask = (names: readonly string[]): { real: number; virtualUnbound: boolean } => {
    let real = 0;
    let virtualBits = 0;
    let hasVirtual = false;
    for (const n of names) {
      if (REAL_MODS[n] !== undefined) real |= REAL_MODS[n]!;
      else {
        hasVirtual = true;
        virtualBits |= vmods.get(n) ?? 0;
      }
    }
    // X server (XkbUpdateKeyTypeVirtualMods): an entry naming virtual modifiers that are bound
    // to no real modifier is inactive.
    return { real: real | virtualBits, virtualUnbound: hasVirtual && virtualBits === 0 };
  };
  return {
    level(typeName, mods) {
      const type = km.types.get(typeName);
      if (!type) throw new Error(`unknown key type ${typeName}`);
      const typeMask = mask(type.mods).real;
      const masked = mods & typeMask;
      for (const e of type.map) {
        const m = mask(e.mods);
        if (m.virtualUnbound || m.real !== masked) continue;
        const consumed = typeMask & ~mask(e.preserve).real;
        return { level: e.level, lockUnconsumed: (mods & LOCK) !== 0 && (consumed & LOCK) === 0 };
      }
      return { level: 1, lockUnconsumed: (mods & LOCK) !== 0 && (typeMask & LOCK) === 0 };
    },
  };
}

/** Is keysym a keypad keysym (KP_Space..KP_Equal), as xkb_keysym_is_keypad. */
const isKeypad = (ks: number): boolean => ks >= 0xff80 && ks <= 0xffbd;

/**
 * The type xkb picks for a key with no explicit type, from its group 1 keysyms (first keysym of
 * each level, 0 for NoSymbol) and a case judgement. Wider than 4 levels: EIGHT_LEVEL.
 */
export function automaticType(
  syms: readonly number[],
  ucs: (ks: number) => number | undefined,
  flavour: CaseFlavour,
): string {
  const lower = (i: number): boolean => keysymCase(ucs(syms[i] ?? 0), flavour) === 'lower';
  const upper = (i: number): boolean => keysymCase(ucs(syms[i] ?? 0), flavour) === 'upper';
  const keypad = isKeypad(syms[0] ?? 0) || isKeypad(syms[1] ?? 0);
  if (syms.length <= 1) return 'ONE_LEVEL';
  if (syms.length === 2) return lower(0) && upper(1) ? 'ALPHABETIC' : keypad ? 'KEYPAD' : 'TWO_LEVEL';
  if (syms.length <= 4) {
    if (lower(0) && upper(1)) return lower(2) && upper(3) ? 'FOUR_LEVEL_ALPHABETIC' : 'FOUR_LEVEL_SEMIALPHABETIC';
    return keypad ? 'FOUR_LEVEL_KEYPAD' : 'FOUR_LEVEL';
  }
  return 'EIGHT_LEVEL';
}
