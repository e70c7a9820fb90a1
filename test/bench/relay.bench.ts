/**
 * Benchmark 4 (issue 11 §4): the bridge's relay, source frame in to WebSocket send, at 1920x1080
 * 30 fps with 4 viewers, and the bridge's CPU and RSS. The bridge runs in its own process with
 * the simulated target's ffmpeg as its `command` source (as npm start does); the 4 viewers are
 * plain WebSocket clients in this process.
 *
 * Relay per frame: `sentAt - receivedAt` from the frame itself (protocol 3, bridge clock); the
 * bridge's own GET /api/stats `viewers[].relayMs` is printed beside it when it has one. Before
 * protocol 3, `arrival here - timestamp` (which adds loopback transit and this process's
 * event loop) stands in, and the output says so.
 * `npm run bench:relay [-- --short]`; BENCH_SECONDS overrides the length.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { loginOnce } from '../../bridge/src/auth/testing.ts';
import { decode, encodeClient, MAX_SERVER_MESSAGE_BYTES, PROTOCOL_VERSION } from '../../protocol/index.ts';
import { DISPLAYS, prepare, run, SHORT, sleep } from './lib/common.ts';
import { startBenchStack } from './lib/stack.ts';
import { f1, pct, startNoiseProbe } from './lib/stats.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? (SHORT ? 5 : 30));
const VIEWERS = 4;
const now = () => performance.timeOrigin + performance.now();

interface FrameLike {
  type: string;
  timestamp?: number;
  sentAt?: number;
  receivedAt?: number;
  skipped?: number;
}

run(async () => {
  await prepare();
  const noise = startNoiseProbe();
  const stack = await startBenchStack({ display: DISPLAYS.target, width: 1920, height: 1080, fps: 30 });
  try {
    const base = `http://127.0.0.1:${stack.port}`;
    let measuring = false;
    const relay: number[] = [];
    const transit: number[] = [];
    let wireRelay = false;
    let skipped = 0;
    const frames = new Array<number>(VIEWERS).fill(0);
    const sockets = await Promise.all(
      Array.from({ length: VIEWERS }, async (_, i) => {
        const { token } = await loginOnce(base, await stack.login());
        const ws = new WebSocket(`ws://127.0.0.1:${stack.port}/ws`, { headers: { origin: base } });
        ws.on('message', (d: Buffer) => {
          const t = now();
          if (d[1] !== 0x30) return; // [array header, tag 0x30 frame, ...]
          const r = decode(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), MAX_SERVER_MESSAGE_BYTES);
          if (!r.ok || !measuring) return;
          const f = r.message as FrameLike;
          frames[i]!++;
          skipped += f.skipped ?? 0;
          if (typeof f.receivedAt === 'number' && typeof f.sentAt === 'number') {
            wireRelay = true;
            relay.push(f.sentAt - f.receivedAt);
          }
          if (typeof f.timestamp === 'number') transit.push(t - f.timestamp);
        });
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
        ws.send(
          encodeClient({ type: 'hello', version: PROTOCOL_VERSION, capabilities: ['video'], agent: 'bench', token }),
        );
        return { ws, token };
      }),
    );
    await sleep(3000);
    // Logins are not streaming: reset the peak RSS (VmHWM) after them (proc(5), clear_refs "5").
    writeFileSync(`/proc/${stack.bridgePid}/clear_refs`, '5');
    const cpu = () => {
      const f = readFileSync(`/proc/${stack.bridgePid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, clock ticks (USER_HZ 100)
    };
    const status = () => readFileSync(`/proc/${stack.bridgePid}/status`, 'utf8');
    const c0 = cpu();
    const w0 = Date.now();
    measuring = true;
    await sleep(SECONDS * 1000);
    measuring = false;
    const secs = (Date.now() - w0) / 1000;
    const cpuPct = ((cpu() - c0) / secs) * 100;
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status())![1]) / 1024;
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status())![1]) / 1024;
    const api = (await fetch(`${base}/api/stats`, { headers: { authorization: `Bearer ${sockets[0]!.token}` } })
      .then((r) => r.json())
      .catch(() => ({}))) as { viewers?: { relayMs?: { p50: number; p99: number } }[] };
    for (const s of sockets) s.ws.close();
    noise.stop();
    console.log(
      `bridge relay: ${VIEWERS} viewers, ${SECONDS} s, frames/s per viewer ${frames.map((n) => f1(n / secs)).join(', ')}, ` +
        `${skipped} skipped for backpressure`,
    );
    console.log(
      `capture (bridge receive) to arrival in this process: p50 ${f1(pct(transit, 50))} p99 ${f1(pct(transit, 99))} ms`,
    );
    const apiRelay = (api.viewers ?? []).map((v) => v.relayMs).filter((r) => r !== undefined);
    if (apiRelay.length)
      console.log(
        `GET /api/stats relayMs per viewer: ${apiRelay.map((r) => `p50 ${f1(r.p50)} p99 ${f1(r.p99)}`).join('; ')}`,
      );
    const series = wireRelay ? relay : transit;
    if (!wireRelay)
      console.log('frames carry no receivedAt/sentAt (protocol < 3): relay below is receive to arrival here');
    console.log(`bridge RSS peak ${f1(hwm)} MiB during the run`);
    console.log(noise.report('relay'));
    console.log(
      `bridge relay 1080p30 4 viewers: p50 ${pct(series, 50).toFixed(2)} p99 ${pct(series, 99).toFixed(2)}, ` +
        `cpu ${f1(cpuPct)} %, rss ${f1(rss)} MiB`,
    );
  } finally {
    await stack.stop();
  }
});
