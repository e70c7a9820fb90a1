import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../bridge/src/video/backoff.ts';
import { DEFAULT_BACKOFF_MS } from '../../../bridge/src/video/source.ts';

describe('the video source default backoff', () => {
  it('retries a source that was streaming after 100 ms, and one that stays down every 5 s', () => {
    const b = new Backoff(DEFAULT_BACKOFF_MS.initial, DEFAULT_BACKOFF_MS.max);
    expect(Array.from({ length: 8 }, () => b.next())).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000]);
    b.reset(); // a good frame
    expect(b.next()).toBe(100);
  });
});
