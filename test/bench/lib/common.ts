/**
 * What every benchmark shares: --short, the display numbers (H8's :115-:120), the PWA build, a
 * logged-in PWA page, summaries of painted-frame series, and the run-or-exit wrapper.
 */
import { ensureWebBuild } from '../../../hardware/deps/web-build.ts';
import type { Page } from 'playwright-core';
import { waitForKvm } from '../../e2e/harness.ts';
import type { Paint } from './screen-clock.ts';
import { f1, pct } from './stats.ts';

export const SHORT = process.argv.includes('--short') || process.env.BENCH_SHORT === '1';
/** Displays: target, then viewers. */
export const DISPLAYS = { target: ':115', a: ':116', b: ':117', c: ':118' } as const;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function prepare(): Promise<void> {
  await ensureWebBuild();
}

/** Opens the PWA at `base` through a one-time login link and waits for the picture. */
export async function openPwa(page: Page, base: string, token: string, query = '', logs?: string[]): Promise<void> {
  await page.goto(`${base}/${query}#login=${token}`);
  try {
    await waitForKvm(page, { control: false });
  } catch (e) {
    if (logs?.length) console.error(`page ${base} logged:\n  ${logs.slice(-20).join('\n  ')}`);
    throw e;
  }
}

export interface SeriesSummary {
  paints: number;
  fps: number;
  p50: number;
  p95: number;
  max: number;
}

/** Paints within [from, to] (epoch ms): count, paints per second, age p50/p95/max. */
export function summarize(paints: readonly Paint[], from: number, to: number): SeriesSummary {
  const ps = paints.filter((p) => p.at >= from && p.at <= to);
  const ages = ps.map((p) => p.ageMs);
  return {
    paints: ps.length,
    fps: ps.length / ((to - from) / 1000),
    p50: pct(ages, 50),
    p95: pct(ages, 95),
    max: ages.length ? Math.max(...ages) : Number.NaN,
  };
}

export const describeSeries = (s: SeriesSummary): string =>
  `${s.paints} paints, ${f1(s.fps)} fps, age p50 ${f1(s.p50)} p95 ${f1(s.p95)} max ${f1(s.max)} ms`;

/** Runs a bench's main; prints the error and exits 1 when it cannot run. */
export function run(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    },
  );
}
