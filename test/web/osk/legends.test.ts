import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../../web/src/lib/layouts/index.ts';
import { keyName, legendAt, legendsFor, levelIndex } from '../../../web/src/lib/osk/legends.ts';

const off = { shift: false, altgr: false, capsLock: false };

describe('OSK legends', () => {
  it.each([
    // layout, usage, base, shift, altgr, shift+altgr
    ['de', 0x14, 'q', 'Q', '@', 'Ω'],
    ['de', 0x08, 'e', 'E', '€', '€'],
    ['de', 0x1c, 'z', 'Z', '←', '¥'],
    ['fr', 0x14, 'a', 'A', 'æ', 'Æ'],
    ['fr', 0x1f, 'é', '2', '~', '⅛'],
    ['gb', 0x20, '3', '£', '³', '£'],
    ['us', 0x1f, '2', '@', '', ''],
    ['ru', 0x14, 'й', 'Й', '', ''],
    ['jp', 0x89, '\\', '|', '', ''],
    ['jp', 0x87, '\\', '_', '', ''],
  ] as const)('%s key %i shows %s / %s / %s / %s at the four levels', async (name, usage, ...faces) => {
    const layout = await loadLayout(name);
    const l = legendsFor(layout).get(usage)!;
    const has3 = layout.level3 !== null;
    const at = (shift: boolean, altgr: boolean) => legendAt(l, { shift, altgr, capsLock: false }, has3).text;
    expect([at(false, false), at(true, false), at(false, true), at(true, true)]).toEqual(
      has3 ? faces : [faces[0], faces[1], faces[0], faces[1]],
    );
  });

  it('marks dead keys and shows their accent', async () => {
    const de = await loadLayout('de');
    const circumflex = legendsFor(de).get(0x35)!; // ^ on de is dead_circumflex
    expect(legendAt(circumflex, off, true)).toEqual({ text: '^', dead: true });
    expect(legendAt(circumflex, { ...off, shift: true }, true)).toEqual({ text: '°', dead: false });
    const acute = legendsFor(de).get(0x2e)!; // ´ and `
    expect(legendAt(acute, off, true)).toEqual({ text: '´', dead: true });
    expect(legendAt(acute, { ...off, shift: true }, true)).toEqual({ text: '`', dead: true });
  });

  it('follows the Caps Lock LED: letters upper case, digits unchanged, Shift lowers again', async () => {
    const de = await loadLayout('de');
    const l = legendsFor(de);
    const caps = { ...off, capsLock: true };
    expect(legendAt(l.get(0x04)!, caps, true).text).toBe('A');
    expect(legendAt(l.get(0x33)!, caps, true).text).toBe('Ö');
    expect(legendAt(l.get(0x1e)!, caps, true).text).toBe('1');
    expect(legendAt(l.get(0x04)!, { ...caps, shift: true }, true).text).toBe('a');
  });

  it('ignores AltGr where the layout has no level-3 key', () => {
    expect(levelIndex({ shift: true, altgr: true, capsLock: false }, false)).toBe(1);
    expect(levelIndex({ shift: true, altgr: true, capsLock: false }, true)).toBe(3);
  });

  it('names the keys that type no character, AltGr only where the layout has it', () => {
    expect(keyName('AltRight', 0xe6)).toBe('AltGr');
    expect(keyName('AltRight', null)).toBe('Alt');
    expect(keyName('F11', null)).toBe('F11');
    expect(keyName('Numpad7', null)).toBe('7');
    expect(keyName('KanaMode', null)).toBe('カナ');
  });
});
