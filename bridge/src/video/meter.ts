/** p50/p99 of a viewer's relay time (bridge receive → socket send), ms; 0 when nothing was sent. */
export interface RelayPercentiles {
  p50: number;
  p99: number;
}

/** Sliding window for bandwidth, ms, and its bucket width. */
export const BANDWIDTH_WINDOW_MS = 5_000;
const BUCKET_MS = 250;
const BUCKETS = BANDWIDTH_WINDOW_MS / BUCKET_MS;
/** Relay samples kept per viewer (about 17 s at 30 fps). */
export const RELAY_SAMPLES = 512;

/**
 * One viewer's send figures: bytes/s over a sliding {@link BANDWIDTH_WINDOW_MS} window (20
 * buckets of 250 ms, O(1) per send, no allocation), and relay-time percentiles over the last
 * {@link RELAY_SAMPLES} sends (a ring; sorted only when stats are read).
 */
export class ViewerMeter {
  private readonly buckets = new Float64Array(BUCKETS);
  /** Bucket number (time / BUCKET_MS) each slot holds; a slot from an older turn counts as 0. */
  private readonly bucketIds = new Float64Array(BUCKETS).fill(-1);
  private readonly relays = new Float64Array(RELAY_SAMPLES);
  private relayCount = 0;
  private startedAt = -1;

  /** Records one send at `at` (ms) of `bytes` bytes, `relayMs` after the frame arrived. */
  sent(at: number, bytes: number, relayMs: number): void {
    if (this.startedAt < 0) this.startedAt = at;
    const id = Math.floor(at / BUCKET_MS);
    const slot = id % BUCKETS;
    if (this.bucketIds[slot] !== id) {
      this.bucketIds[slot] = id;
      this.buckets[slot] = 0;
    }
    this.buckets[slot]! += bytes;
    this.relays[this.relayCount++ % RELAY_SAMPLES] = relayMs;
  }

  /**
   * Bytes/s over the window ending at `at` (ms). A viewer younger than the window is divided by
   * its own age (at least one bucket), so the first seconds are not understated.
   */
  bandwidthBps(at: number): number {
    if (this.startedAt < 0) return 0;
    const id = Math.floor(at / BUCKET_MS);
    let sum = 0;
    for (let i = 0; i < BUCKETS; i++) {
      const b = this.bucketIds[i]!;
      if (b > id - BUCKETS && b <= id) sum += this.buckets[i]!;
    }
    const spanMs = Math.max(BUCKET_MS, Math.min(BANDWIDTH_WINDOW_MS, at - this.startedAt));
    return Math.round((sum * 1000) / spanMs);
  }

  relay(): RelayPercentiles {
    const n = Math.min(this.relayCount, RELAY_SAMPLES);
    if (n === 0) return { p50: 0, p99: 0 };
    const sorted = this.relays.slice(0, n).sort();
    return { p50: round2(percentile(sorted, 0.5)), p99: round2(percentile(sorted, 0.99)) };
  }
}

/** Nearest-rank percentile of sorted values, q in 0..1. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;
