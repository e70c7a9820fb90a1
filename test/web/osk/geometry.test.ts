import { describe, expect, it } from 'vitest';
import { buildBoard, chooseGeometry, geometryForLayout, type Geometry } from '../../../web/src/lib/osk/geometry.ts';

const ALL = { functionRow: true, navigation: true, numpad: true };
const codes = (g: Geometry) => buildBoard(g, ALL).keys.map((k) => k.code);

describe('OSK geometry', () => {
  it.each([
    ['us', 'ansi'],
    ['us(intl)', 'ansi'],
    ['ru', 'ansi'],
    ['de', 'iso'],
    ['fr', 'iso'],
    ['gb', 'iso'],
    ['ch(fr)', 'iso'],
    ['jp', 'jis'],
    ['br', 'abnt2'],
    ['br(nodeadkeys)', 'abnt2'],
  ] as const)('draws %s on %s', (layout, shape) => {
    expect(geometryForLayout(layout)).toBe(shape);
  });

  it('keeps the user override over the layout', () => {
    expect(chooseGeometry('auto', 'de')).toBe('iso');
    expect(chooseGeometry('ansi', 'de')).toBe('ansi');
    expect(chooseGeometry('jis', 'us')).toBe('jis');
  });

  it.each([
    ['ansi', 104],
    ['iso', 105],
    // 109 keys of a Japanese board, with Lang2/Lang1 (英数/かな) taking the right Meta's place.
    ['jis', 110],
    ['abnt2', 107],
  ] as const)('%s has its %i keys with the numpad, each code once', (g, n) => {
    const c = codes(g);
    expect(c.length).toBe(n);
    expect(new Set(c).size).toBe(c.length);
  });

  it('puts the ISO, JIS and ABNT2 keys where those boards have them', () => {
    expect(codes('ansi')).not.toContain('IntlBackslash');
    expect(codes('iso')).toContain('IntlBackslash');
    for (const k of ['IntlYen', 'IntlRo', 'Lang1', 'Lang2', 'KanaMode', 'Convert', 'NonConvert'])
      expect(codes('jis')).toContain(k);
    expect(codes('abnt2')).toEqual(expect.arrayContaining(['IntlBackslash', 'IntlRo', 'NumpadComma']));
  });

  it('gives every key its HID usage and keeps every main row 15 units wide', () => {
    for (const g of ['ansi', 'iso', 'jis', 'abnt2'] as const) {
      const b = buildBoard(g, { functionRow: false, navigation: false, numpad: false });
      expect(b.width).toBe(15);
      const byCode = new Map(b.keys.map((k) => [k.code, k]));
      expect(byCode.get('KeyA')?.usage).toBe(0x04);
      expect(byCode.get('Enter')?.usage).toBe(0x28);
      for (let row = 0; row < 5; row++) {
        const keys = b.keys.filter((k) => k.y <= row && row < k.y + k.h);
        const right = Math.max(...keys.map((k) => k.x + k.w));
        expect(right, `${g} row ${row}`).toBe(15);
      }
      // No two keys overlap.
      for (const a of b.keys)
        for (const c of b.keys) {
          if (a === c) continue;
          const overlap = a.x < c.x + c.w && c.x < a.x + a.w && a.y < c.y + c.h && c.y < a.y + a.h;
          expect(overlap, `${g}: ${a.code} overlaps ${c.code}`).toBe(false);
        }
    }
  });

  it('drops the parts that are off (phones: the typing block only)', () => {
    const small = buildBoard('iso', { functionRow: false, navigation: false, numpad: false });
    expect(small.keys.map((k) => k.code)).not.toContain('F1');
    expect(small.keys.map((k) => k.code)).not.toContain('ArrowUp');
    expect(small.height).toBe(5);
    const full = buildBoard('iso', ALL);
    expect(full.width).toBeGreaterThan(22);
    expect(buildBoard('iso', { ...ALL, numpad: false }).width).toBeLessThan(full.width);
  });
});
