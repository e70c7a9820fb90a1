import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../../web/src/lib/layouts/catalogue.ts';
import { planText, RATE_PRESETS, type PlanOptions } from '../../../web/src/lib/layouts/planner.ts';
import { windows1252Byte } from '../../../web/src/lib/layouts/windows-1252.ts';
import { describeSteps } from './helpers.ts';

const plan = async (name: string, text: string, o: Partial<PlanOptions>) =>
  planText(text, await loadLayout(name), { capsLock: false, unicodeFallback: 'skip', ...RATE_PRESETS.fast, ...o });

describe('Unicode input fallbacks', () => {
  it('linux: Ctrl+Shift+U, hex digits through the layout, Space (us €)', async () => {
    const p = await plan('us', '€', { unicodeFallback: 'linux' });
    expect(describeSteps(p.steps)).toEqual([
      'LCtrl',
      'LCtrl+LShift',
      'LCtrl+LShift+0x18',
      '-', // Ctrl+Shift+U, Ctrl first
      '0x1f',
      '-',
      '0x27',
      '-',
      '0x04',
      '-',
      '0x06',
      '-', // 2 0 a c
      '0x2c',
      '-', // Space commits
    ]);
    expect(p.viaUnicodeInput).toEqual([{ char: '€', index: 0 }]);
    expect(p.untypable).toEqual([]);
  });

  it('linux: finds U and the digits where the layout has them (fr AZERTY: digits need Shift)', async () => {
    const p = await plan('fr', '☃', { unicodeFallback: 'linux' });
    expect(describeSteps(p.steps)).toEqual([
      'LCtrl',
      'LCtrl+LShift',
      'LCtrl+LShift+0x18',
      '-',
      'LShift',
      'LShift+0x1f',
      'LShift',
      'LShift+0x23',
      'LShift',
      'LShift+0x27',
      'LShift',
      'LShift+0x20',
      '-', // 2 6 0 3
      '0x2c',
      '-',
    ]);
  });

  it('linux: a layout without Latin letters cannot spell the hex, so the character stays untypable', async () => {
    const p = await plan('ru', '€', { unicodeFallback: 'linux' });
    expect(p.untypable).toEqual([{ char: '€', index: 0 }]);
    expect(p.steps).toEqual([]);
  });

  it('windows: Alt+0<Windows-1252 byte> on the numpad, releasing Alt between characters', async () => {
    const p = await plan('us', 'é€', { unicodeFallback: 'windows' });
    expect(describeSteps(p.steps)).toEqual([
      'LAlt',
      'LAlt+0x62',
      'LAlt',
      'LAlt+0x5a',
      'LAlt',
      'LAlt+0x5b',
      'LAlt',
      'LAlt+0x5b',
      '-', // 0233
      'LAlt',
      'LAlt+0x62',
      'LAlt',
      'LAlt+0x59',
      'LAlt',
      'LAlt+0x5a',
      'LAlt',
      'LAlt+0x60',
      '-', // 0128
    ]);
  });

  it('windows: turns Num Lock on first and off at the end when the LED says it is off', async () => {
    const p = await plan('us', 'é', { unicodeFallback: 'windows', numLock: false });
    const s = describeSteps(p.steps);
    expect(s.slice(0, 2)).toEqual(['0x53', '-']);
    expect(s.slice(-2)).toEqual(['0x53', '-']);
    expect(p.typed).toBe(1);
  });

  it('windows: characters outside Windows-1252 stay untypable', async () => {
    expect((await plan('us', '☃', { unicodeFallback: 'windows' })).untypable).toEqual([{ char: '☃', index: 0 }]);
  });

  it('windows-altx: U+ and the hex code point, then Alt+X', async () => {
    const p = await plan('us', '😀', { unicodeFallback: 'windows-altx' });
    expect(describeSteps(p.steps)).toEqual([
      'LShift',
      'LShift+0x18',
      'LShift',
      'LShift+0x2e',
      '-', // U +
      '0x1e',
      '-',
      'LShift',
      'LShift+0x09',
      '-',
      '0x23',
      '-',
      '0x27',
      '-',
      '0x27',
      '-', // 1 F 6 0 0
      'LAlt',
      'LAlt+0x1b',
      '-', // Alt+X
    ]);
  });

  it.each([
    ['é', ['0x27', '0x27', '0x08', '0x26']], // 00e9
    ['😀', ['0x07', '0x25', '0x20', '0x07', '0x07', '0x08', '0x27', '0x27']], // d83d de00
  ])('macos: Option held over the US positions of the UTF-16 hex of %s', async (char, keys) => {
    const p = await plan('de', char, { unicodeFallback: 'macos', deadKeys: false });
    const expected = keys.flatMap((k) => [`LAlt+${k}`, 'LAlt']);
    expected.unshift('LAlt');
    expected[expected.length - 1] = '-';
    expect(describeSteps(p.steps)).toEqual(expected);
  });

  it('prefers the layout: only missing characters go through Unicode input', async () => {
    const p = await plan('us', 'a€b', { unicodeFallback: 'linux' });
    expect(p.viaUnicodeInput).toEqual([{ char: '€', index: 1 }]);
    expect(describeSteps(p.steps).slice(0, 2)).toEqual(['0x04', '-']);
    expect(describeSteps(p.steps).slice(-2)).toEqual(['0x05', '-']);
  });

  it.each([
    [0x41, 0x41],
    [0xe9, 0xe9],
    [0x20ac, 0x80],
    [0x2122, 0x99],
    [0x0178, 0x9f],
    [0x81, undefined],
    [0x2603, undefined],
  ])('Windows-1252 byte of U+%s is %s', (cp, byte) => {
    expect(windows1252Byte(cp)).toBe(byte);
  });
});
