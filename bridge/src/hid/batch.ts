import type { BatchEnd, BatchMsg, BatchProgress, HidDevice } from '../../../protocol/index.ts';

export interface BatchIo {
  /** Resolves true once the host took the report, false if it was dropped (device offline). */
  write(device: HidDevice, report: Uint8Array): Promise<boolean>;
  /** A reason string once the batch should stop, else null. */
  isCancelled(): string | null;
  onProgress(p: BatchProgress): void;
}

/** Minimum interval between progress messages, ms. */
export const PROGRESS_INTERVAL_MS = 100;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Plays a batch on the bridge's clock: each step's report is written (waiting out EAGAIN, so the
 * host's polling paces a fast batch), then the step's delay runs. Network jitter cannot stretch a
 * key press because no step waits on the network. Releasing keys afterwards is the caller's job.
 * @returns the batch-end message: 'done', 'cancelled' (with the reason) or 'failed' (device offline)
 */
export async function playBatch(batch: BatchMsg, io: BatchIo): Promise<BatchEnd> {
  const total = batch.steps.length;
  let sent = 0;
  let lastProgress = 0;
  const end = (outcome: BatchEnd['outcome'], reason = ''): BatchEnd => ({
    type: 'batch-end',
    id: batch.id,
    outcome,
    sent,
    reason,
  });
  for (const step of batch.steps) {
    const cancelled = io.isCancelled();
    if (cancelled !== null) return end('cancelled', cancelled);
    if (!(await io.write(step.device, step.report))) return end('failed', `${step.device} went offline`);
    sent++;
    const now = performance.now();
    if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
      lastProgress = now;
      io.onProgress({ type: 'batch-progress', id: batch.id, sent, total });
    }
    if (step.delayMs > 0) await sleep(step.delayMs);
  }
  io.onProgress({ type: 'batch-progress', id: batch.id, sent, total });
  return end('done');
}
