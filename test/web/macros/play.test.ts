import { describe, expect, it, vi } from 'vitest';
import type { BatchEnd, BatchMsg, BatchProgress, ClientMessage } from '../../../protocol/index.ts';
import { RATE_PRESETS } from '../../../web/src/lib/layouts/planner.ts';
import { compileSteps, type Compiled } from '../../../web/src/lib/macros/compile.ts';
import type { Step } from '../../../web/src/lib/macros/model.ts';
import { CANCEL_ANSWER_MS, playMacro, type MacroProgress } from '../../../web/src/lib/macros/play.ts';

/** A bridge stand-in: records what the page sends; the test ends batches by hand. */
function fakeBridge(connected = true) {
  const sent: ClientMessage[] = [];
  const listeners = new Set<(m: BatchProgress | BatchEnd) => void>();
  return {
    sent,
    send: (m: ClientMessage) => (connected ? (sent.push(m), true) : false),
    onBatch: (fn: (m: BatchProgress | BatchEnd) => void) => (listeners.add(fn), () => listeners.delete(fn)),
    emit: (m: BatchProgress | BatchEnd) => listeners.forEach((fn) => fn(m)),
    batches: () => sent.filter((m): m is BatchMsg => m.type === 'batch'),
    listeners,
  };
}
const tap: Step[] = [
  { kind: 'key-down', usage: 4 },
  { kind: 'key-up', usage: 4 },
];
const compiled = compileSteps(tap, {
  text: { capsLock: false, unicodeFallback: 'skip', ...RATE_PRESETS.fast },
}) as Compiled;
const end = (id: number, sent: number, outcome: BatchEnd['outcome'] = 'done', reason = ''): BatchEnd => ({
  type: 'batch-end',
  id,
  outcome,
  sent,
  reason,
});

describe('playMacro', () => {
  it('plays batch after batch and reports progress over the whole run', async () => {
    const b = fakeBridge();
    const progress: MacroProgress[] = [];
    const run = playMacro(b, compiled, 3, (p) => progress.push(p), 4);
    expect(b.batches().map((m) => m.steps.length)).toEqual([4]);
    b.emit({ type: 'batch-progress', id: b.batches()[0]!.id, sent: 2, total: 4 });
    b.emit(end(b.batches()[0]!.id, 4));
    expect(b.batches().map((m) => m.steps.length)).toEqual([4, 2]);
    b.emit(end(b.batches()[1]!.id, 2));
    expect(await run.done).toEqual({ outcome: 'done', sent: 6, reason: '' });
    expect(progress).toEqual([
      { sent: 2, total: 6, iterations: 1 },
      { sent: 4, total: 6, iterations: 2 },
      { sent: 6, total: 6, iterations: 3 },
    ]);
    expect(b.listeners.size).toBe(0);
  });

  it('ignores messages of other batches', async () => {
    const b = fakeBridge();
    const run = playMacro(b, compiled, 1, () => undefined);
    b.emit(end(12345, 99, 'failed', 'not mine'));
    b.emit(end(b.batches()[0]!.id, 2));
    expect((await run.done).outcome).toBe('done');
  });

  it('cancels: asks the bridge, which releases the keys, and ends as cancelled', async () => {
    const b = fakeBridge();
    const run = playMacro(b, compiled, 'until-stopped', () => undefined, 10);
    const id = b.batches()[0]!.id;
    b.emit(end(id, 10));
    const id2 = b.batches()[1]!.id;
    run.cancel();
    expect(b.sent[b.sent.length - 1]).toEqual({ type: 'batch-cancel', id: id2 });
    b.emit(end(id2, 3, 'cancelled', 'cancelled by the user'));
    expect(await run.done).toEqual({ outcome: 'cancelled', sent: 13, reason: 'cancelled by the user' });
  });

  it('a loop that keeps ending done still stops once cancelled', async () => {
    const b = fakeBridge();
    const run = playMacro(b, compiled, 'until-stopped', () => undefined, 2);
    run.cancel();
    b.emit(end(b.batches()[0]!.id, 2)); // the batch had finished before the cancel arrived
    expect((await run.done).outcome).toBe('cancelled');
    expect(b.batches()).toHaveLength(1);
  });

  it('fails at once when not connected', async () => {
    const run = playMacro(fakeBridge(false), compiled, 1, () => undefined);
    expect(await run.done).toEqual({ outcome: 'failed', sent: 0, reason: 'not connected to the KVM' });
  });

  it('passes on a failure of the bridge', async () => {
    const b = fakeBridge();
    const run = playMacro(b, compiled, 5, () => undefined);
    b.emit(end(b.batches()[0]!.id, 1, 'failed', 'keyboard went offline'));
    expect(await run.done).toEqual({ outcome: 'failed', sent: 1, reason: 'keyboard went offline' });
  });

  it('gives up waiting when the bridge never answers a cancel (a refused batch)', async () => {
    vi.useFakeTimers();
    try {
      const run = playMacro(fakeBridge(), compiled, 1, () => undefined);
      run.cancel();
      await vi.advanceTimersByTimeAsync(CANCEL_ANSWER_MS);
      expect(await run.done).toEqual({ outcome: 'cancelled', sent: 0, reason: 'no answer from the bridge' });
    } finally {
      vi.useRealTimers();
    }
  });
});
