/**
 * Time to open the installed PWA offline, cold: `npx tsx test/bench/offline-open.bench.ts`
 * (BENCH_RUNS, default 10; display BENCH_DISPLAY, default :108).
 *
 * Setup: the simulated target and a bridge; Chromium with a persistent profile logs in through a
 * one-time link, waits for the service worker to be active (its precache complete), and closes.
 * Then the bridge is stopped. Each run starts a new browser process on that profile, sets the
 * context offline, and opens the app's address:
 * - `ui`: navigation start (the page's `performance.timeOrigin`) to the KVM view in the DOM (the
 *   status bar's connection item, rendered from the stored session with no API round trip),
 *   timed in the page by a MutationObserver;
 * - `doc`: navigation start to the document's responseEnd (index.html from the precache);
 * - `wall`: from before the browser process is launched to the KVM view seen by the test (process
 *   start, profile load and service worker start included).
 * "Cold" means a new browser process with no page of the app open; the OS page cache is warm.
 * Printed as p50/p95/max ms with the core count and the load average.
 */
import { cpus, loadavg } from 'node:os';
import { ensureWebBuild } from '../../hardware/deps/web-build.ts';
import { waitForKvm } from '../e2e/harness.ts';
import { startPwaStack, waitForServiceWorker } from '../e2e/pwa-stack.ts';
import { f1, pct } from './lib/stats.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const DISPLAY = process.env.BENCH_DISPLAY ?? ':108';
const UI = '[data-testid="conn"]';

/** Runs in the page before its scripts: records when the KVM view first appears (ms since navigation start). */
const MARK_UI = `(() => {
  const seen = () => {
    if (window.__uiAt === undefined && document.querySelector('${UI}')) window.__uiAt = performance.now();
    return window.__uiAt !== undefined;
  };
  new MutationObserver((_, o) => { if (seen()) o.disconnect(); })
    .observe(document, { childList: true, subtree: true });
})();`;

await ensureWebBuild((l) => console.log(`[web build] ${l}`));
const load0 = loadavg();
const stack = await startPwaStack({ display: DISPLAY, fps: 5 });
const ui: number[] = [];
const doc: number[] = [];
const wall: number[] = [];
try {
  const page = await stack.launch();
  await stack.login(page);
  await waitForKvm(page);
  await waitForServiceWorker(page);
  await stack.closeBrowser();
  await stack.stopBridge();

  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const p = await stack.launch();
    await p.context().setOffline(true);
    await p.context().addInitScript(MARK_UI);
    await p.goto(stack.url);
    await p.waitForSelector(UI, { state: 'attached', timeout: 30_000 });
    wall.push(performance.now() - t0);
    const t = await p.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return { ui: (window as unknown as { __uiAt?: number }).__uiAt ?? Number.NaN, doc: nav?.responseEnd ?? NaN };
    });
    if (!Number.isFinite(t.ui)) throw new Error(`run ${run}: the KVM view appeared but was not timed`);
    ui.push(t.ui);
    doc.push(t.doc);
    await stack.closeBrowser();
  }
} finally {
  await stack.stop();
}

const row = (name: string, xs: number[]): string =>
  `  ${name.padEnd(5)} p50 ${f1(pct(xs, 50))}  p95 ${f1(pct(xs, 95))}  max ${f1(Math.max(...xs))} ms`;
console.log(
  `offline cold open: ${RUNS} runs, ${cpus().length} cores, load ${load0.map((l) => l.toFixed(2)).join(' ')} -> ` +
    `${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1/5/15 min)`,
);
console.log(row('ui', ui));
console.log(row('doc', doc));
console.log(row('wall', wall));
