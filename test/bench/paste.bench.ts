/**
 * Paste throughput on the simulated target: `npx tsx test/bench/paste.bench.ts`.
 * Types BENCH_CHARS characters of mixed text (letters, digits, Shift and AltGr characters, dead
 * keys on layouts that have them) through the planner and the bridge's batch player at the fast
 * rate, into `cat > file` on the target, then checks the file byte for byte. Prints chars/s and
 * drops for each layout in BENCH_LAYOUTS (default us,de,fr).
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hidUsageForCode } from '../../web/src/lib/input/keycodes.ts';
import { loadLayout, planText, repertoire } from '../../web/src/lib/layouts/index.ts';
import { runPaste } from '../../web/src/lib/paste.ts';
import { startStack, usKeyFor } from '../e2e/harness.ts';
import {
  connectClient,
  firstDifference,
  readAppended,
  switchTargetLayout,
  usSteps,
} from '../layouts-e2e/typing-proof.ts';

const CHARS = Number(process.env.BENCH_CHARS ?? 3000);
const LAYOUTS = (process.env.BENCH_LAYOUTS ?? 'us,de,fr').split(',');

async function main(): Promise<void> {
  const stack = await startStack({ display: process.env.SIM_DISPLAY ?? ':87', width: 1024, height: 768 });
  try {
    const client = await connectClient(stack.bridge.port, await stack.token());
    await client.takeControl();
    let offset = 0;
    for (const name of LAYOUTS) {
      const out = join(mkdtempSync(join(tmpdir(), 'paste-')), 'out.txt');
      await switchTargetLayout(stack.sim.display, 'us');
      client.send({
        type: 'batch',
        id: 1,
        steps: usSteps(`cat > ${out}\n`, (ch) =>
          ch === '\n'
            ? { usage: 0x28, shift: false }
            : (() => {
                const k = usKeyFor(ch);
                return { usage: hidUsageForCode(k.code)!, shift: k.shift };
              })(),
        ),
      });
      await new Promise((r) => setTimeout(r, 1000));
      await switchTargetLayout(stack.sim.display, name);
      const layout = await loadLayout(name);
      // Text shaped like real pastes: mostly letters and spaces, some of everything the layout has.
      const rep = repertoire(layout);
      let seed = 7;
      const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
      const lines: string[] = [];
      let line = '';
      for (let i = 0; i < CHARS; i++) {
        const r = rnd(10);
        line += r < 6 ? 'etaoinshrdlu'[rnd(12)]! : r < 7 ? ' ' : rep[rnd(rep.length)]!;
        if (line.length >= 70) {
          lines.push(line);
          line = '';
        }
      }
      lines.push(line);
      const text = lines.map((l) => `${l}\n`).join('');
      const plan = planText(text, layout, {
        capsLock: false,
        unicodeFallback: 'skip',
        reportDelayMs: 0,
        charDelayMs: 0,
      });
      const t0 = performance.now();
      const result = await runPaste(client, plan.steps, () => undefined).done;
      const playedMs = performance.now() - t0;
      // The simulated HID endpoint buffers (a pty), so the batch can finish before the target has
      // typed everything: time until the last byte lands in the file.
      const bytes = Buffer.byteLength(text);
      while (performance.now() - t0 < 120_000 && (!existsSync(out) || statSync(out).size < bytes))
        await new Promise((r) => setTimeout(r, 5));
      const landedMs = performance.now() - t0;
      const got = await readAppended(out, offset, bytes, 120_000);
      offset = 0;
      const chars = [...text].length;
      const diff = firstDifference(text, got);
      console.log(
        `${name}: ${chars} chars, ${plan.steps.length} reports; typed on the target in ${(landedMs / 1000).toFixed(2)} s = ${(chars / (landedMs / 1000)).toFixed(0)} chars/s (bridge wrote them in ${(playedMs / 1000).toFixed(2)} s); batch ${result.outcome}; ${diff ? `MISMATCH: ${diff}` : 'zero drops (file identical)'}`,
      );
      // End this cat: Ctrl+C on the US layout.
      await switchTargetLayout(stack.sim.display, 'us');
      client.send({ type: 'keyboard', report: Uint8Array.from([0x01, 0, 0x06, 0, 0, 0, 0, 0]) });
      client.send({ type: 'keyboard', report: new Uint8Array(8) });
      await new Promise((r) => setTimeout(r, 500));
    }
    client.close();
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench failed: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  },
);
