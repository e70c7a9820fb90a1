import { describe, expect, it } from 'vitest';
import {
  deleteStep,
  describeStep,
  duplicateMacro,
  duplicateStep,
  insertStep,
  moveStep,
  replaceStep,
  setDelay,
} from '../../../web/src/lib/macros/edit.ts';
import type { Step } from '../../../web/src/lib/macros/model.ts';

const s = (ms: number): Step => ({ kind: 'delay', ms });
const ms = (steps: Step[]) => steps.map((x) => (x.kind === 'delay' ? x.ms : x.kind));
const base = [s(0), s(1), s(2), s(3)];

describe('step editor operations', () => {
  it.each<[string, (st: Step[]) => Step[], (number | string)[]]>([
    ['move down', (st) => moveStep(st, 0, 2), [1, 2, 0, 3]],
    ['move up', (st) => moveStep(st, 3, 0), [3, 0, 1, 2]],
    ['move past the end clamps', (st) => moveStep(st, 1, 99), [0, 2, 3, 1]],
    ['move a missing step', (st) => moveStep(st, 7, 0), [0, 1, 2, 3]],
    ['delete', (st) => deleteStep(st, 1), [0, 2, 3]],
    ['delete a missing step', (st) => deleteStep(st, -1), [0, 1, 2, 3]],
    ['insert', (st) => insertStep(st, 1, { kind: 'key-down', usage: 4 }), [0, 'key-down', 1, 2, 3]],
    ['insert past the end appends', (st) => insertStep(st, 50, s(9)), [0, 1, 2, 3, 9]],
    ['duplicate', (st) => duplicateStep(st, 2), [0, 1, 2, 2, 3]],
    ['set a delay', (st) => setDelay(st, 1, 250.4), [0, 250, 2, 3]],
    ['set a delay clamps to 0..60000', (st) => setDelay(setDelay(st, 0, -5), 1, 1e9), [0, 60_000, 2, 3]],
    ['set a delay ignores NaN', (st) => setDelay(st, 0, Number.NaN), [0, 1, 2, 3]],
    ['replace', (st) => replaceStep(st, 0, { kind: 'text', text: 'x' }), ['text', 1, 2, 3]],
  ])('%s', (_, op, want) => {
    const input = base.map((x) => ({ ...x }));
    expect(ms(op(input))).toEqual(want);
    expect(input).toEqual(base);
  });

  it('sets only delay steps', () => {
    const st: Step[] = [{ kind: 'key-down', usage: 4 }];
    expect(setDelay(st, 0, 5)).toEqual(st);
  });

  it('duplicates a macro under a free name, deeply', () => {
    const m = { name: 'M', tags: ['t'], repeat: 3, steps: [s(5)] };
    const d = duplicateMacro(m, new Set(['M', 'M (copy)']));
    expect(d).toEqual({ ...m, name: 'M (copy) (2)' });
    d.steps.push(s(1));
    expect(m.steps).toHaveLength(1);
  });

  it.each<[Step, string]>([
    [{ kind: 'key-down', usage: 0x04 }, '↓ A'],
    [{ kind: 'key-up', usage: 0xe0 }, '↑ ControlLeft'],
    [{ kind: 'key-down', usage: 0x1e }, '↓ 1'],
    [{ kind: 'delay', ms: 20 }, 'wait 20 ms'],
    [{ kind: 'text', text: 'hi' }, 'type "hi"'],
    [{ kind: 'mouse-move', x: 1, y: 2 }, 'move to 1, 2'],
    [{ kind: 'mouse-click', button: 'left' }, 'click left'],
  ])('labels %j as %s', (step, label) => {
    expect(describeStep(step)).toBe(label);
  });
});
