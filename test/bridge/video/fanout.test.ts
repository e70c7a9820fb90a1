import { describe, expect, it } from 'vitest';
import { Counters } from '../../../bridge/src/counters.ts';
import { FrameFanout, type FrameSink, type SourceFrame } from '../../../bridge/src/fanout.ts';
import { ViewerMeter, percentile } from '../../../bridge/src/video/meter.ts';
import { StampedFrame } from '../../../bridge/src/video/stamp.ts';
import { decode, encode, type Frame } from '../../../protocol/index.ts';

const frameOf = (bytes: Uint8Array): Frame => {
  const r = decode(bytes, 1 << 24);
  if (!r.ok || r.message.type !== 'frame') throw new Error(`not a frame: ${r.ok ? r.message.type : r.error.message}`);
  return r.message;
};

const source = (seq: number, over: Partial<SourceFrame> = {}): SourceFrame => ({
  seq,
  timestamp: performance.timeOrigin + performance.now() - 30,
  jpeg: new Uint8Array(100).fill(seq & 0xff),
  captureSource: 1,
  grabMs: 5,
  encodeMs: 12.5,
  receivedAt: performance.timeOrigin + performance.now() - 2,
  ...over,
});

/** A sink that decodes what it is sent; `backlog` and `result` are set by the test. */
function sink() {
  const got: Frame[] = [];
  const s = { backlog: 0, result: 1, got };
  const fs: FrameSink = {
    send: (m) => (got.push(frameOf(Uint8Array.from(m))), s.result),
    getBufferedAmount: () => s.backlog,
  };
  return { ...s, state: s, fs };
}

function setup() {
  const counters = new Counters();
  const fanout = new FrameFanout(counters);
  const add = (id: number, user: string, transport: 'main' | 'video' = 'main') => {
    const k = sink();
    const v = fanout.makeViewer();
    v.attach(k.fs);
    v.identify(id, user, transport);
    fanout.add(v);
    return { ...k, v };
  };
  return { counters, fanout, add };
}

describe('StampedFrame', () => {
  it.each([0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1])(
    'gives the same bytes as encode() for skipped %d, the stamp rewritten in place',
    (skipped) => {
      const f = { type: 'frame' as const, ...source(7) };
      const stamped = new StampedFrame(f);
      const sentAt = 1_764_597_600_123.375;
      expect(Buffer.from(stamped.stamp(sentAt, skipped))).toEqual(Buffer.from(encode({ ...f, sentAt, skipped })));
    },
  );

  it('can be stamped again for the next viewer', () => {
    const stamped = new StampedFrame({ type: 'frame', ...source(1) });
    const a = frameOf(Uint8Array.from(stamped.stamp(1_700_000_000_001, 300)));
    const b = frameOf(Uint8Array.from(stamped.stamp(1_700_000_000_002.5, 0)));
    expect([a.sentAt, a.skipped, b.sentAt, b.skipped]).toEqual([1_700_000_000_001, 300, 1_700_000_000_002.5, 0]);
  });
});

