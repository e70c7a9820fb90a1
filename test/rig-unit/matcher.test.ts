import { describe, expect, it } from 'vitest';
import {
  EV_ABS,
  EV_KEY,
  EV_MSC,
  EV_SYN,
  MSC_SCAN,
  SYN_DROPPED,
  SYN_REPORT,
  type InputEvent,
} from '../rig/guest/input-codes.ts';
import { EventMatcher, type ExpectedGroup } from '../rig/guest/matcher.ts';

// The kernel rig's matcher (test/rig/guest/matcher.ts), fed by hand. It lives under test/rig-unit
// because the unit project leaves test/rig/** (the QEMU rig) to the rig project.

const KEY_A = 30;
const KEY_B = 48;
const KEY_C = 46;
const KEY_D = 32;
const KEY_V = 47;

/** A key press then release, as the keyboard check expects for one usage. */
const usage = (label: string, code: number): ExpectedGroup => ({
  label,
  events: [
    { type: EV_KEY, code, value: 1 },
    { type: EV_KEY, code, value: 0 },
  ],
  ordered: true,
});
const ABCD = [usage('A', KEY_A), usage('B', KEY_B), usage('C', KEY_C), usage('D', KEY_D)];

/** What evdev delivers for one key report: MSC_SCAN, EV_KEY, SYN_REPORT. */
const key = (code: number, value: number): InputEvent[] => [
  { type: EV_MSC, code: MSC_SCAN, value: 0x70000 + code },
  { type: EV_KEY, code, value },
  { type: EV_SYN, code: SYN_REPORT, value: 0 },
];
const press = (code: number) => [...key(code, 1), ...key(code, 0)];
const dropped: InputEvent = { type: EV_SYN, code: SYN_DROPPED, value: 0 };

const match = (groups: readonly ExpectedGroup[], events: readonly InputEvent[], lookahead = 2) => {
  const m = new EventMatcher(groups, { watch: (e) => e.type === EV_KEY && e.value !== 2, lookahead });
  m.feed(events);
  return m.finish();
};

