/**
 * Exponential reconnect delay, ms: `initial` for the first retry, doubled per consecutive failure,
 * capped at `max`. The source calls reset() after a good frame, so one glitch in a healthy stream
 * is retried quickly while a source that stays down is polled only every `max` ms. No jitter:
 * there is one client per source (the bridge), so no herd to spread out.
 */
export class Backoff {
  private nextMs: number;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {
    this.nextMs = initialMs;
  }

  /** The delay before the next attempt, ms; each call doubles the one after. */
  next(): number {
    const d = this.nextMs;
    this.nextMs = Math.min(this.maxMs, this.nextMs * 2);
    return d;
  }

  reset(): void {
    this.nextMs = this.initialMs;
  }
}
