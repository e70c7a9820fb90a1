import { describe, expect, it } from 'vitest';
import { DEFAULT_TIDY, makeRecorder, tidyDelays } from '../../../web/src/lib/macros/record.ts';
import type { Step } from '../../../web/src/lib/macros/model.ts';

const down = (usage: number): Step => ({ kind: 'key-down', usage });
const up = (usage: number): Step => ({ kind: 'key-up', usage });
const wait = (ms: number): Step => ({ kind: 'delay', ms });

describe('makeRecorder', () => {
  it('keeps the real time between keys, rounded to ms, and nothing before the first key', () => {
    const r = makeRecorder();
    r.down('ShiftLeft', 1000.2);
    r.down('KeyA', 1120.6);
    r.up('KeyA', 1180.4);
    r.up('ShiftLeft', 1180.9);
    expect(r.finish()).toEqual([down(0xe1), wait(120), down(0x04), wait(60), up(0x04), wait(1), up(0xe1)]);
  });

  it.each([
    ['auto-repeat keydowns', (r: ReturnType<typeof makeRecorder>) => r.down('KeyA', 50, true)],
    ['a second down of a held key', (r: ReturnType<typeof makeRecorder>) => r.down('KeyA', 50)],
    ['keys with no HID usage', (r: ReturnType<typeof makeRecorder>) => r.down('MediaPlayPause', 50)],
    ['an up of a key pressed before recording', (r: ReturnType<typeof makeRecorder>) => r.up('KeyB', 50)],
  ])('drops %s', (_, act) => {
    const r = makeRecorder();
    r.down('KeyA', 0);
    expect(act(r)).toBe('ignored');
    r.up('KeyA', 100);
    expect(r.finish()).toEqual([down(0x04), wait(100), up(0x04)]);
  });

  it('never records the stop key', () => {
    const r = makeRecorder();
    r.down('KeyA', 0);
    r.up('KeyA', 10);
    expect(r.down('Pause', 500)).toBe('stop');
    expect(r.stopped).toBe(true);
    expect(r.up('Pause', 600)).toBe('ignored');
    expect(r.finish()).toEqual([down(0x04), wait(10), up(0x04)]);
  });

  it('never records any key of a stop chord, whichever goes down last', () => {
    const r = makeRecorder({ stopChord: [0xe0, 0xe2, 0x13] }); // Ctrl+Alt+P
    r.down('KeyX', 0);
    r.up('KeyX', 5);
    r.down('AltLeft', 100);
    r.down('ControlLeft', 150);
    expect(r.down('KeyP', 200)).toBe('stop');
    expect(r.finish()).toEqual([down(0x1b), wait(5), up(0x1b)]);
  });

  it('releases at the end the keys still held at the stop', () => {
    const r = makeRecorder();
    r.down('ShiftLeft', 0);
    r.down('Pause', 20);
    expect(r.finish()).toEqual([down(0xe1), up(0xe1)]);
  });

  it('stops recording with no stop chord only on finish', () => {
    const r = makeRecorder({ stopChord: [] });
    expect(r.down('Pause', 0)).toBe('recorded');
    expect(r.finish()).toEqual([down(0x48), up(0x48)]);
  });
});

describe('tidyDelays', () => {
  it.each<[string, Step[], Partial<typeof DEFAULT_TIDY>, Step[]]>([
    ['rounds to the quantum', [down(4), wait(123), up(4)], { quantumMs: 10 }, [down(4), wait(120), up(4)]],
    ['drops delays that round to 0', [down(4), wait(4), up(4)], { quantumMs: 10 }, [down(4), up(4)]],
    ['drops delays under the minimum', [down(4), wait(30), up(4)], { minMs: 50 }, [down(4), up(4)]],
    ['caps delays', [down(4), wait(20_000), up(4)], { maxMs: 2000 }, [down(4), wait(2000), up(4)]],
    ['never over 60 s', [down(4), wait(90_000), up(4)], { maxMs: 1e9 }, [down(4), wait(60_000), up(4)]],
    ['merges adjacent delays', [down(4), wait(6), wait(6), up(4)], { quantumMs: 10 }, [down(4), wait(10), up(4)]],
    ['trims the edges', [wait(500), down(4), up(4), wait(500)], { trimEdges: true }, [down(4), up(4)]],
    ['keeps the edges', [wait(500), down(4), up(4)], { trimEdges: false }, [wait(500), down(4), up(4)]],
    ['keeps whole ms with quantum 0', [down(4), wait(7), up(4)], { quantumMs: 0 }, [down(4), wait(7), up(4)]],
  ])('%s', (_, steps, o, want) => {
    expect(tidyDelays(steps, { ...DEFAULT_TIDY, ...o })).toEqual(want);
  });

  it('leaves its input alone', () => {
    const steps = [down(4), wait(123), up(4)];
    tidyDelays(steps, DEFAULT_TIDY);
    expect(steps).toEqual([down(4), wait(123), up(4)]);
  });
});