describe('rig event matcher', () => {
  it.each([
    {
      name: 'matches a clean stream and ignores MSC_SCAN, SYN_REPORT and autorepeat',
      events: [...key(KEY_A, 1), { type: EV_KEY, code: KEY_A, value: 2 }, ...key(KEY_A, 0), ...press(KEY_B)],
      groups: ABCD.slice(0, 2),
      want: { okGroups: 2, failedGroups: [], missing: [], lost: [], strays: [] },
    },
    {
      name: 'reports a stray early key press once and still matches every usage after it',
      events: [...key(KEY_V, 1), ...press(KEY_A), ...press(KEY_B), ...press(KEY_C), ...press(KEY_D)],
      groups: ABCD,
      want: { okGroups: 4, failedGroups: [], missing: [], lost: [], strays: ['key 47=1 after the start'] },
    },
    {
      name: 'reports a missing usage individually and matches the usages after it',
      events: [...press(KEY_A), ...press(KEY_C), ...press(KEY_D)],
      groups: ABCD,
      want: { okGroups: 3, failedGroups: ['B'], missing: ['B: key 48=1', 'B: key 48=0'], lost: [], strays: [] },
    },
    {
      name: 'reports a missing release without failing the next usage',
      events: [...key(KEY_A, 1), ...press(KEY_B)],
      groups: ABCD.slice(0, 2),
      want: { okGroups: 1, failedGroups: ['A'], missing: ['A: key 30=0'], lost: [], strays: [] },
    },
    {
      name: 'reports the usages still pending at the end as missing',
      events: [...press(KEY_A)],
      groups: ABCD.slice(0, 2),
      want: { okGroups: 1, failedGroups: ['B'], missing: ['B: key 48=1', 'B: key 48=0'], lost: [], strays: [] },
    },
    {
      name: 'counts what a SYN_DROPPED threw away as lost, discards the partial packet and matches the rest',
      // The kernel kept the newest event after the marker (C's press, mid-packet): discarded too.
      events: [...press(KEY_A), dropped, { type: EV_KEY, code: KEY_C, value: 1 }, ...key(KEY_C, 0).slice(2)].concat(
        press(KEY_D),
      ),
      groups: ABCD,
      want: {
        okGroups: 2,
        failedGroups: ['B', 'C'],
        missing: [],
        lost: ['B: key 48=1', 'B: key 48=0', 'C: key 46=1', 'C: key 46=0'],
        strays: [],
      },
    },
    {
      name: 'after SYN_DROPPED looks past the lookahead for the next event, however far the loss went',
      events: [dropped, { type: EV_SYN, code: SYN_REPORT, value: 0 }, ...press(KEY_D)],
      groups: ABCD,
      lookahead: 0,
      want: {
        okGroups: 1,
        failedGroups: ['A', 'B', 'C'],
        missing: [],
        lost: ['A: key 30=1', 'A: key 30=0', 'B: key 48=1', 'B: key 48=0', 'C: key 46=1', 'C: key 46=0'],
        strays: [],
      },
    },
    {
      name: 'counts the events after a SYN_DROPPED at the end as lost, not missing',
      events: [...press(KEY_A), dropped],
      groups: ABCD.slice(0, 2),
      want: { okGroups: 1, failedGroups: ['B'], missing: [], lost: ['B: key 48=1', 'B: key 48=0'], strays: [] },
    },
    {
      name: 'treats an event beyond the lookahead as a stray instead of skipping to it',
      events: [...press(KEY_D), ...press(KEY_A), ...press(KEY_B), ...press(KEY_C)],
      groups: ABCD,
      lookahead: 1,
      want: {
        okGroups: 3,
        failedGroups: ['D'],
        missing: ['D: key 32=1', 'D: key 32=0'],
        lost: [],
        strays: ['key 32=1 after the start', 'key 32=0 after the start'],
      },
    },
  ])('$name', ({ events, groups, lookahead, want }) => {
    expect(match(groups, events, lookahead)).toMatchObject(want);
  });

  it('pins a loss among usages that share a key code on the right usage when MSC_SCAN is matched too', () => {
    const KEY_UNKNOWN = 240;
    const scanned = (u: number): ExpectedGroup => {
      const scan = { type: EV_MSC, code: MSC_SCAN, value: 0x70000 + u };
      return {
        label: `usage 0x${u.toString(16)}`,
        events: [
          scan,
          { type: EV_KEY, code: KEY_UNKNOWN, value: 1 },
          scan,
          { type: EV_KEY, code: KEY_UNKNOWN, value: 0 },
        ],
        ordered: true,
      };
    };
    const sent = (u: number): InputEvent[] =>
      [1, 0].flatMap((value) => [
        { type: EV_MSC, code: MSC_SCAN, value: 0x70000 + u },
        { type: EV_KEY, code: KEY_UNKNOWN, value },
        { type: EV_SYN, code: SYN_REPORT, value: 0 },
      ]);
    const m = new EventMatcher([0xa5, 0xa6, 0xa7].map(scanned), {
      watch: (e) => e.type === EV_KEY || (e.type === EV_MSC && e.code === MSC_SCAN),
      lookahead: 3,
    });
    m.feed([dropped, { type: EV_SYN, code: SYN_REPORT, value: 0 }, ...sent(0xa7)]);
    expect(m.finish()).toMatchObject({ okGroups: 1, failedGroups: ['usage 0xa5', 'usage 0xa6'], missing: [] });
  });

  it.each([
    { name: 'accepts an optional event that came', moves: [2, 3, 4], absent: [] },
    { name: 'accepts an optional event that did not come', moves: [3, 4], absent: ['maybe 2: rel 0=2'] },
  ])('$name, and still requires the rest', ({ moves, absent }) => {
    const rel = (value: number) => ({ type: 2, code: 0, value });
    const m = new EventMatcher(
      [
        { label: 'maybe 2', events: [rel(2)], ordered: true, optional: true },
        { label: 'held', events: [rel(3), rel(4)], ordered: true },
      ],
      { watch: (e) => e.type === 2, lookahead: 1 },
    );
    m.feed(moves.map(rel));
    expect(m.finish()).toMatchObject({ okGroups: 2, failedGroups: [], missing: [], strays: [], absent });
  });

  it('counts each SYN_DROPPED and the events it discarded', () => {
    const r = match(ABCD.slice(0, 2), [dropped, ...key(KEY_A, 1), dropped, ...key(KEY_A, 0), ...press(KEY_B)]);
    expect(r).toMatchObject({ synDropped: 2, discarded: 4, okGroups: 1, lost: ['A: key 30=1', 'A: key 30=0'] });
  });

  it('matches the events of an unordered group in any order, still in group order', () => {
    const axes = (label: string, x: number, y: number): ExpectedGroup => ({
      label,
      events: [
        { type: EV_ABS, code: 0, value: x },
        { type: EV_ABS, code: 1, value: y },
      ],
      ordered: false,
    });
    const m = new EventMatcher([axes('first', 10, 20), axes('second', 30, 40)], {
      watch: (e) => e.type === EV_ABS,
      lookahead: 1,
    });
    m.feed([
      { type: EV_ABS, code: 1, value: 20 },
      { type: EV_ABS, code: 0, value: 10 },
    ]);
    expect(m.resolvedGroups).toBe(1);
    m.feed([
      { type: EV_ABS, code: 0, value: 30 },
      { type: EV_ABS, code: 1, value: 40 },
    ]);
    expect(m.complete).toBe(true);
    expect(m.finish()).toMatchObject({ okGroups: 2, missing: [], strays: [] });
  });

  it('reports how many groups are resolved as events arrive, for a sliding window', () => {
    const m = new EventMatcher(ABCD, { watch: (e) => e.type === EV_KEY, lookahead: 2 });
    expect(m.resolvedGroups).toBe(0);
    m.feed(press(KEY_A));
    expect(m.resolvedGroups).toBe(1);
    m.feed(press(KEY_C)); // B is now missing: resolved too
    expect(m.resolvedGroups).toBe(3);
    expect(m.complete).toBe(false);
  });
});
