/**
 * Benchmark 5 (issue 11 §4): the PWA's first-load JS and CSS, gzip: every script, modulepreload
 * and stylesheet that web/dist/index.html loads eagerly, each gzipped alone (zlib level 9, as
 * a server would send it). Dynamic `import()` chunks are not counted; they are listed. Baseline:
 * 62.0 KiB JS, 1.4 KiB CSS at 8fef6f2 measured this way. `npm run bench:first-load`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { prepare, run } from './lib/common.ts';
import { startNoiseProbe } from './lib/stats.ts';

/** BENCH_DIST: another build to measure (e.g. an older commit's web/dist). */
const DIST = process.env.BENCH_DIST ?? join(process.cwd(), 'web/dist');

run(async () => {
  if (!process.env.BENCH_DIST) await prepare();
  const noise = startNoiseProbe();
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const refs: { kind: 'js' | 'css'; path: string }[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) refs.push({ kind: 'js', path: m[1]! });
  for (const m of html.matchAll(/<link\b[^>]*>/g)) {
    const tag = m[0];
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (!href) continue;
    if (/rel="modulepreload"/.test(tag)) refs.push({ kind: 'js', path: href });
    else if (/rel="stylesheet"/.test(tag)) refs.push({ kind: 'css', path: href });
  }
  const gz = (p: string) => gzipSync(readFileSync(join(DIST, p.replace(/^\//, ''))), { level: 9 }).length / 1024;
  let js = 0;
  let css = 0;
  for (const r of refs) {
    const k = gz(r.path);
    if (r.kind === 'js') js += k;
    else css += k;
    console.log(`  eager ${r.kind} ${r.path}: ${k.toFixed(1)} KiB gzip`);
  }
  const eager = new Set(refs.map((r) => r.path.replace(/^\//, '')));
  const lazy = readdirSync(join(DIST, 'assets'))
    .map((f) => `assets/${f}`)
    .filter((f) => /\.(js|css)$/.test(f) && !eager.has(f));
  const lazyKiB = lazy.reduce((a, f) => a + gz(f), 0);
  console.log(
    `  not loaded at first: ${lazy.length} js/css files, ${lazyKiB.toFixed(1)} KiB gzip (workers, import() chunks)`,
  );
  console.log('baseline at 8fef6f2, measured the same way (BENCH_DIST=<its web/dist>): js 62.0 KiB, css 1.4 KiB gzip');
  noise.stop();
  console.log(noise.report('first-load'));
  console.log(`first load: js ${js.toFixed(1)} KiB gzip, css ${css.toFixed(1)} KiB gzip`);
});
