import { afterEach, describe, expect, it } from 'vitest';
import { Counters } from '../../../bridge/src/counters.ts';
import type { HidFs } from '../../../bridge/src/hid/device.ts';
import { HidRelay } from '../../../bridge/src/hid/relay.ts';
import { keyboardReport } from '../../../protocol/index.ts';

function makeRelay(opts: { eagain?: boolean; maxQueue?: number } = {}) {
  const writes: number[][] = [];
  const fs: HidFs = {
    openSync: (p) => (p === '/kbd' ? 10 : 11),
    writeSync: (fd, b) => {
      if (opts.eagain) throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
      if (fd === 10) writes.push([...b]);
      return b.length;
    },
    readSync: () => {
      throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    },
    closeSync: () => undefined,
  };
  const counters = new Counters();
  const relay = new HidRelay({
    paths: { keyboard: '/kbd', mouse: '/m', mouseRel: '/r' },
    counters,
    log: () => undefined,
    onStatus: () => undefined,
    onLeds: () => undefined,
    fs,
    ...(opts.maxQueue !== undefined && { maxQueue: opts.maxQueue }),
  });
  relays.push(relay);
  return { relay, writes, counters };
}
const relays: HidRelay[] = [];
afterEach(() => {
  for (const r of relays.splice(0)) r.close();
});
const key = (k: number) => keyboardReport({ modifiers: 0, keys: k ? [k] : [] });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('HidRelay', () => {
  it('releases at once when a batch is cancelled, and never again after the next controller types', async () => {
    const { relay, writes } = makeRelay();
    const ends: string[] = [];
    relay.startBatch(
      1,
      { type: 'batch', id: 1, steps: [{ device: 'keyboard', report: key(4), delayMs: 10_000 }] },
      (m) => {
        if (m.type === 'batch-end') ends.push(m.outcome);
      },
    );
    await tick();
    relay.cancelAny('control handed over');
    expect(writes.at(-1)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(relay.report('keyboard', key(5))).toBeUndefined(); // the next controller's first key
    await tick();
    expect(writes.at(-1)).toEqual([0, 0, 5, 0, 0, 0, 0, 0]);
    expect(ends).toEqual(['cancelled']);
  });

  it('knows what is held', () => {
    const { relay } = makeRelay();
    expect(relay.holding()).toBe(false);
    relay.report('keyboard', keyboardReport({ modifiers: 0x02, keys: [] }));
    expect(relay.holding()).toBe(true);
    relay.report('keyboard', key(0));
    expect(relay.holding()).toBe(false);
    relay.report('mouse-rel', Uint8Array.from([1, 0, 0, 0]));
    expect(relay.holding()).toBe(true);
    relay.releaseAll();
    expect(relay.holding()).toBe(false);
  });

  it('refuses with busy when the queue is full, keeps every queued report and still queues releases', () => {
    const { relay, counters } = makeRelay({ eagain: true, maxQueue: 3 });
    const results = [4, 5, 6, 7, 8].map((k) => relay.report('keyboard', key(k))?.code);
    expect(results).toEqual([undefined, undefined, undefined, 'busy', 'busy']);
    relay.releaseAll();
    expect(counters.get('hid.keyboard.dropped_overflow')).toBe(0);
    expect(counters.get('hid.keyboard.refused_full')).toBe(2);
  });
});
