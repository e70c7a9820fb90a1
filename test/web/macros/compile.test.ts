import { describe, expect, it } from 'vitest';
import { MAX_STEP_DELAY_MS, type BatchStep } from '../../../protocol/hid.ts';
import { parseMouseAbsReport } from '../../../protocol/reports.ts';
import { loadLayout } from '../../../web/src/lib/layouts/catalogue.ts';
import { RATE_PRESETS, type PlanOptions } from '../../../web/src/lib/layouts/planner.ts';
import { BUILTINS } from '../../../web/src/lib/macros/builtins.ts';
import {
  batchesOf,
  CLICK_HOLD_MS,
  compileSteps,
  WAIT_CHUNK_MS,
  type Compiled,
  type CompileOptions,
} from '../../../web/src/lib/macros/compile.ts';
import { MacroError } from '../../../web/src/lib/macros/errors.ts';
import type { Step } from '../../../web/src/lib/macros/model.ts';
import { describeReport } from '../layouts/helpers.ts';

const text: PlanOptions = { capsLock: false, unicodeFallback: 'skip', ...RATE_PRESETS.fast };
const opts = (o: Partial<CompileOptions> = {}): CompileOptions => ({ text, ...o });
const down = (usage: number): Step => ({ kind: 'key-down', usage });
const up = (usage: number): Step => ({ kind: 'key-up', usage });
const wait = (ms: number): Step => ({ kind: 'delay', ms });

function ok(c: Compiled | MacroError): Compiled {
  if (c instanceof MacroError) throw c;
  return c;
}
/** `keyboard:LCtrl+0x04@20` per step (`@ms` only when the step waits). */
const show = (steps: readonly BatchStep[]): string[] =>
  steps.map((s) => {
    const what =
      s.device === 'keyboard'
        ? describeReport(s.report)
        : (({ buttons, x, y }) => `mouse:${buttons}:${x},${y}`)(parseMouseAbsReport(s.report));
    return s.delayMs ? `${what}@${s.delayMs}` : what;
  });
const compile = (steps: Step[], o?: Partial<CompileOptions>) => ok(compileSteps(steps, opts(o)));

describe('compileSteps', () => {
  it.each<[string, Step[], string[]]>([
    ['a tap', [down(0x04), up(0x04)], ['0x04', '-']],
    ['a tap with a hold', [down(0x04), wait(30), up(0x04)], ['0x04@30', '-']],
    [
      'a modifier chord',
      [down(0xe0), down(0xe2), down(0x4c), up(0x4c), up(0xe2), up(0xe0)],
      ['LCtrl', 'LCtrl+LAlt', 'LCtrl+LAlt+0x4c', 'LCtrl+LAlt', 'LCtrl', '-'],
    ],
    ['keys in press order', [down(0x05), down(0x04), up(0x05), up(0x04)], ['0x05', '0x05+0x04', '0x04', '-']],
    ['a down of a held key writes nothing', [down(0x04), down(0x04), up(0x04)], ['0x04', '-']],
    ['an up of a key not held writes nothing', [up(0x04), down(0x05), up(0x05), up(0x05)], ['0x05', '-']],
    ['a modifier down twice writes once', [down(0xe1), down(0xe1), up(0xe1), up(0xe1)], ['LShift', '-']],
    ['adjacent delays add up', [down(0x04), wait(10), wait(15), up(0x04)], ['0x04@25', '-']],
    ['a delay first rewrites the all-up report', [wait(40), down(0x04), up(0x04)], ['-@40', '0x04', '-']],
    ['a delay of 0 changes nothing', [down(0x04), wait(0), up(0x04)], ['0x04', '-']],
    ['a delay last waits after the last report', [down(0x04), up(0x04), wait(70)], ['0x04', '-@70']],
    ['keys held at the end are released', [down(0xe0), down(0x06)], ['LCtrl', 'LCtrl+0x06', '-']],
    [
      'a seventh key sends ErrorRollOver',
      [0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a].map(down),
      [
        '0x04',
        '0x04+0x05',
        '0x04+0x05+0x06',
        '0x04+0x05+0x06+0x07',
        '0x04+0x05+0x06+0x07+0x08',
        '0x04+0x05+0x06+0x07+0x08+0x09',
        '0x01+0x01+0x01+0x01+0x01+0x01',
        '-',
      ],
    ],
    ['a mouse move', [{ kind: 'mouse-move', x: 100, y: 32767 }], ['mouse:0:100,32767']],
    [
      'a click where the pointer is',
      [
        { kind: 'mouse-move', x: 5, y: 6 },
        { kind: 'mouse-click', button: 'right' },
      ],
      ['mouse:0:5,6', `mouse:2:5,6@${CLICK_HOLD_MS}`, 'mouse:0:5,6'],
    ],
    [
      'a click before any move is at 0,0',
      [{ kind: 'mouse-click', button: 'left' }],
      [`mouse:1:0,0@${CLICK_HOLD_MS}`, 'mouse:0:0,0'],
    ],
    [
      'a move while a key is held keeps it held',
      [down(0xe1), { kind: 'mouse-move', x: 1, y: 2 }, up(0xe1)],
      ['LShift', 'mouse:0:1,2', '-'],
    ],
  ])('%s', (_, steps, want) => {
    expect(show(compile(steps).steps)).toEqual(want);
  });

  it('splits a long delay into waits the bridge can cancel between', () => {
    const c = compile([down(0x04), wait(2500), up(0x04)]);
    expect(show(c.steps)).toEqual(['0x04@1000', '0x04@1000', '0x04@500', '-']);
    expect(c.steps.every((s) => s.delayMs <= WAIT_CHUNK_MS && s.delayMs <= MAX_STEP_DELAY_MS)).toBe(true);
  });

  it('keeps the total wait of a one-minute delay exact', () => {
    const c = compile([wait(60_000), down(0x04), up(0x04)]);
    expect(c.steps.reduce((ms, s) => ms + s.delayMs, 0)).toBe(60_000);
    expect(c.steps).toHaveLength(62);
  });

  it('marks idle points only where nothing is held', () => {
    const c = compile([down(0xe0), down(0x04), up(0x04), up(0xe0), { kind: 'mouse-click', button: 'left' }]);
    expect(c.idle).toEqual([false, false, false, true, false, true]);
  });

  it('estimates the time as Σ delays + 1 ms per report', () => {
    expect(compile([down(0x04), wait(30), up(0x04)]).estimatedMs).toBe(32);
  });

  it('types text through the layout with the paste planner', async () => {
    const us = await loadLayout('us');
    const c = compile([{ kind: 'text', text: 'Ab' }], { layout: us });
    expect(show(c.steps)).toEqual(['LShift', 'LShift+0x04', '-', '0x05', '-']);
    const de = await loadLayout('de');
    expect(show(compile([{ kind: 'text', text: 'z' }], { layout: de }).steps)).toEqual(['0x1c', '-']);
  });

  it('lists characters the layout cannot type, by step', async () => {
    const c = compile([down(0x04), up(0x04), { kind: 'text', text: 'a☃b☃' }], { layout: await loadLayout('us') });
    expect(c.untypable).toEqual([{ step: 2, chars: ['☃'] }]);
  });

  it.each<[string, Step[], Partial<CompileOptions>, string, string]>([
    ['text without a layout', [{ kind: 'text', text: 'x' }], {}, 'no-layout', 'steps[0]'],
    ['text while a key is held', [down(0xe1), { kind: 'text', text: 'x' }], {}, 'held-during-text', 'steps[1]'],
    ['nothing to write', [], {}, 'invalid', 'steps'],
    ['only an empty text', [{ kind: 'text', text: '' }], {}, 'invalid', 'steps'],
  ])('refuses %s', (_, steps, o, code, path) => {
    const r = compileSteps(steps, opts(o));
    expect(r).toBeInstanceOf(MacroError);
    expect((r as MacroError).code).toBe(code);
    expect((r as MacroError).path).toBe(path);
  });

  it('compiles every built-in, ending with every key up', () => {
    for (const b of BUILTINS) {
      const c = compile(b.body.steps);
      expect(c.steps.length, b.id).toBeGreaterThan(0);
      expect(describeReport(c.steps[c.steps.length - 1]!.report), b.id).toBe('-');
      expect(c.idle[c.idle.length - 1], b.id).toBe(true);
    }
  });
});

