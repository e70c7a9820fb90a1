/**
 * A quick look at the bridge's relay time (receivedAt → sentAt, per viewer) from GET /api/stats
 * and from the frames themselves: the bridge in a child process with ffmpeg's testsrc2 as its
 * `command` source (no X server), N WebSocket viewers in this process. Not a test and not the
 * issue's benchmark 4 (test/bench/relay.bench.ts, with the simulated target): a probe of the
 * bridge-side figures this helper built.
 *
 *   npx tsx test/bridge/video/relay-probe.ts [seconds=20] [viewers=4] [size=1920x1080] [transport=main|video]
 */
import { fork } from 'node:child_process';
import WebSocket from 'ws';
import { TEST_AUTH_OPTIONS, sessionToken } from '../../../bridge/src/auth/testing.ts';
import type { ViewerStats } from '../../../bridge/src/fanout.ts';
import { startBridge } from '../../../bridge/src/server.ts';
import { decode, encodeClient, MAX_SERVER_MESSAGE_BYTES, PROTOCOL_VERSION } from '../../../protocol/index.ts';

const [seconds = '20', viewers = '4', size = '1920x1080', transport = 'main'] = process.argv
  .slice(2)
  .filter((a) => a !== '--bridge');

async function child(): Promise<void> {
  const bridge = await startBridge(
    {
      port: 0,
      host: '127.0.0.1',
      staticDir: '/nonexistent',
      hid: { keyboard: '/dev/null', mouse: '/dev/null', mouseRel: '/dev/null' },
      video: {
        kind: 'command',
        argv: [
          'ffmpeg',
          '-hide_banner',
          '-loglevel',
          'error',
          '-re',
          '-f',
          'lavfi',
          '-i',
          `testsrc2=size=${size}:rate=30`,
          '-threads',
          '1',
          '-q:v',
          '5',
          '-f',
          'mpjpeg',
          '-',
        ],
      },
    },
    { log: () => undefined, auth: TEST_AUTH_OPTIONS },
  );
  const tokens = Array.from({ length: Number(viewers) + 1 }, () => sessionToken(bridge));
  process.send!({ port: bridge.port, tokens });
  process.once('disconnect', () => void bridge.close().then(() => process.exit(0)));
}

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((q / 100) * s.length) - 1))] ?? 0;
};

async function parent(): Promise<void> {
  const c = fork(new URL(import.meta.url).pathname, ['--bridge', seconds, viewers, size, transport], {
    execArgv: ['--import', 'tsx'],
  });
  const { port, tokens } = await new Promise<{ port: number; tokens: string[] }>((r) => c.once('message', r as never));
  const relay: number[] = [];
  let frames = 0;
  let skipped = 0;
  let measuring = false;
  const path = transport === 'video' ? '/ws/video' : '/ws';
  const sockets = tokens.slice(1).map((token) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { maxPayload: MAX_SERVER_MESSAGE_BYTES });
    ws.on('open', () =>
      ws.send(encodeClient({ type: 'hello', version: PROTOCOL_VERSION, capabilities: [], agent: 'probe', token })),
    );
    ws.on('message', (d: Buffer) => {
      if (!measuring) return;
      const r = decode(new Uint8Array(d), MAX_SERVER_MESSAGE_BYTES);
      if (!r.ok || r.message.type !== 'frame') return;
      frames++;
      skipped += r.message.skipped;
      relay.push(r.message.sentAt - r.message.receivedAt);
    });
    return ws;
  });
  await new Promise((r) => setTimeout(r, 3000)); // ffmpeg start, first frames
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
  measuring = false;
  const secs = (performance.now() - t0) / 1000;
  const res = await fetch(`http://127.0.0.1:${port}/api/stats`, { headers: { authorization: `Bearer ${tokens[0]}` } });
  const api = (await res.json()) as { viewers: ViewerStats[] };
  for (const ws of sockets) ws.close();
  c.disconnect();
  console.log(
    `cores ${(await import('node:os')).cpus().length}, load ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `${viewers} viewers on ${path}, ${size}@30 testsrc2, ${secs.toFixed(1)} s: ${(frames / secs / Number(viewers)).toFixed(1)} frames/s per viewer, ${skipped} skipped`,
  );
  console.log(
    `relay from the frames (sentAt - receivedAt): p50 ${pct(relay, 50).toFixed(2)} p99 ${pct(relay, 99).toFixed(2)} ms (n ${relay.length})`,
  );
  for (const v of api.viewers)
    console.log(
      `  /api/stats viewer ${v.id} ${v.transport}: sent ${v.framesSent} skipped ${v.framesSkipped} dropped ${v.framesDropped}, ` +
        `${(v.bandwidthBps / 1e6).toFixed(2)} MB/s, relay p50 ${v.relayMs.p50} p99 ${v.relayMs.p99} ms`,
    );
}

if (process.argv.includes('--bridge')) void child();
else void parent();
