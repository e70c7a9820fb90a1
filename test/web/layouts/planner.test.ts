import { describe, expect, it } from 'vitest';
import { CATALOGUE, loadLayout } from '../../../web/src/lib/layouts/catalogue.ts';
import { repertoire } from '../../../web/src/lib/layouts/keystrokes.ts';
import {
  charsOf,
  chunkSteps,
  findUntypable,
  planText,
  RATE_PRESETS,
  type PlanOptions,
} from '../../../web/src/lib/layouts/planner.ts';
import { describeSteps, typeOnModel } from './helpers.ts';

const opts = (o: Partial<PlanOptions> = {}): PlanOptions => ({
  capsLock: false,
  unicodeFallback: 'skip',
  ...RATE_PRESETS.fast,
  ...o,
});
const plan = async (name: string, text: string, o: Partial<PlanOptions> = {}) =>
  planText(text, await loadLayout(name), opts(o));

describe('planText', () => {
  it.each([
    ['us', 'a', ['0x04', '-']],
    ['us', 'A', ['LShift', 'LShift+0x04', '-']],
    ['us', 'AB', ['LShift', 'LShift+0x04', 'LShift', 'LShift+0x05', '-']],
    ['us', 'Ab', ['LShift', 'LShift+0x04', '-', '0x05', '-']],
    ['us', 'aa', ['0x04', '-', '0x04', '-']],
    ['us', '!', ['LShift', 'LShift+0x1e', '-']],
    ['de', 'y', ['0x1d', '-']],
    ['de', 'z', ['0x1c', '-']],
    ['de', '@', ['RAlt', 'RAlt+0x14', '-']],
    ['de', '€', ['RAlt', 'RAlt+0x08', '-']],
    ['de', '|', ['RAlt', 'RAlt+0x64', '-']],
    ['de', '@€', ['RAlt', 'RAlt+0x14', 'RAlt', 'RAlt+0x08', '-']],
    ['de', 'é', ['0x2e', '-', '0x08', '-']],
    ['de', 'É', ['0x2e', '-', 'LShift', 'LShift+0x08', '-']],
    ['de', '^', ['0x35', '-', '0x2c', '-']],
    ['fr', 'ê', ['0x2f', '-', '0x08', '-']],
    ['fr', 'a', ['0x14', '-']],
    ['fr', '1', ['LShift', 'LShift+0x1e', '-']],
    ['fr', 'ë', ['LShift', 'LShift+0x2f', '-', '0x08', '-']],
  ])('%s: %j → %j', async (layout, text, reports) => {
    expect(describeSteps((await plan(layout, text)).steps)).toEqual(reports);
  });

  it('presses AltGr before Shift for a Shift+AltGr character (de Ω = Shift+AltGr+Q)', async () => {
    expect(describeSteps((await plan('de', 'Ω')).steps)).toEqual(['RAlt', 'LShift+RAlt', 'LShift+RAlt+0x14', '-']);
    // Coming from a Shift character, Shift is let go before AltGr goes down.
    expect(describeSteps((await plan('de', 'AΩ')).steps)).toEqual([
      'LShift',
      'LShift+0x04',
      '-',
      'RAlt',
      'LShift+RAlt',
      'LShift+RAlt+0x14',
      '-',
    ]);
  });

  it.each([
    ['\n', ['0x28', '-']],
    ['\r\n', ['0x28', '-']],
    ['\r', ['0x28', '-']],
    ['a\r\nb', ['0x04', '-', '0x28', '-', '0x05', '-']],
    ['\t', ['0x2b', '-']],
  ])('types %j as Enter/Tab', async (text, reports) => {
    expect(describeSteps((await plan('us', text)).steps)).toEqual(reports);
  });

  it.each([
    // Caps Lock on: alphabetic keys swap, digits and punctuation do not.
    ['us', 'a', ['LShift', 'LShift+0x04', '-']],
    ['us', 'A', ['0x04', '-']],
    ['us', '1!', ['0x1e', '-', 'LShift', 'LShift+0x1e', '-']],
    ['us', ';:', ['0x33', '-', 'LShift', 'LShift+0x33', '-']],
    // de ä/Ä (FOUR_LEVEL_SEMIALPHABETIC), ß (FOUR_LEVEL_PLUS_LOCK: Caps Lock gives ẞ).
    ['de', 'äÄ', ['LShift', 'LShift+0x34', '-', '0x34', '-']],
    ['de', '?', ['LShift', 'LShift+0x2d', '-']],
  ])('Caps Lock on, %s: %j → %j', async (layout, text, reports) => {
    expect(describeSteps((await plan(layout, text, { capsLock: true })).steps)).toEqual(reports);
  });

  it('knows what Caps Lock does to ß on de (level 5 ẞ) and lists ß as untypable then', async () => {
    const p = await plan('de', 'ẞß', { capsLock: true });
    expect(describeSteps(p.steps)).toEqual(['0x2d', '-']);
    expect(p.untypable).toEqual([{ char: 'ß', index: 1 }]);
  });

  it.each([
    ['us', '€', [{ char: '€', index: 0 }]],
    [
      'us',
      'Grüße',
      [
        { char: 'ü', index: 2 },
        { char: 'ß', index: 3 },
      ],
    ],
    ['de', 'a😀b', [{ char: '😀', index: 1 }]],
    [
      'ru',
      'hi',
      [
        { char: 'h', index: 0 },
        { char: 'i', index: 1 },
      ],
    ],
    ['us', 'a\u0007b', [{ char: '\u0007', index: 1 }]],
  ])('%s: lists what it cannot type in %j', async (layout, text, expected) => {
    const p = await plan(layout, text);
    expect(p.untypable).toEqual(expected);
    expect(findUntypable(text, await loadLayout(layout), opts())).toEqual(expected);
  });

  it('types dead-key characters only as pairs, and not at all with dead keys off', async () => {
    const on = await plan('de', 'é');
    const off = await plan('de', 'é', { deadKeys: false });
    expect(on.untypable).toEqual([]);
    expect(off.untypable).toEqual([{ char: 'é', index: 0 }]);
  });

  it('never leaves a modifier or key down: the last step is all zero', async () => {
    for (const text of ['A', 'Ω', '@', 'é', 'x€', '\n']) {
      const steps = (await plan('de', text)).steps;
      expect([...steps.at(-1)!.report]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    }
    expect((await plan('us', '')).steps).toEqual([]);
  });

  it('applies the delays and estimates the time (1 ms per report on the wire)', async () => {
    const p = await plan('us', 'ab', { reportDelayMs: 20, charDelayMs: 5 });
    expect(p.steps.map((s) => s.delayMs)).toEqual([20, 25, 20, 25]);
    expect(p.estimatedMs).toBe(20 + 25 + 20 + 25 + 4);
    expect((await plan('us', 'ab', RATE_PRESETS.safe)).steps.every((s) => s.delayMs >= 20)).toBe(true);
  });

  it('counts CRLF once in charsOf and keeps UTF-16 indexes', () => {
    expect([...charsOf('a\r\n😀b')]).toEqual([
      { char: 'a', index: 0 },
      { char: '\n', index: 1 },
      { char: '😀', index: 3 },
      { char: 'b', index: 5 },
    ]);
  });
});

describe('every layout types its whole repertoire on a model target', () => {
  it.each(CATALOGUE.map((e) => [e.name]))('%s', async (name) => {
    const layout = await loadLayout(name);
    for (const capsLock of [false, true]) {
      const text = repertoire(layout, { capsLock }).join('');
      const p = planText(text, layout, opts({ capsLock }));
      expect(p.untypable).toEqual([]);
      const typed = typeOnModel(p.steps, layout, { capsLock });
      expect(typed.violations).toEqual([]);
      expect(typed.text).toBe(text);
      expect([...p.steps.at(-1)!.report]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    }
  });
});

describe('chunkSteps', () => {
  it('cuts only after all-up reports and keeps every step', async () => {
    const p = await plan('de', 'Hello, Wörld! @€ é'.repeat(20));
    const chunks = chunkSteps(p.steps, 7);
    expect(chunks.flat()).toEqual(p.steps);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(7);
      expect([...c.at(-1)!.report].every((b) => b === 0)).toBe(true);
    }
  });

  it('refuses a limit too small to reach a key-up point', async () => {
    const steps = (await plan('de', 'Ω')).steps;
    expect(() => chunkSteps(steps, 2)).toThrow(RangeError);
  });
});
