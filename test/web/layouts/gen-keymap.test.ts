import { describe, expect, it } from 'vitest';
import { keysymCase } from '../../../web/tools/xkb/case.ts';
import { parseKeymap } from '../../../web/tools/xkb/keymap.ts';
import { loadKeysymTable } from '../../../web/tools/xkb/keysyms.ts';
import { resolveKeys } from '../../../web/tools/xkb/layout-keys.ts';
import { tokenize } from '../../../web/tools/xkb/tokens.ts';
import { automaticType } from '../../../web/tools/xkb/types.ts';

const ks = loadKeysymTable();

/** A small keymap in the form `xkbcli compile-keymap` prints, with the types it needs. */
function keymap(symbols: string, ralt = 'ISO_Level3_Shift'): string {
  return `xkb_keymap {
xkb_keycodes "(unnamed)" {
	minimum = 8;
	maximum = 255;
	<AE01> = 10; <AE02> = 11; <AD01> = 24; <AC10> = 47; <AC11> = 48; <BKSL> = 51; <LSGT> = 94; <LVL3> = 92; <RALT> = 108; <AE03> = 12; <HYPR> = 207;
	alias <AC12> = <BKSL>;
	indicator 1 = "Caps Lock";
};
xkb_types "(unnamed)" {
	virtual_modifiers LevelThree,LevelFive,NumLock;
	type "ONE_LEVEL" { modifiers= none; level_name[1]= "Any"; };
	type "TWO_LEVEL" { modifiers= Shift; map[Shift]= 2; level_name[1]= "Base"; level_name[2]= "Shift"; };
	type "ALPHABETIC" { modifiers= Shift+Lock; map[Shift]= 2; map[Lock]= 2; };
	type "FOUR_LEVEL" { modifiers= Shift+LevelThree; map[Shift]= 2; map[LevelThree]= 3; map[Shift+LevelThree]= 4; };
	type "FOUR_LEVEL_SEMIALPHABETIC" {
		modifiers= Shift+Lock+LevelThree;
		map[Shift]= 2; map[Lock]= 2; map[LevelThree]= 3; map[Shift+LevelThree]= 4;
		map[Lock+LevelThree]= 3; preserve[Lock+LevelThree]= Lock;
		map[Shift+Lock+LevelThree]= 4; preserve[Shift+Lock+LevelThree]= Lock;
	};
	type "UNBOUND_FIRST" { modifiers= Shift+LevelFive; map[Shift+LevelFive]= 3; map[Shift]= 2; };
	type "NUMLOCK_READER" { modifiers= Shift+NumLock; map[Shift]= 2; map[Shift+NumLock]= 2; map[NumLock]= 3; };
};
xkb_compatibility "(unnamed)" {
	virtual_modifiers LevelThree,LevelFive;
	interpret.useModMapMods= AnyLevel;
	interpret ISO_Level3_Shift+AnyOf(all) { virtualModifier= LevelThree; useModMapMods=level1; action= SetMods(modifiers=LevelThree,clearLocks); };
	interpret ISO_Level5_Shift+AnyOf(all) { virtualModifier= LevelFive; action= SetMods(modifiers=LevelFive); };
};
xkb_symbols "(unnamed)" {
	name[Group1]="Test";
${symbols}
	key <RALT> { type= "ONE_LEVEL", symbols[Group1]= [ ${ralt} ] };
	key <LVL3> { type= "ONE_LEVEL", symbols[Group1]= [ ISO_Level3_Shift ] };
	key <HYPR> { type= "ONE_LEVEL", virtualMods= NumLock, symbols[Group1]= [ Hyper_L ] };
	modifier_map Mod5 { <LVL3> };
	modifier_map Mod2 { <HYPR> };
};
};
`;
}

const SYMBOLS = `
	key <AE01> { [ 1, exclam, onesuperior, exclamdown ] };
	key <AE02> { type= "UNBOUND_FIRST", symbols[Group1]= [ 2, quotedbl, twosuperior ] };
	key <AD01> { [ q, Q, at, Greek_OMEGA ] };
	key <AC11> { [ adiaeresis, Adiaeresis, dead_circumflex, dead_caron ] };
	key <BKSL> { type= "TWO_LEVEL", symbols[Group1]= [ { a, b }, numbersign ] };
	key <LSGT> { [ U10D0, U1C90 ] };
	key <AC10> { [ U0259, U018F ] };
	key <AE03> { type= "NUMLOCK_READER", symbols[Group1]= [ 3, numbersign, threesuperior ] };`;

