import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../bridge/src/video/backoff.ts';
import { RateLog } from '../../../bridge/src/video/errors.ts';
import { SignalTracker } from '../../../bridge/src/video/signal.ts';

describe('SignalTracker', () => {
  it('reports present with the size on the first frame and on every size change', () => {
    const t = new SignalTracker();
    expect(t.frame(0, 320, 240)).toEqual({ present: true, width: 320, height: 240, fps: 0 });
    expect(t.frame(100, 320, 240)).toBeUndefined();
    expect(t.frame(200, 640, 480)).toEqual({ present: true, width: 640, height: 480, fps: 10 });
  });

  it('measures fps over the last second and reports it at most once per second', () => {
    const t = new SignalTracker();
    const updates = [];
    for (let ms = 0; ms <= 3_000; ms += 40) updates.push([ms, t.frame(ms, 320, 240)?.fps]);
    // 25 fps steady: the first frame (fps unknown), then one update once a second had passed.
    expect(updates.filter(([, fps]) => fps !== undefined)).toEqual([
      [0, 0],
      [1_000, 25],
    ]);
  });

  it.each([
    ['10 → 10.5 fps (jitter)', 100, 95.2, false],
    ['10 → 12 fps', 100, 83.3, true],
    ['60 → 57 fps (5 %)', 16.67, 17.5, false],
    ['60 → 50 fps', 16.67, 20, true],
  ])('%s is reported: %s', (_name, beforeMs, afterMs, reported) => {
    const t = new SignalTracker();
    let now = 0;
    for (; now < 2_000; now += beforeMs) t.frame(now, 1, 1);
    const seen: number[] = [];
    for (const end = now + 3_000; now < end; now += afterMs) {
      const s = t.frame(now, 1, 1);
      if (s) seen.push(s.fps);
    }
    expect(seen.length > 0).toBe(reported);
  });

  it('reports a loss once per outage and present again on the next frame', () => {
    const t = new SignalTracker();
    expect(t.lost('connect-failed: refused')).toEqual({
      present: false,
      width: 0,
      height: 0,
      fps: 0,
      reason: 'connect-failed: refused',
    });
    expect(t.lost('connect-failed: refused')).toBeUndefined();
    expect(t.frame(0, 8, 8)?.present).toBe(true);
    expect(t.lost('no-frames: none for 2000 ms')?.present).toBe(false);
  });
});

describe('Backoff', () => {
  it('doubles from initial up to max and starts over after reset()', () => {
    const b = new Backoff(250, 5_000);
    expect(Array.from({ length: 7 }, () => b.next())).toEqual([250, 500, 1_000, 2_000, 4_000, 5_000, 5_000]);
    b.reset();
    expect(b.next()).toBe(250);
  });
});

describe('RateLog', () => {
  it('passes a burst per key per window, then says how many lines it suppressed', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new RateLog(
      (l) => lines.push(l),
      1_000,
      2,
      () => now,
    );
    for (let i = 0; i < 5; i++) log.line('a', `a${i}`);
    log.line('b', 'b0');
    now = 1_000;
    log.line('a', 'a5');
    expect(lines).toEqual(['a0', 'a1', 'b0', 'a5 (3 similar lines suppressed)']);
  });
});
