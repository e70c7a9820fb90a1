import {
  MAX_BATCH_STEPS,
  type BatchEnd,
  type BatchProgress,
  type BatchStep,
  type ClientMessage,
} from '../../../protocol/index.ts';
import { chunkSteps } from './layouts/index.ts';

export interface PasteProgress {
  /** Reports written so far, over all batches. */
  sent: number;
  total: number;
}

export interface PasteSink {
  send(m: ClientMessage): boolean;
  /** Subscribes to batch-progress and batch-end; returns an unsubscribe function. */
  onBatch(fn: (m: BatchProgress | BatchEnd) => void): () => void;
}

export type PasteOutcome = { outcome: 'done' | 'cancelled' | 'failed'; sent: number; reason: string };

let nextId = (Date.now() & 0xffff) << 8;

/**
 * Plays keyboard steps on the bridge as batches (protocol 'batch'), one after the other, each
 * cut at a key-up point. Resolves when the last batch ends, or at the first cancel or failure.
 * `cancel()` asks the bridge to stop; the bridge releases all keys.
 */
export function runPaste(
  sink: PasteSink,
  steps: BatchStep[],
  onProgress: (p: PasteProgress) => void,
): { done: Promise<PasteOutcome>; cancel(): void } {
  const batches = chunkSteps(steps, MAX_BATCH_STEPS);
  let current = -1;
  let base = 0;
  let cancelled = false;
  let resolve!: (o: PasteOutcome) => void;
  const done = new Promise<PasteOutcome>((r) => (resolve = r));
  const finish = (o: PasteOutcome): void => {
    unsubscribe();
    resolve(o);
  };
  const start = (i: number): void => {
    if (i >= batches.length) return finish({ outcome: 'done', sent: steps.length, reason: '' });
    current = nextId = (nextId + 1) >>> 0;
    if (!sink.send({ type: 'batch', id: current, steps: batches[i]! }))
      finish({ outcome: 'failed', sent: base, reason: 'not connected to the KVM' });
  };
  let index = 0;
  const unsubscribe = sink.onBatch((m) => {
    if (m.id !== current) return;
    if (m.type === 'batch-progress') return onProgress({ sent: base + m.sent, total: steps.length });
    if (m.outcome !== 'done' || cancelled)
      return finish({ outcome: cancelled ? 'cancelled' : m.outcome, sent: base + m.sent, reason: m.reason });
    base += m.sent;
    onProgress({ sent: base, total: steps.length });
    start(++index);
  });
  start(0);
  return {
    done,
    cancel() {
      cancelled = true;
      if (!sink.send({ type: 'batch-cancel', id: current }))
        finish({ outcome: 'cancelled', sent: base, reason: 'not connected' });
    },
  };
}