describe('parseKeymap', () => {
  const km = parseKeymap(keymap(SYMBOLS));

  it('reads keycodes and resolves aliases', () => {
    expect(km.keycodes.get('AE01')).toBe(10);
    expect(km.keycodes.get('AC12')).toBe(51);
  });

  it('reads types with map and preserve entries', () => {
    expect(km.types.get('FOUR_LEVEL_SEMIALPHABETIC')).toEqual({
      mods: ['Shift', 'Lock', 'LevelThree'],
      map: [
        { mods: ['Shift'], level: 2, preserve: [] },
        { mods: ['Lock'], level: 2, preserve: [] },
        { mods: ['LevelThree'], level: 3, preserve: [] },
        { mods: ['Shift', 'LevelThree'], level: 4, preserve: [] },
        { mods: ['Lock', 'LevelThree'], level: 3, preserve: ['Lock'] },
        { mods: ['Shift', 'Lock', 'LevelThree'], level: 4, preserve: ['Lock'] },
      ],
    });
    expect(km.types.get('ONE_LEVEL')).toEqual({ mods: [], map: [] });
  });

  it('reads interprets that bind virtual modifiers, and the modifier map', () => {
    expect(km.interpretVmods.get('ISO_Level3_Shift')).toBe('LevelThree');
    expect(km.modmap.get('Mod5')).toEqual(['LVL3']);
  });

  it.each([
    ['AD01', { levels: [['q'], ['Q'], ['at'], ['Greek_OMEGA']] }],
    ['AE02', { type: 'UNBOUND_FIRST', levels: [['2'], ['quotedbl'], ['twosuperior']] }],
    ['BKSL', { type: 'TWO_LEVEL', levels: [['a', 'b'], ['numbersign']] }],
    ['RALT', { type: 'ONE_LEVEL', levels: [['ISO_Level3_Shift']] }],
    ['HYPR', { type: 'ONE_LEVEL', vmods: ['NumLock'], levels: [['Hyper_L']] }],
  ])('reads key <%s> symbols', (name, expected) => {
    expect(km.symbols.get(name)).toEqual(expected);
  });

  it.each([
    ['xkb_keycodes "x" { <A> = 1; ', /unclosed/],
    ['xkb_keycodes "x" { <A> = 1; ]; };', /unbalanced/],
    ['xkb_keycodes "x" { <A> = 1; }; ~', /unexpected/],
  ])('rejects broken input %j', (text, message) => {
    expect(() => parseKeymap(text)).toThrow(message);
  });

  it('tokenizes key names, strings, words and punctuation with line numbers', () => {
    expect(tokenize('key <AE01> {\n [ 1, "x" ] };').map((t) => `${t.kind}:${t.text}:${t.line}`)).toEqual([
      'word:key:1',
      'keyname:AE01:1',
      'punct:{:1',
      'punct:[:2',
      'word:1:2',
      'punct:,:2',
      'string:x:2',
      'punct:]:2',
      'punct:}:2',
      'punct:;:2',
    ]);
  });
});

describe('resolveKeys', () => {
  const r = resolveKeys(parseKeymap(keymap(SYMBOLS)), ks);

  it('finds Right Alt as the level-3 key', () => {
    expect(r.level3).toBe(0xe6);
  });

  it.each([
    // FOUR_LEVEL (1 is not a letter): Caps Lock changes nothing.
    [0x1e, 'FOUR_LEVEL', ['1', '!', '¹', '¡'], ['1', '!', '¹', '¡']],
    // FOUR_LEVEL_SEMIALPHABETIC: Caps Lock swaps levels 1/2; AltGr levels keep Lock unconsumed,
    // and Ω is already upper case, so those stay.
    [0x14, 'FOUR_LEVEL_SEMIALPHABETIC', ['q', 'Q', '@', 'Ω'], ['Q', 'q', '@', 'Ω']],
    [
      0x34,
      'FOUR_LEVEL_SEMIALPHABETIC',
      ['ä', 'Ä', 'dead_circumflex', 'dead_caron'],
      ['Ä', 'ä', 'dead_circumflex', 'dead_caron'],
    ],
    // An entry naming an unbound virtual modifier is inactive (X server): Shift is level 2.
    [0x1f, 'UNBOUND_FIRST', ['2', '"', '2', '"'], ['2', '"', '2', '"']],
    // Two keysyms on one level type nothing here; TWO_LEVEL ignores AltGr.
    [0x31, 'TWO_LEVEL', ['', '#', '', '#'], ['', '#', '', '#']],
    // ა/Ა (Georgian, case only since Unicode 11): TWO_LEVEL for xkbcommon 1.5, ALPHABETIC for
    // xkbcomp: they disagree under Caps Lock, so those outputs are left out.
    [0x64, 'TWO_LEVEL (xkbcomp: ALPHABETIC)', ['ა', 'Ა', 'ა', 'Ა'], ['', '', '', '']],
    [0x33, 'ALPHABETIC', ['ə', 'Ə', 'ə', 'Ə'], ['Ə', 'ə', 'Ə', 'ə']],
    // Reads Num Lock (bound to Mod2 by <HYPR>'s virtualMods): only what holds either way is kept.
    [0x20, 'NUMLOCK_READER', ['', '#', '', '#'], ['', '#', '', '#']],
  ])('usage 0x%s is %s: %j, Caps Lock %j', (usage, type, levels, caps) => {
    expect(r.keys.get(usage)).toEqual({ type, levels, caps });
  });

  it('records which keysyms produce each output, for the Compose join', () => {
    expect(r.produced.get('q')).toEqual(new Set([0x71]));
    expect(r.produced.get('dead_circumflex')).toEqual(new Set([0xfe52]));
    expect(r.produced.get('ə')).toEqual(new Set([0x1000259]));
    expect(r.produced.get('ა')).toEqual(new Set([0x10010d0]));
  });

  it('leaves AltGr levels empty when Right Alt is not a level-3 key', () => {
    const plain = resolveKeys(parseKeymap(keymap(SYMBOLS, 'Alt_R')), ks);
    expect(plain.level3).toBeNull();
    expect(plain.keys.get(0x14)?.levels).toEqual(['q', 'Q', '', '']);
  });

  it('types nothing for keysyms the X Compose table rewrites to two characters or holds back', () => {
    const rewrites = {
      singles: new Map([
        [0x71, 'xy'],
        [0x51, 'Z'],
      ]),
      starters: new Set([0x40]),
    };
    const r2 = resolveKeys(parseKeymap(keymap(SYMBOLS)), ks, rewrites);
    expect(r2.keys.get(0x14)?.levels).toEqual(['', 'Z', '', 'Ω']);
  });

  it('warns about keysym names it does not know', () => {
    const odd = resolveKeys(parseKeymap(keymap('\tkey <AE01> { [ 1, NotAKeysym ] };')), ks);
    expect(odd.warnings).toEqual(['unknown keysym NotAKeysym']);
    expect(odd.keys.get(0x1e)?.levels).toEqual(['1', '', '1', '']);
  });
});