describe('batchesOf', () => {
  const tap = compile([down(0xe1), down(0x04), up(0x04), up(0xe1)]); // 4 steps, idle after the 4th
  const flat = (bs: BatchStep[][]) => bs.flat().map((s) => describeReport(s.report));

  it('repeats an iteration n times', () => {
    const bs = [...batchesOf(tap, 3, 1000)];
    expect(bs).toHaveLength(1);
    expect(flat(bs)).toEqual(Array.from({ length: 3 }, () => ['LShift', 'LShift+0x04', 'LShift', '-']).flat());
  });

  it('cuts only at idle points, every batch within the limit', () => {
    const bs = [...batchesOf(tap, 5, 10)];
    expect(bs.map((b) => b.length)).toEqual([8, 8, 4]);
    for (const b of bs) expect(describeReport(b[b.length - 1]!.report)).toBe('-');
  });

  it('cuts inside an iteration where it is idle', () => {
    const two = compile([down(0x04), up(0x04), down(0x05), up(0x05)]);
    expect([...batchesOf(two, 1, 3)].map((b) => b.length)).toEqual([2, 2]);
  });

  it('loops until stopped, lazily', () => {
    const it = batchesOf(tap, 'until-stopped', 6);
    for (let i = 0; i < 1000; i++) expect(it.next().value).toHaveLength(4);
  });

  it('builds a huge count lazily', () => {
    const it = batchesOf(tap, 10_000, 50_000);
    expect(it.next().value).toHaveLength(40_000);
    expect(it.next().done).toBe(true);
  });

  it('cuts by the delays too, so no batch exceeds the time limit of the bridge', () => {
    const slow = compile([down(0x04), up(0x04), wait(3000)]); // 3 s per iteration, idle after the tap
    const it = batchesOf(slow, 'until-stopped', 50_000, 10_000);
    for (let i = 0; i < 5; i++) {
      const b = it.next().value as BatchStep[];
      expect(b.reduce((ms, s) => ms + s.delayMs, 0)).toBe(10_000); // cut between the 1 s waits
      expect(describeReport(b[b.length - 1]!.report)).toBe('-');
    }
  });

  it('refuses keys held for longer than one batch may last', () => {
    const held = compile([down(0xe1), wait(60_000), down(0x04), up(0x04), wait(60_000), up(0xe1)]);
    expect(() => batchesOf(held, 1, 50_000, 100_000).next()).toThrow(/held for more than/);
    expect(() => batchesOf(held, 1, 50_000, 120_000).next()).not.toThrow();
  });

  it('refuses an iteration that holds keys longer than one batch', () => {
    const held = compile([down(0xe1), ...Array.from({ length: 10 }, (_, i) => [down(0x04 + i), up(0x04 + i)]).flat()]);
    expect(() => batchesOf(held, 1, 8).next()).toThrow(/held for more than 8 reports/);
  });

  it('copies steps, so a consumer cannot change the compiled iteration', () => {
    const [b] = [...batchesOf(tap, 1, 100)];
    b![0]!.delayMs = 999;
    expect(tap.steps[0]!.delayMs).toBe(0);
  });
});
