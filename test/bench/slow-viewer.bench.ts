/**
 * Benchmark 2 (issue 11 §4): a slow viewer beside a fast one. The slow viewer's Chromium runs in
 * a network namespace behind 10 Mbit/s and 40 ms RTT (tc tbf + netem, lib/netns.ts; needs root
 * and iproute2); the fast one reaches the same bridge address unthrottled. Both are headful PWAs
 * on their own Xvfb displays; the pixel clock is read off each screen every 4 ms. 1280x720 30 fps,
 * 2 minutes (--short: 15 s). The slow viewer's age must stay bounded (growth: least-squares slope
 * of age over time) and the fast viewer must not suffer from it.
 * `npm run bench:slow-viewer [-- --short]`; BENCH_SECONDS overrides the length.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DISPLAYS, describeSeries, openPwa, prepare, run, SHORT, sleep, summarize } from './lib/common.ts';
import { openSlowLink } from './lib/netns.ts';
import { watchClock } from './lib/screen-clock.ts';
import { startBenchStack } from './lib/stack.ts';
import { f0, f1, slope, startNoiseProbe } from './lib/stats.ts';
import { locateCanvasStrip, startViewer } from './lib/viewer.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? (SHORT ? 15 : 120));
const W = 1280;
const H = 720;
const RATE_MBIT = 10;
const RTT_MS = 40;

run(async () => {
  await prepare();
  const noise = startNoiseProbe();
  const link = openSlowLink({ rateMbit: RATE_MBIT, rttMs: RTT_MS });
  try {
    // 127.0.0.1 at any port: the Host the slow viewer sends through the delay proxy.
    const stack = await startBenchStack({
      display: DISPLAYS.target,
      width: W,
      height: H,
      fps: 30,
      host: link.hostAddr,
      allowedHosts: ['127.0.0.1'],
    });
    const base = `http://${link.hostAddr}:${stack.port}`;
    let slowBase = base;
    let proxy: ChildProcess | undefined;
    if (link.delayProxy) {
      proxy = spawn(
        link.exec[0]!,
        [
          ...link.exec.slice(1),
          process.execPath,
          '--import',
          'tsx',
          'test/bench/lib/delay-proxy.ts',
          link.hostAddr,
          String(stack.port),
          String(RTT_MS / 2),
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      const port = await new Promise<number>((resolve, reject) => {
        createInterface({ input: proxy!.stdout! }).once('line', (l) =>
          resolve((JSON.parse(l) as { port: number }).port),
        );
        proxy!.once('exit', (c) => reject(new Error(`delay proxy exited (${c})`)));
      });
      slowBase = `http://127.0.0.1:${port}`;
      console.log(
        `no sch_netem in this kernel: the ${RTT_MS} ms RTT comes from lib/delay-proxy.ts in the namespace, behind tbf`,
      );
    }
    // Not localhost: tell Chromium this origin is secure, so both get ImageDecoder as on https.
    const secure = [`--unsafely-treat-insecure-origin-as-secure=${base}`];
    const fast = await startViewer({ display: DISPLAYS.a, width: W, height: H + 160, extraArgs: secure });
    const slow = await startViewer({
      display: DISPLAYS.b,
      width: W,
      height: H + 160,
      extraArgs: secure,
      wrapper: link.exec,
    });
    try {
      await openPwa(fast.page, base, await stack.login(), '', fast.logs);
      await openPwa(slow.page, slowBase, await stack.login(), '', slow.logs);
      await sleep(2000);
      const fw = watchClock(fast.screen, await locateCanvasStrip(fast, W, H));
      const sw = watchClock(slow.screen, await locateCanvasStrip(slow, W, H));
      const from = Date.now();
      await sleep(SECONDS * 1000);
      const to = Date.now();
      await Promise.all([fw.stop(), sw.stop()]);
      noise.stop();
      const f = summarize(fw.paints, from, to);
      const s = summarize(sw.paints, from, to);
      const grow = (ps: typeof sw.paints) => {
        const in_ = ps.filter((p) => p.at >= from && p.at <= to);
        return slope(
          in_.map((p) => (p.at - from) / 60_000),
          in_.map((p) => p.ageMs),
        );
      };
      console.log(
        `slow viewer (${RATE_MBIT} Mbit/s, ${RTT_MS} ms RTT), ${SECONDS} s: ${describeSeries(s)}, growth ${f1(grow(sw.paints))} ms/min`,
      );
      console.log(`fast viewer (unthrottled): ${describeSeries(f)}, growth ${f1(grow(fw.paints))} ms/min`);
      console.log(`slow viewer fps ${f1(s.fps)}, fast viewer fps ${f1(f.fps)}`);
      console.log(noise.report('slow-viewer'));
      console.log(
        `slow viewer 10mbit: p50 ${f0(s.p50)} p95 ${f0(s.p95)} max ${f0(s.max)}, growth ${f1(grow(sw.paints))} ms/min; ` +
          `fast viewer p50 ${f0(f.p50)} p95 ${f0(f.p95)}`,
      );
    } finally {
      await slow.stop();
      await fast.stop();
      proxy?.kill('SIGTERM');
      await stack.stop();
    }
  } finally {
    link.close();
  }
});
