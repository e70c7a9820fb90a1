import { describe, expect, it } from 'vitest';
import { Modifier } from '../../../protocol/reports.ts';
import { loadLayout } from '../../../web/src/lib/layouts/catalogue.ts';
import { planText, RATE_PRESETS } from '../../../web/src/lib/layouts/planner.ts';
import { chordOf, NO_CHORD, sequenceToSteps, type Unit } from '../../../web/src/lib/layouts/sequence.ts';
import { describeSteps } from './helpers.ts';

const timing = { reportDelayMs: 0, charDelayMs: 0 };
const S = chordOf(Modifier.LeftShift);
const G = chordOf(0, [0xe6]);
const SG = chordOf(Modifier.LeftShift, [0xe6]);

describe('sequenceToSteps', () => {
  it('turns modifier usages into bits and other held keys into slots', () => {
    expect(chordOf(Modifier.LeftCtrl, [0xe6, 0x39, 0x39])).toEqual({ modifiers: 0x41, held: [0x39] });
  });

  it.each([
    ['one plain key', [{ strokes: [{ chord: NO_CHORD, usage: 0x04 }] }], ['0x04', '-']],
    [
      'Shift, then AltGr+Shift: Shift goes up first',
      [{ strokes: [{ chord: S, usage: 0x04 }] }, { strokes: [{ chord: SG, usage: 0x14 }] }],
      ['LShift', 'LShift+0x04', '-', 'RAlt', 'LShift+RAlt', 'LShift+RAlt+0x14', '-'],
    ],
    [
      'AltGr+Shift, then AltGr: Shift alone goes up',
      [{ strokes: [{ chord: SG, usage: 0x14 }] }, { strokes: [{ chord: G, usage: 0x14 }] }],
      ['RAlt', 'LShift+RAlt', 'LShift+RAlt+0x14', '-', 'RAlt', 'RAlt+0x14', '-'],
    ],
    [
      'a unit asking for release lets go between equal chords',
      [{ strokes: [{ chord: G, usage: 0x62 }], releaseAfter: true }, { strokes: [{ chord: G, usage: 0x62 }] }],
      ['RAlt', 'RAlt+0x62', '-', 'RAlt', 'RAlt+0x62', '-'],
    ],
  ] as [string, Unit[], string[]][])('%s', (_, units, reports) => {
    expect(describeSteps(sequenceToSteps(units, timing))).toEqual(reports);
  });

  it('holds a non-modifier level-3 key in a slot before the key (as Neo-style layouts put level 3 on Caps Lock)', async () => {
    // No shipped layout has one now (de(neo) is left out, see web/tools/layout-list.ts), so take
    // de and move its level-3 key to Caps Lock (usage 0x39).
    const de = await loadLayout('de');
    const capsLevel3 = { ...de, level3: 0x39 };
    const steps = planText('@', capsLevel3, { capsLock: false, unicodeFallback: 'skip', ...RATE_PRESETS.fast }).steps;
    expect(describeSteps(steps)).toEqual(['0x39', '0x39+0x14', '-']);
  });

  it('clamps delays to the protocol range', () => {
    const steps = sequenceToSteps([{ strokes: [{ chord: NO_CHORD, usage: 0x04 }] }], {
      reportDelayMs: 9000,
      charDelayMs: 9000,
    });
    expect(steps.map((s) => s.delayMs)).toEqual([9000, 10_000]);
  });
});
