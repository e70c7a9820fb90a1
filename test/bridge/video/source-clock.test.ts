import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MultipartParser, type Part } from '../../../bridge/src/video/multipart.ts';
import {
  monotonicOffsetMs,
  realtimeOffsetMs,
  sourceTiming,
  type ClockOffsets,
} from '../../../bridge/src/video/source-clock.ts';

// One part's header block exactly as uStreamer's /stream?extra_headers=1 writes it
// (pikvm/ustreamer src/ustreamer/http/server.c format string; values made up, same shape).
const fixture = readFileSync(new URL('../../fixtures/video/ustreamer-extra-headers.txt', import.meta.url), 'latin1');

/** Runs a header block through the real multipart parser, so names are cased as the supervisor sees them. */
function headersOf(block: string): Map<string, string> {
  const parts: Part[] = [];
  const p = new MultipartParser({ onPart: (x) => parts.push(x), onError: (e) => expect.fail(e.message) });
  const crlf = block.replace(/\r?\n/g, '\r\n').replace(/Content-Length: \d+/, 'Content-Length: 2');
  p.push(Buffer.from(`--B\r\n${crlf}\xff\xd9\r\n--B\r\n`, 'latin1'));
  expect(parts).toHaveLength(1);
  return parts[0]!.headers;
}

const H = headersOf(fixture);
const GRAB_BEGIN = 81_234_467;
const SEND_MONO = 81_234_501;
const SEND_REAL = 1_764_597_600_512;

describe('uStreamer timing headers on the bridge clock', () => {
  it('maps the V4L2 grab time through CLOCK_MONOTONIC when uStreamer runs on this host', () => {
    const receivedAt = 1_764_597_600_514.25;
    // Bridge clock − monotonic such that uStreamer's send lands 1.25 ms before the bridge had the part.
    const offsets: ClockOffsets = { monotonic: receivedAt - 1.25 - SEND_MONO, realtime: 0 };
    const t = sourceTiming(H, receivedAt, offsets);
    expect(t).toEqual({
      timestamp: GRAB_BEGIN + offsets.monotonic,
      captureSource: 1,
      clock: 'monotonic',
      grabMs: 7,
      encodeMs: 22,
    });
    expect(receivedAt - t.timestamp).toBeCloseTo(35.25, 6); // 34 ms inside uStreamer + 1.25 ms to the bridge
  });

  it("falls back to the part's own X-Timestamp/Send-Time pair when the monotonic clocks differ (another host)", () => {
    const receivedAt = SEND_REAL + 3;
    const t = sourceTiming(H, receivedAt, { monotonic: 5_000_000, realtime: 0 });
    expect(t.clock).toBe('realtime');
    expect(t.captureSource).toBe(1);
    expect(t.timestamp).toBeCloseTo(SEND_REAL - (SEND_MONO - GRAB_BEGIN), 6);
    expect([t.grabMs, t.encodeMs]).toEqual([7, 22]);
  });

  it('adds the bridge clock − realtime offset on the realtime path (a stepped wall clock)', () => {
    const t = sourceTiming(H, SEND_REAL + 40 + 2, { monotonic: -1e12, realtime: 40 });
    expect(t.timestamp).toBeCloseTo(SEND_REAL - 34 + 40, 6);
  });

  it.each([
    ['a send time in the future', SEND_REAL - 50],
    ['a send time over 10 s old', SEND_REAL + 10_001],
  ])('uses the receive time (captureSource 0) when neither clock is plausible: %s', (_why, receivedAt) => {
    const t = sourceTiming(H, receivedAt, { monotonic: 5_000_000, realtime: 0 });
    expect(t).toEqual({ timestamp: receivedAt, captureSource: 0, clock: 'none', grabMs: 7, encodeMs: 22 });
  });

  it.each([
    ['X-Timestamp only (no ?extra_headers=1)', 'Content-Type: image/jpeg\nX-Timestamp: 1764597600.512000\n\n', 0, 0],
    ['ffmpeg -f mpjpeg', 'Content-type: image/jpeg\nContent-length: 2\n\n', 0, 0],
    [
      'a grab begin after the send',
      fixture.replace('Grab-Begin-Time: 81234.467000', 'Grab-Begin-Time: 81235.000000'),
      0,
      22,
    ],
    ['a negative time', fixture.replace('Grab-Begin-Time: 81234.467000', 'Grab-Begin-Time: -1.0'), 0, 22],
    ['an exponent', fixture.replace('Send-Time: 81234.501000', 'Send-Time: 8.1e4'), 7, 22],
  ])('gives captureSource 0 for %s', (_name, block, grabMs, encodeMs) => {
    const t = sourceTiming(headersOf(block), SEND_REAL + 3, { monotonic: SEND_REAL - SEND_MONO, realtime: 0 });
    expect(t).toMatchObject({ captureSource: 0, clock: 'none', timestamp: SEND_REAL + 3 });
    expect([t.grabMs, t.encodeMs]).toEqual([grabMs, encodeMs]);
  });

  it('keeps the capture time but gives encodeMs 0 when encode end is before its begin', () => {
    const block = fixture.replace('Encode-End-Time: 81234.497000', 'Encode-End-Time: 81234.400000');
    const t = sourceTiming(headersOf(block), SEND_REAL + 3, { monotonic: SEND_REAL - SEND_MONO, realtime: 0 });
    expect(t).toMatchObject({ captureSource: 1, clock: 'monotonic', grabMs: 7, encodeMs: 0 });
  });

  it("reads the monotonic offset so that process.hrtime (CLOCK_MONOTONIC) lands on the bridge's clock", () => {
    const offset = monotonicOffsetMs();
    for (let i = 0; i < 5; i++) {
      const mono = Number(process.hrtime.bigint()) / 1e6;
      const bridge = performance.timeOrigin + performance.now();
      expect(Math.abs(mono + offset - bridge)).toBeLessThan(1);
    }
    expect(Math.abs(monotonicOffsetMs() - offset)).toBeLessThan(1); // constant for the process (up to the read gap)
    expect(Math.abs(realtimeOffsetMs())).toBeLessThan(1_000); // the wall clock was not stepped by seconds
  });
});
