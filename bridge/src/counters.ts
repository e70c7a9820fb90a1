/**
 * Named event counters (errors by code, reports written, frames skipped...). Served as JSON at
 * /api/stats so tests, benchmarks and people can see what the bridge refused or dropped.
 */
export class Counters {
  private readonly values = new Map<string, number>();

  inc(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.values].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/**
 * A logger that prints at most `perWindow` lines per key per `windowMs`, then one summary of how
 * many were suppressed, so a client flooding bad messages cannot flood the journal.
 */
export function makeRateLimitedLog(sink: (line: string) => void, windowMs = 10_000, perWindow = 5) {
  const windows = new Map<string, { start: number; count: number }>();
  return (key: string, line: string): void => {
    const now = Date.now();
    let w = windows.get(key);
    if (!w || now - w.start > windowMs) {
      if (w && w.count > perWindow) sink(`(${w.count - perWindow} more "${key}" lines suppressed)`);
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    if (w.count <= perWindow) sink(line);
  };
}