describe('video fan-out per viewer', () => {
  it('carries the source timing and stamps each viewer its own sentAt', () => {
    const { fanout, add } = setup();
    const a = add(1, 'ann');
    const b = add(2, 'bob');
    const f = source(1);
    fanout.publish(f);
    for (const k of [a, b]) {
      expect(k.got[0]).toMatchObject({ ...f, jpeg: f.jpeg, skipped: 0 });
      expect(k.got[0]!.sentAt).toBeGreaterThanOrEqual(f.receivedAt);
    }
    expect(b.got[0]!.sentAt).toBeGreaterThanOrEqual(a.got[0]!.sentAt);
  });

  it('counts a frame replaced while pending as skipped, and the next frame sent says how many', () => {
    const { counters, fanout, add } = setup();
    const fast = add(1, 'ann');
    const slow = add(2, 'bob');
    fanout.publish(source(1));
    slow.state.backlog = 100_000;
    for (let seq = 2; seq <= 6; seq++) fanout.publish(source(seq));
    slow.state.backlog = 0;
    slow.v.drained();
    expect(slow.got.map((f) => [f.seq, f.skipped])).toEqual([
      [1, 0],
      [6, 4], // 2..5 were replaced while waiting
    ]);
    expect(fast.got.map((f) => f.skipped)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(counters.get('video.skipped_backpressure')).toBe(4);
    expect(slow.v.stats()).toMatchObject({ framesSent: 2, framesSkipped: 4, framesDropped: 0 });
    expect(fast.v.stats()).toMatchObject({ framesSent: 6, framesSkipped: 0 });
  });

  it('counts the pending frame as skipped when the backlog cleared without a drain event', () => {
    const { counters, fanout, add } = setup();
    const v = add(1, 'ann');
    v.state.backlog = 1;
    fanout.publish(source(1)); // waits
    v.state.backlog = 0;
    fanout.publish(source(2)); // goes out; 1 never will
    expect(v.got.map((f) => [f.seq, f.skipped])).toEqual([[2, 1]]);
    expect(counters.get('video.skipped_backpressure')).toBe(1);
  });

  it('counts a frame the socket dropped (over maxBackpressure) and reports it in the next skipped', () => {
    const { counters, fanout, add } = setup();
    const v = add(1, 'ann');
    v.state.result = 2; // uWS DROPPED
    fanout.publish(source(1));
    v.state.result = 1;
    fanout.publish(source(2));
    expect(v.got.map((f) => [f.seq, f.skipped])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(counters.get('video.send_dropped')).toBe(1);
    expect(v.v.stats()).toMatchObject({ framesSent: 1, framesDropped: 1 });
  });

  it('gives id, user, transport, frames, bytes, bandwidth and relay percentiles per viewer', () => {
    const { counters, fanout, add } = setup();
    add(3, 'ann', 'main');
    add(4, 'bob', 'video');
    for (let seq = 1; seq <= 10; seq++) fanout.publish(source(seq));
    const stats = fanout.stats();
    expect(stats.map((s) => [s.id, s.user, s.transport, s.framesSent, s.framesSkipped])).toEqual([
      [3, 'ann', 'main', 10, 0],
      [4, 'bob', 'video', 10, 0],
    ]);
    const one = encode({ type: 'frame', ...source(1), sentAt: 1_700_000_000_000.5, skipped: 0 }).byteLength;
    expect(stats[0]!.bytesSent).toBe(10 * one);
    expect(counters.get('video.bytes_sent')).toBe(20 * one);
    expect(stats[0]!.bandwidthBps).toBeGreaterThan(0);
    // receivedAt was 2 ms before publish.
    expect(stats[0]!.relayMs.p50).toBeGreaterThanOrEqual(2);
    expect(stats[0]!.relayMs.p99).toBeGreaterThanOrEqual(stats[0]!.relayMs.p50);
    expect(stats[0]!.relayMs.p99).toBeLessThan(1_000);
  });

  it('forgets a viewer that left', () => {
    const { fanout, add } = setup();
    const a = add(1, 'ann');
    add(2, 'bob');
    fanout.remove(a.v);
    fanout.publish(source(1));
    expect(a.got).toEqual([]);
    expect(fanout.stats().map((s) => s.user)).toEqual(['bob']);
  });
});

describe('ViewerMeter', () => {
  it('gives bytes/s over the last 5 s, and divides a young viewer by its age', () => {
    const m = new ViewerMeter();
    const t0 = 1_000_000;
    for (let i = 0; i < 100; i++) m.sent(t0 + i * 50, 1000, 1); // 20 sends/s for 5 s: 20 000 B/s
    expect(m.bandwidthBps(t0 + 4_999)).toBeGreaterThan(19_000);
    expect(m.bandwidthBps(t0 + 4_999)).toBeLessThan(21_000);
    expect(m.bandwidthBps(t0 + 20_000)).toBe(0); // nothing sent in the last 5 s
    const young = new ViewerMeter();
    young.sent(t0, 1000, 1);
    young.sent(t0 + 500, 1000, 1);
    expect(young.bandwidthBps(t0 + 1000)).toBe(2000);
    expect(new ViewerMeter().bandwidthBps(t0)).toBe(0);
  });

  it('gives relay p50/p99 over the last 512 sends', () => {
    const m = new ViewerMeter();
    for (let i = 1; i <= 100; i++) m.sent(i, 1, i);
    expect(m.relay()).toEqual({ p50: 50, p99: 99 });
    for (let i = 0; i < 512; i++) m.sent(1000 + i, 1, 7);
    expect(m.relay()).toEqual({ p50: 7, p99: 7 }); // the old samples rolled out
    expect(new ViewerMeter().relay()).toEqual({ p50: 0, p99: 0 });
    expect(percentile([], 0.5)).toBe(0);
  });
});
