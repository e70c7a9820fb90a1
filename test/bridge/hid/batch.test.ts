import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { playBatch, sleep } from '../../../bridge/src/hid/batch.ts';
import type { BatchMsg } from '../../../protocol/index.ts';

const key = (k: number) => Uint8Array.from([0, 0, k, 0, 0, 0, 0, 0]);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('playBatch', () => {
  it('ends a 10 s step at once when aborted', async () => {
    const abort = new AbortController();
    const written: number[] = [];
    const batch: BatchMsg = {
      type: 'batch',
      id: 1,
      steps: [
        { device: 'keyboard', report: key(4), delayMs: 10_000 },
        { device: 'keyboard', report: key(0), delayMs: 0 },
      ],
    };
    let end: unknown;
    void playBatch(batch, {
      write: async (_d, r) => (written.push(r[2]!), true),
      signal: abort.signal,
      onProgress: () => undefined,
    }).then((e) => (end = e));
    await vi.advanceTimersByTimeAsync(50);
    abort.abort('cancelled by the user');
    await vi.advanceTimersByTimeAsync(0);
    expect(end).toEqual({ type: 'batch-end', id: 1, outcome: 'cancelled', sent: 1, reason: 'cancelled by the user' });
    expect(written).toEqual([4]);
    expect(vi.getTimerCount()).toBe(0); // the 10 s timer is gone too
  });

  it('stops waiting for a write the host never takes when aborted', async () => {
    const abort = new AbortController();
    let end: unknown;
    void playBatch(
      { type: 'batch', id: 2, steps: [{ device: 'keyboard', report: key(4), delayMs: 0 }] },
      { write: () => new Promise<boolean>(() => undefined), signal: abort.signal, onProgress: () => undefined },
    ).then((e) => (end = e));
    await vi.advanceTimersByTimeAsync(1000);
    expect(end).toBeUndefined();
    abort.abort('client disconnected');
    await vi.advanceTimersByTimeAsync(0);
    expect(end).toMatchObject({ outcome: 'cancelled', sent: 0, reason: 'client disconnected' });
  });

  it('plays every step with its delays and reports done', async () => {
    const abort = new AbortController();
    const at: number[] = [];
    let end: unknown;
    void playBatch(
      {
        type: 'batch',
        id: 3,
        steps: [4, 0, 5, 0].map((k) => ({ device: 'keyboard' as const, report: key(k), delayMs: 20 })),
      },
      { write: async () => (at.push(Date.now()), true), signal: abort.signal, onProgress: () => undefined },
    ).then((e) => (end = e));
    await vi.advanceTimersByTimeAsync(100);
    expect(end).toMatchObject({ outcome: 'done', sent: 4 });
    expect(at.map((t) => t - at[0]!)).toEqual([0, 20, 40, 60]);
  });
});

describe('playBatch on a host that takes every report at once', () => {
  it('yields to the event loop during a long batch with no delays, so timers and I/O still run', async () => {
    vi.useRealTimers();
    const steps = Array.from({ length: 20_000 }, (_, i) => ({
      device: 'keyboard' as const,
      report: key(i % 2 ? 0 : 4),
      delayMs: 0,
    }));
    let ticks = 0;
    let playing = true;
    const tick = (): void => {
      ticks++;
      if (playing) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    let writes = 0;
    const end = await playBatch(
      { type: 'batch', id: 9, steps },
      { write: async () => (writes++, true), signal: new AbortController().signal, onProgress: () => undefined },
    );
    playing = false;
    expect(end).toMatchObject({ outcome: 'done', sent: 20_000 });
    expect(writes).toBe(20_000);
    // Without yielding, the timer could not run until the whole batch had been written.
    expect(ticks).toBeGreaterThan(1);
  });
});

describe('sleep', () => {
  it('resolves at once for an aborted signal', async () => {
    const a = new AbortController();
    a.abort();
    let done = false;
    void sleep(10_000, a.signal).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });
});