describe('automaticType', () => {
  const v = (...names: string[]): number[] => names.map((n) => ks.value(n) ?? 0);
  it.each([
    [['a'], 'ONE_LEVEL', 'ONE_LEVEL'],
    [['a', 'A'], 'ALPHABETIC', 'ALPHABETIC'],
    [['1', 'exclam'], 'TWO_LEVEL', 'TWO_LEVEL'],
    [['KP_Home', 'KP_7'], 'KEYPAD', 'KEYPAD'],
    [['a', 'A', 'ae', 'AE'], 'FOUR_LEVEL_ALPHABETIC', 'FOUR_LEVEL_ALPHABETIC'],
    [['q', 'Q', 'at', 'Greek_OMEGA'], 'FOUR_LEVEL_SEMIALPHABETIC', 'FOUR_LEVEL_SEMIALPHABETIC'],
    [['q', 'Q', 'at'], 'FOUR_LEVEL_SEMIALPHABETIC', 'FOUR_LEVEL_SEMIALPHABETIC'],
    [['1', 'exclam', 'at', 'Greek_OMEGA'], 'FOUR_LEVEL', 'FOUR_LEVEL'],
    [['Cyrillic_a', 'Cyrillic_A'], 'ALPHABETIC', 'ALPHABETIC'],
    [['U0561', 'U0531'], 'ALPHABETIC', 'ALPHABETIC'], // Armenian
    [['s', 'S', 'ssharp', 'U1E9E'], 'FOUR_LEVEL_SEMIALPHABETIC', 'FOUR_LEVEL_ALPHABETIC'], // ß/ẞ
    [['U10D0', 'U1C90'], 'TWO_LEVEL', 'ALPHABETIC'], // Georgian Mtavruli: Unicode 11
    [['ssharp', 'question'], 'TWO_LEVEL', 'TWO_LEVEL'],
    [['a', 'b', 'c', 'd', 'e'], 'EIGHT_LEVEL', 'EIGHT_LEVEL'],
  ])('%j → %s (xkbcommon), %s (xkbcomp)', (names, common, x11) => {
    expect(automaticType(v(...names), ks.ucs, 'xkbcommon')).toBe(common);
    expect(automaticType(v(...names), ks.ucs, 'x11')).toBe(x11);
  });

  it.each([
    [0xdf, 'xkbcommon', null],
    [0xdf, 'x11', 'lower'], // ß
    [0xff, 'xkbcommon', 'lower'],
    [0x1001e9e, 'xkbcommon', null],
    [0x1001e9e, 'x11', 'upper'], // ÿ, ẞ
    [0x10010d0, 'xkbcommon', null],
    [0x10010d0, 'x11', 'lower'], // Georgian an
    [0x6c1, 'x11', 'lower'],
    [0x6e1, 'x11', 'upper'],
    [0x31, 'x11', null], // Cyrillic_a, Cyrillic_A, 1
  ] as const)('keysym 0x%s in %s is %s', (sym, flavour, expected) => {
    expect(keysymCase(ks.ucs(sym), flavour)).toBe(expected);
  });
});
