import { describe, expect, it } from 'vitest';
import {
  frameTiming,
  percentiles,
  Ring,
  sameBytes,
  stageDurations,
  STAGES,
  toBridgeClock,
  type PageStamps,
  type WireTiming,
} from '../../../web/src/video/timing.ts';

// A bridge clock 2 000 ms ahead of the page's; the frame's page stamps are on the page clock.
const OFFSET = 2000;
const wire: WireTiming = {
  seq: 7,
  timestamp: 1_000_000, // capture, bridge clock
  receivedAt: 1_000_030,
  sentAt: 1_000_032,
  captureSource: 1,
  grabMs: 4,
  encodeMs: 11,
  skipped: 2,
};
const page: PageStamps = {
  receivedAt: 1_000_040 - OFFSET,
  decodeStartAt: 1_000_041 - OFFSET,
  decodeEndAt: 1_000_061 - OFFSET,
  drawnAt: 1_000_062 - OFFSET,
  paintedAt: 1_000_070 - OFFSET,
};

describe('stage clock arithmetic', () => {
  it('translates page times to the bridge clock by adding the offset (bridge − page)', () => {
    expect(toBridgeClock(100, OFFSET)).toBe(2100);
    expect(toBridgeClock(100, -30)).toBe(70);
  });

  it('puts every stage on the bridge clock and takes the age at paint from the capture time', () => {
    const t = frameTiming(wire, page, OFFSET);
    expect(t).toMatchObject({
      seq: 7,
      captureSource: 1,
      captureAt: 1_000_000,
      bridgeReceivedAt: 1_000_030,
      bridgeSentAt: 1_000_032,
      pageReceivedAt: 1_000_040,
      decodeStartAt: 1_000_041,
      decodeEndAt: 1_000_061,
      drawnAt: 1_000_062,
      paintedAt: 1_000_070,
      ageAtPaintMs: 70,
      clockOffsetMs: OFFSET,
    });
  });

  it('splits the age into stages that add up to it', () => {
    const d = stageDurations(frameTiming(wire, page, OFFSET));
    expect(d).toEqual({
      grab: 4,
      encode: 11,
      toBridge: 30,
      relay: 2,
      network: 8,
      queue: 1,
      decode: 20,
      draw: 1,
      present: 8,
      total: 70,
    });
    const sum = d.toBridge + d.relay + d.network + d.queue + d.decode + d.draw + d.present;
    expect(sum).toBe(d.total);
    expect(Object.keys(d)).toEqual([...STAGES]);
  });

  it('a wrong offset shows up in the network stage only, not in the bridge or page stages', () => {
    const d = stageDurations(frameTiming(wire, page, OFFSET - 500));
    expect([d.network, d.total]).toEqual([8 - 500, 70 - 500]);
    expect([d.relay, d.queue, d.decode, d.present]).toEqual([2, 1, 20, 8]);
  });

  it('a protocol 2 frame (no source or bridge-received times) has toBridge 0 and captureSource -1', () => {
    const t = frameTiming({ seq: 1, timestamp: 1_000_000, sentAt: 1_000_032 }, page, OFFSET);
    const d = stageDurations(t);
    expect([t.captureSource, d.toBridge, d.relay, d.grab, d.encode]).toEqual([-1, 0, 32, 0, 0]);
  });
});

describe('sample ring and percentiles', () => {
  it('keeps the last `size` samples and gives nearest-rank p50/p95/max', () => {
    const r = new Ring(100);
    for (let i = 1; i <= 250; i++) r.push(i); // keeps 151..250
    expect(r.length).toBe(100);
    expect(percentiles(r)).toEqual({ p50: 201, p95: 246, max: 250 });
    r.clear();
    expect(percentiles(r)).toEqual({ p50: 0, p95: 0, max: 0 });
  });

  it('counts time stamps after a moment and sums the paired byte counts', () => {
    const times = new Ring(4);
    const bytes = new Ring(4);
    for (const [t, b] of [
      [10, 100],
      [20, 200],
      [30, 300],
      [40, 400],
      [50, 500],
    ]) {
      times.push(t!);
      bytes.push(b!);
    }
    expect(times.countAbove(25)).toBe(3);
    expect(bytes.sumWhere(times, 25)).toBe(1200);
  });
});

describe('byte-identical repeat check', () => {
  const a = new Uint8Array(5000).map((_, i) => (i * 31) & 0xff);
  it.each([
    ['the same bytes in another buffer', a.slice(), true],
    ['one byte changed in the middle', a.map((v, i) => (i === 2500 ? v ^ 1 : v)), false],
    ['one byte changed at the start (the sparse pass misses it)', a.map((v, i) => (i === 1 ? v ^ 1 : v)), false],
    ['one byte shorter', a.subarray(0, 4999), false],
  ])('%s → %s', (_, b, same) => {
    expect(sameBytes(a, b)).toBe(same);
  });
});
