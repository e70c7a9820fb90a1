/**
 * Numbers for the benchmarks: percentiles, a least-squares slope, and the machine's state (cores,
 * load, how busy the CPUs were during the run, how late a 10 ms timer fired) so each bench can
 * say how noisy its run was.
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

/** Nearest-rank percentile (p in 0..100) of `xs`; NaN for an empty list. */
export function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Least-squares slope of y over x (units of y per unit of x); NaN with fewer than 2 points. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return Number.NaN;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/** One decimal, or "n/a" for NaN. */
export const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
export const f0 = (v: number): string => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');

function cpuTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!; // "cpu  user nice system idle iowait irq softirq steal ..."
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export interface NoiseProbe {
  /** Prints the machine line and the noise line for the run so far. */
  report(label: string): string;
  stop(): void;
}

/**
 * Starts watching the machine: CPU busy share (all cores, /proc/stat), load average, and the
 * lateness of a 10 ms timer in this process (what a busy machine does to every deadline here).
 */
export function startNoiseProbe(): NoiseProbe {
  const t0 = cpuTicks();
  const load0 = loadavg()[0]!;
  const late: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const t = performance.now();
    late.push(Math.max(0, t - last - 10));
    last = t;
  }, 10);
  return {
    report(label) {
      const t1 = cpuTicks();
      const busy = (100 * (t1.busy - t0.busy)) / Math.max(1, t1.total - t0.total);
      const load1 = loadavg()[0]!;
      const p99 = pct(late, 99);
      const verdict = busy > 85 || p99 > 30 ? 'noisy' : busy > 60 || p99 > 10 ? 'somewhat noisy' : 'quiet';
      return (
        `machine: ${cpus().length} cores, load ${load0.toFixed(2)} -> ${load1.toFixed(2)} (1 min)\n` +
        `noise (${label}): CPUs ${busy.toFixed(0)} % busy over the run (this bench included), ` +
        `10 ms timer late p50 ${f1(pct(late, 50))} p99 ${f1(p99)} max ${f1(Math.max(0, ...late))} ms: ${verdict}`
      );
    },
    stop: () => clearInterval(timer),
  };
}
