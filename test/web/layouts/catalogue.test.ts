import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  findLayout,
  layoutGroups,
  loadLayout,
  searchLayouts,
} from '../../../web/src/lib/layouts/catalogue.ts';
import { LayoutError } from '../../../web/src/lib/layouts/errors.ts';
import { repertoire } from '../../../web/src/lib/layouts/keystrokes.ts';
import { labelsFor } from '../../../web/src/lib/layouts/labels.ts';
import { layoutFromData } from '../../../web/src/lib/layouts/layout.ts';

/** PiKVM's 36 qemu keymaps (kvmd contrib/keymaps) → the xkb layout we ship for each. */
const PIKVM = {
  ar: 'ara',
  bepo: 'fr(bepo)',
  cz: 'cz',
  da: 'dk',
  de: 'de(nodeadkeys)',
  'de-ch': 'ch',
  'en-gb': 'gb',
  'en-us': 'us',
  'en-us-altgr-intl': 'us(altgr-intl)',
  'en-us-colemak': 'us(colemak)',
  es: 'es',
  et: 'ee',
  fi: 'fi',
  fo: 'fo',
  fr: 'fr',
  'fr-be': 'be',
  'fr-ca': 'ca',
  'fr-ch': 'ch(fr)',
  hr: 'hr',
  hu: 'hu',
  is: 'is',
  it: 'it',
  ja: 'jp',
  lt: 'lt',
  lv: 'lv',
  mk: 'mk',
  nl: 'nl',
  no: 'no',
  pl: 'pl',
  pt: 'pt',
  'pt-br': 'br',
  ru: 'ru',
  sl: 'si',
  sv: 'se',
  th: 'th',
  tr: 'tr',
} as const;
/** JetKVM's locales (0.4.7 and later). */
const JETKVM = {
  'cs-CZ': 'cz',
  'de-CH': 'ch',
  'de-DE': 'de',
  'en-UK': 'gb',
  'en-US': 'us',
  'es-ES': 'es',
  'fr-BE': 'be',
  'fr-CH': 'ch(fr)',
  'fr-FR': 'fr',
  'it-IT': 'it',
  'nb-NO': 'no',
  'sv-SE': 'se',
  'da-DK': 'dk',
  'hu-HU': 'hu',
  'ja-JP': 'jp',
  'pl-PL': 'pl',
  'pt-PT': 'pt',
  'ru-RU': 'ru',
  'sl-SI': 'si',
} as const;

describe('catalogue', () => {
  it('ships at least 60 layouts with unique names and a table each', async () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CATALOGUE.map((e) => e.name)).size).toBe(CATALOGUE.length);
    for (const e of CATALOGUE) expect((await loadLayout(e.name)).name).toBe(e.name);
  });

  it.each(Object.entries(PIKVM))('covers PiKVM keymap %s as %s', (_, xkb) => {
    expect(CATALOGUE.some((e) => e.name === xkb)).toBe(true);
  });

  it.each(Object.entries(JETKVM))('finds JetKVM locale %s as %s', (alias, xkb) => {
    expect(findLayout(alias)?.name).toBe(xkb);
  });

  it('has Dvorak and Colemak', () => {
    expect(searchLayouts('dvorak').map((e) => e.name)).toContain('us(dvorak)');
    expect(searchLayouts('colemak').map((e) => e.name)).toContain('us(colemak)');
  });

  it.each([
    ['de', 'de'],
    ['DE-ch', 'ch'],
    ['us(intl)', 'us(intl)'],
    ['german', 'de'],
    ['Switzerland', 'ch'],
    ['bokmal', 'no'], // "Norwegian Bokmål": accents fold
    ['french switzerland', 'ch(fr)'],
    ['fr-be', 'be'],
    ['portuguese brazil', 'br'],
    ['russian', 'ru'],
    ['intl dead', 'us(intl)'],
  ])('search %j finds %s first', (query, name) => {
    expect(searchLayouts(query)[0]?.name).toBe(name);
  });

  it('returns everything for an empty query and nothing for nonsense', () => {
    expect(searchLayouts('  ')).toHaveLength(CATALOGUE.length);
    expect(searchLayouts('qqqzzz')).toEqual([]);
  });

  it('groups every layout once', () => {
    const groups = layoutGroups();
    expect(groups.flatMap((g) => g.entries)).toHaveLength(CATALOGUE.length);
    expect(groups.map((g) => g.group)).toContain('Cyrillic');
  });

  it('rejects unknown layouts and corrupt tables with codes', async () => {
    await expect(loadLayout('xx')).rejects.toMatchObject({ name: 'LayoutError', code: 'unknown-layout' });
    expect(() =>
      layoutFromData({ name: 'x', description: '', level3: null, keys: { '0x04': { levels: ['a'] } }, dead: {} }),
    ).toThrow(LayoutError);
    expect(() => layoutFromData(null)).toThrow(/not a layout table/);
  });
});

describe('labelsFor', () => {
  it.each([
    ['de', 0x14, { base: 'q', shift: 'Q', altgr: '@', shiftAltgr: 'Ω', dead: [false, false, false, false] }],
    // dead_belowmacron has no spacing form in Compose: its mark on a dotted circle.
    ['de', 0x64, { base: '<', shift: '>', altgr: '|', shiftAltgr: '\u25cc\u0331', dead: [false, false, false, true] }],
    ['de', 0x2e, { base: '´', shift: '`', altgr: '¸', shiftAltgr: '˛', dead: [true, true, true, true] }],
    ['us', 0x1e, { base: '1', shift: '!', altgr: '', shiftAltgr: '', dead: [false, false, false, false] }],
    ['fr', 0x2f, { base: '^', shift: '¨', altgr: '¨', shiftAltgr: '°', dead: [true, true, true, true] }],
    ['ru', 0x14, { base: 'й', shift: 'Й', altgr: '', shiftAltgr: '', dead: [false, false, false, false] }],
  ])('%s key %i', async (name, usage, labels) => {
    expect(labelsFor(await loadLayout(name)).get(usage)).toEqual(labels);
  });
});

describe('repertoire', () => {
  it('is printable ASCII on us', async () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i));
    expect(repertoire(await loadLayout('us'))).toEqual(ascii);
  });

  it('includes dead-key compositions and AltGr characters on de', async () => {
    const r = repertoire(await loadLayout('de'));
    for (const c of ['ä', 'ß', '@', '€', '|', 'é', 'ê', 'è', 'Ê', '^', '`']) expect(r).toContain(c);
    expect(r).not.toContain('ñ'); // de has no dead tilde
    expect(r.every((c) => [...c].length === 1)).toBe(true);
  });

  it('differs with Caps Lock on only where Caps Lock changes a key (us: the same set)', async () => {
    const us = await loadLayout('us');
    expect(repertoire(us, { capsLock: true })).toEqual(repertoire(us));
  });
});
