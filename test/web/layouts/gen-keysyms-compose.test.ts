import { describe, expect, it } from 'vitest';
import { parseCompose, unescapeCompose } from '../../../web/tools/xkb/compose.ts';
import { deadKeysFor } from '../../../web/tools/xkb/dead-keys.ts';
import { loadKeysymTable, makeKeysymTable, parseKeysymHeader, unicodeKeysym } from '../../../web/tools/xkb/keysyms.ts';
import type { ResolvedKeys } from '../../../web/tools/xkb/layout-keys.ts';

const ks = loadKeysymTable();

describe('keysyms', () => {
  it('reads exact U+ mappings and leaves parenthesised (approximate) ones out', () => {
    const { names, ucs } = parseKeysymHeader(
      [
        '#define XK_eacute                        0x00e9  /* U+00E9 LATIN SMALL LETTER E WITH ACUTE */',
        '#define XK_enfilledcircbullet            0x0ae6  /*(U+2022 BULLET)*/',
        '#define XK_BackSpace                     0xff08  /* Back space, back char */',
        '#define XF86XK_Calculator          0x1008FF1D   /* Invoke calculator program  */',
      ].join('\n'),
    );
    expect(names).toEqual(
      new Map([
        ['eacute', 0xe9],
        ['enfilledcircbullet', 0xae6],
        ['BackSpace', 0xff08],
        ['XF86Calculator', 0x1008ff1d],
      ]),
    );
    expect(ucs).toEqual(new Map([[0xe9, 0xe9]]));
  });

  it.each([
    [0x41, 0x41],
    [0xe9, 0xe9],
    [0x20ac, 0x10020ac],
    [0x1f, 0],
    [0x85, 0],
    [0x1f600, 0x101f600],
  ])('U+%s is keysym 0x%s (Latin-1 keysyms for Latin-1, controls are NoSymbol)', (cp, sym) => {
    expect(unicodeKeysym(cp)).toBe(sym);
  });

  it.each([
    ['eacute', 0xe9],
    ['U00E9', 0xe9],
    ['U20AC', 0x10020ac],
    ['EuroSign', 0x20ac],
    ['U0001F12F', 0x101f12f],
    ['0x1000259', 0x1000259],
    ['dead_acute', 0xfe51],
    ['XF86Calculator', 0x1008ff1d],
    ['nonsense', undefined],
  ])('name %s has value %s', (name, value) => {
    expect(ks.value(name)).toBe(value);
  });

  it.each([
    [0x61, 0x61],
    [0x7d9, 0x3a9],
    [0x10020ac, 0x20ac],
    [0x20ac, 0x20ac],
    [0xff08, undefined],
    [0xffb1, undefined],
    [0xfe51, undefined],
    [0xae6, undefined],
    // keysymdef.h says U+223C, U+23B7 and U+00A9; libX11 types ≅, nothing and U+FFFD: left out.
    [0x8c8, undefined],
    [0x8a1, undefined],
    [0x10000a9, undefined],
  ])('keysym 0x%s types U+%s', (sym, cp) => {
    expect(ks.ucs(sym)).toBe(cp);
  });

  it('follows keysymdef.h where the libX11 calibration is not applied', () => {
    const plain = makeKeysymTable(['#define XK_approximate 0x08c8  /* U+223C TILDE OPERATOR */']);
    expect(plain.ucs(0x8c8)).toBe(0x223c);
    expect(plain.ucs(0x10000a9)).toBe(0xa9);
  });

  it('names values by their first definition, and U+ keysyms by their code point', () => {
    expect(ks.name(0xfe51)).toBe('dead_acute');
    expect(ks.name(0x1002032)).toBe('U2032');
    const t = makeKeysymTable(['#define XK_a 0x0061 /* U+0061 */\n#define XK_alias 0x0061 /* U+0061 */']);
    expect(t.name(0x61)).toBe('a');
  });
});

describe('parseCompose', () => {
  const text = [
    '# comment',
    '<dead_acute> <e>\t\t: "é"\teacute # LATIN SMALL LETTER E WITH ACUTE',
    '<dead_acute> <space> : "\'" apostrophe',
    '<dead_acute> <dead_acute> : "´" acute',
    '<Multi_key> <e> <e> : "ə"',
    '<dead_acute> <dead_diaeresis> <u> : "ǘ"',
    '<dead_acute> <dead_diaeresis> : "X"',
    '<dead_grave> <a> : "\\"" quotedbl',
    '<dead_grave> <e> : "è"',
    '<dead_grave> <e> : "ē"',
    '<dead_macron> <a> : "ab"',
    '<dead_abovedot> <notakeysym> : "?"',
    '~Ctrl <dead_tilde> <n> : "ñ"',
    '<UFEF5> : "لآ"',
    '<Greek_accentdieresis> <Greek_iota> : "ΐ"',
  ].join('\n');
  const { dead, unknown, singles, starters } = parseCompose(text, ks);
  const table = (name: string) =>
    Object.fromEntries([...(dead.get(ks.value(name)!) ?? [])].map(([k, v]) => [ks.name(k), v]));

  it('keeps two-keystroke sequences that start with a dead key', () => {
    expect(table('dead_acute')).toEqual({ e: 'é', space: "'", dead_acute: '´' });
  });

  it('drops a pair that starts a longer sequence (libX11 would wait for more)', () => {
    expect(table('dead_acute')['dead_diaeresis']).toBeUndefined();
  });

  it('lets a later definition win, unescapes strings, skips multi-character results', () => {
    expect(table('dead_grave')).toEqual({ a: '"', e: 'ē' });
    expect(dead.has(ks.value('dead_macron')!)).toBe(false);
  });

  it('counts unknown keysym names and ignores modifier-qualified lines', () => {
    expect(unknown).toBe(1);
    expect(dead.has(ks.value('dead_tilde')!)).toBe(false);
  });

  it.each([
    ['\\\\', '\\'],
    ['\\"', '"'],
    ['\\101', 'A'],
    ['\\x41', 'A'],
    ['\\n', '\n'],
    ['plain', 'plain'],
  ])('unescapes %j as %j', (raw, out) => {
    expect(unescapeCompose(raw)).toBe(out);
  });

  it('notes one-keystroke rewrites and plain keysyms that start a sequence', () => {
    expect(singles).toEqual(new Map([[0x100fef5, 'لآ']]));
    expect(starters).toEqual(new Set([ks.value('Greek_accentdieresis')]));
  });

  it('rejects include lines', () => {
    expect(() => parseCompose('include "%L"', ks)).toThrow(/include/);
  });
});

describe('deadKeysFor', () => {
  it('joins on keysym values and drops characters two keysyms compose differently', () => {
    const abreve = ks.value('abreve')!; // legacy Latin-2 keysym of ă
    const keys: ResolvedKeys = {
      level3: null,
      keys: new Map(),
      warnings: [],
      produced: new Map([
        ['dead_acute', new Set([0xfe51])],
        ['e', new Set([0x65])],
        [' ', new Set([0x20])],
        ['ă', new Set([abreve, 0x1000103])],
        ['q', new Set([0x71])],
      ]),
    };
    const compose = new Map([
      [
        0xfe51,
        new Map([
          [0x65, 'é'],
          [0x20, "'"],
          [abreve, 'ắ'],
        ]),
      ],
    ]);
    const warnings: string[] = [];
    expect(deadKeysFor(keys, compose, warnings)).toEqual({ dead_acute: { ' ': "'", e: 'é' } });
    expect(warnings).toEqual(['dead_acute + "ă": keysyms of the layout compose differently; left out']);
  });
});
