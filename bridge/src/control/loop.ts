import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Event-loop delay in ms, as /api/stats shows it. */
export interface LoopStats {
  /** Over the last complete window (windowMs). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Largest delay in the window still running. */
  currentMaxMs: number;
  /** Largest delay since the bridge started. */
  worstMs: number;
  windowMs: number;
}

/**
 * Watches event-loop stalls with perf_hooks' monitorEventLoopDelay (a libuv timer that measures
 * how late it fires; resolution `resolutionMs`). A fuzzer or soak test reads it from /api/stats
 * to see whether a hostile client froze the bridge.
 */
export function makeLoopMonitor(windowMs = 10_000, resolutionMs = 10) {
  const h = monitorEventLoopDelay({ resolution: resolutionMs });
  h.enable();
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
  let last = { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  let worst = 0;
  const roll = (): void => {
    const max = h.count > 0 ? ms(h.max) : 0;
    last = { p50Ms: h.count > 0 ? ms(h.percentile(50)) : 0, p99Ms: h.count > 0 ? ms(h.percentile(99)) : 0, maxMs: max };
    worst = Math.max(worst, max);
    h.reset();
  };
  const timer = setInterval(roll, windowMs);
  timer.unref();
  return {
    stats(): LoopStats {
      const current = h.count > 0 ? ms(h.max) : 0;
      return { ...last, currentMaxMs: current, worstMs: Math.max(worst, current), windowMs };
    },
    dispose(): void {
      clearInterval(timer);
      h.disable();
    },
  };
}
