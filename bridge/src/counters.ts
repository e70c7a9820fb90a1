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

/** Longest log line the bridge writes, chars. */
export const MAX_LOG_LINE = 300;

/**
 * Makes one log line safe to write: control characters (newlines, escapes) become '?', so a
 * client-sent text cannot forge lines, and the line is cut to `max` chars with a note of how much
 * was left out. Cost is bounded by `max`, whatever the input's length.
 */
export function cutLine(line: string, max = MAX_LOG_LINE): string {
  const over = line.length - max;
  const head = over > 0 ? line.slice(0, max - 24) : line;
  // eslint-disable-next-line no-control-regex
  const clean = head.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return over > 0 ? `${clean}… (${over + 24} more chars)` : clean;
}

/** A log sink whose every line goes through cutLine(). */
export function makeSafeLog(sink: (line: string) => void, max = MAX_LOG_LINE): (line: string) => void {
  return (line) => sink(cutLine(line, max));
}

export type RateLimitedLog = (key: string, line: string | (() => string)) => void;

/**
 * A logger that prints at most `perWindow` lines per key per `windowMs`, then, when the key's next
 * window starts, one summary of how many were suppressed, so a client flooding bad messages
 * cannot flood the journal. Lines are cut by cutLine(). Pass a function to build the line only
 * when it will be printed (the cheap path for a flood).
 */
export function makeRateLimitedLog(sink: (line: string) => void, windowMs = 10_000, perWindow = 5): RateLimitedLog {
  const windows = new Map<string, { start: number; count: number }>();
  return (key, line) => {
    const now = Date.now();
    let w = windows.get(key);
    if (!w || now - w.start > windowMs) {
      if (w && w.count > perWindow) sink(cutLine(`(${w.count - perWindow} more "${key}" lines suppressed)`));
      // Keys are fixed strings; the cap only guards against a caller that builds them from input.
      if (!w && windows.size >= 1000) windows.clear();
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    if (w.count <= perWindow) sink(cutLine(typeof line === 'string' ? line : line()));
  };
}
