/**
 * Flood benchmark for the /ws endpoint: `npx tsx test/bench/flood.bench.ts`. Prints numbers;
 * asserts nothing. The bridge runs in this thread with a fake HID fs (writes always succeed) and a
 * 1280x720 20 fps ffmpeg test source; clients run in worker threads:
 * 1. decode: time for decodeClient() to refuse a 1 MiB BigInt-ext message and a 1 MiB string
 *    field (p50 / max over 20), and the round trip through the bridge to the `malformed` reply.
 * 2. flood: the controller sends keyboard reports as fast as it can for FLOOD_SECONDS while a
 *    viewer counts frames; prints messages/s the bridge handled, refusals by code, reports
 *    written, frames/s at the viewer (before and during), /api/stats latency and event-loop delay.
 * Env: FLOOD_SECONDS (default 5); FLOOD_GUARD=0 turns off the disconnect of a flooding client
 * (limits.floodCloseRefused), to see what the flood alone does to video and /api/stats;
 * FLOOD_RATE=<msg/s> paces the flooder (default: as fast as TCP takes it).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { sessionToken, TEST_AUTH_OPTIONS } from '../../bridge/src/auth/testing.ts';
import type { HidFs } from '../../bridge/src/hid/device.ts';
import { startBridge } from '../../bridge/src/server.ts';
import {
  decodeClient,
  encodeClient,
  MAX_CLIENT_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  keyboardReport,
} from '../../protocol/index.ts';

const SECONDS = Number(process.env.FLOOD_SECONDS ?? 5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((p / 100) * (xs.length - 1))] ?? NaN;
const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

let writes = 0;
const fakeFs: HidFs = {
  openSync: () => 10,
  writeSync: (_fd, b) => (writes++, b.length),
  readSync: () => {
    throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
  },
  closeSync: () => undefined,
};

/**
 * Client code for the workers (plain JS: workers do not go through tsx). The viewer uses the ws
 * library; the flooder speaks raw WebSocket over TCP and writes pre-built masked frames (mask
 * key 0, RFC 6455 §5.3) in 180 KB chunks, so the client is not what limits the rate.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let received = 0, frames = 0, bytesIn = 0, sent = 0;
setInterval(() => parentPort.postMessage({ received, frames, bytesIn, sent }), 250);
const frame = (payload) => Buffer.concat([Buffer.from([0x82, 0x80 | payload.length, 0, 0, 0, 0]), Buffer.from(payload)]);
if (workerData.mode === 'view') {
  const WebSocket = require(workerData.wsPath);
  const ws = new WebSocket(workerData.url);
  ws.on('message', (d) => { received++; bytesIn += d.length; if (d[1] === 0x30) frames++; });
  ws.on('open', () => ws.send(workerData.hello));
} else {
  const net = require('node:net');
  const sock = net.connect(workerData.port, '127.0.0.1', () => {
    sock.write('GET /ws HTTP/1.1\\r\\nHost: 127.0.0.1:' + workerData.port + '\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n');
  });
  let upgraded = false;
  sock.on('data', (d) => {
    bytesIn += d.length;
    if (!upgraded && d.toString('latin1').startsWith('HTTP/1.1 101')) {
      upgraded = true;
      sock.write(frame(workerData.hello));
      setTimeout(flood, 300);
    }
  });
  const chunk = Buffer.concat(Array.from({ length: 10000 }, (_, i) => frame(workerData.msgs[i & 1])));
  let closed = false;
  sock.on('close', () => (closed = true));
  sock.on('error', () => (closed = true));
  function flood() {
    const end = Date.now() + workerData.seconds * 1000;
    if (workerData.rate > 0) {
      // 10 ms ticks of rate/100 messages each.
      const per = Math.max(1, Math.round(workerData.rate / 100));
      const tickChunk = Buffer.concat(Array.from({ length: per }, (_, i) => frame(workerData.msgs[i & 1])));
      const t = setInterval(() => {
        if (Date.now() > end || closed) return clearInterval(t);
        sent += per;
        sock.write(tickChunk);
      }, 10);
      return;
    }
    const go = () => {
      while (Date.now() < end && !closed) {
        sent += 10000;
        if (!sock.write(chunk)) return sock.once('drain', go);
      }
    };
    go();
  }
}
`;

async function main(): Promise<void> {
  // 1. decode alone
  const bigintExt = Uint8Array.from([0x92, 0x10, 0xc9, 0x00, 0x10, 0x00, 0x00, 0x42, ...new Uint8Array(0x100000 - 16)]);
  // [0x10, str32 of 1 048 544 'A's]: valid MessagePack, a string where a bin(8) report is due.
  const strField = new Uint8Array(7 + 0x0fffe0);
  strField.set([0x92, 0x10, 0xdb, 0x00, 0x0f, 0xff, 0xe0]);
  strField.fill(0x41, 7, 7 + 0x0fffe0);
  const times = (bytes: Uint8Array) =>
    Array.from({ length: 20 }, () => {
      const t0 = performance.now();
      const r = decodeClient(bytes, MAX_CLIENT_MESSAGE_BYTES);
      const ms = performance.now() - t0;
      if (r.ok) throw new Error('decoded a hostile message');
      return ms;
    });
  const ext = times(bigintExt.subarray(0, Math.min(bigintExt.length, MAX_CLIENT_MESSAGE_BYTES)));
  const str = times(strField);
  console.log(`decode: 1 MiB BigInt ext refused in p50 ${fmt(pct(ext, 50))} ms, max ${fmt(Math.max(...ext))} ms`);
  console.log(
    `decode: 1 MiB string as a report refused in p50 ${fmt(pct(str, 50))} ms, max ${fmt(Math.max(...str))} ms`,
  );

  const ffmpeg = [
    'ffmpeg',
    '-hide_banner',
    '-loglevel',
    'error',
    '-re',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=20',
    '-q:v',
    '5',
    '-f',
    'mpjpeg',
    '-',
  ];
  const bridge = await startBridge(
    {
      port: 0,
      host: '127.0.0.1',
      staticDir: '/nonexistent',
      hid: { keyboard: '/kbd', mouse: '/mouse', mouseRel: '/rel' },
      video: { kind: 'command', argv: ffmpeg },
      ...(process.env.FLOOD_GUARD === '0' && { limits: { floodCloseRefused: 1e9 } }),
    },
    { log: () => undefined, hidFs: fakeFs, auth: TEST_AUTH_OPTIONS },
  );
  try {
    const url = `ws://127.0.0.1:${bridge.port}/ws`;
    const hello = (token: string) =>
      encodeClient({ type: 'hello', version: PROTOCOL_VERSION, capabilities: [], agent: 'flood', token });
    const adminToken = sessionToken(bridge);

    // Round trip of a 1 MiB BigInt ext through the bridge.
    {
      const ws = new WebSocket(url);
      const replies: number[] = [];
      await new Promise((r) => ws.once('open', r));
      ws.send(hello(adminToken));
      await sleep(200);
      let t0 = 0;
      ws.on('message', (d: Buffer) => {
        if (d[1] === 0x7f) replies.push(performance.now() - t0);
      });
      const msg = bigintExt.subarray(0, MAX_CLIENT_MESSAGE_BYTES);
      for (let i = 0; i < 10; i++) {
        const before = replies.length;
        t0 = performance.now();
        ws.send(msg);
        while (replies.length === before) await sleep(1);
      }
      console.log(
        `bridge: 1 MiB BigInt ext → malformed reply, round trip p50 ${fmt(pct(replies, 50))} ms, max ${fmt(Math.max(...replies))} ms (localhost, includes sending 1 MiB)`,
      );
      ws.close();
      await sleep(300);
    }

    const wsPath = createRequire(import.meta.url).resolve('ws');
    const start = (mode: string, token: string) =>
      new Worker(WORKER, {
        eval: true,
        workerData: {
          wsPath,
          url,
          port: bridge.port,
          rate: Number(process.env.FLOOD_RATE ?? 0),
          mode,
          seconds: SECONDS,
          hello: hello(token),
          msgs: [
            encodeClient({ type: 'keyboard', report: keyboardReport({ modifiers: 0, keys: [4] }) }),
            encodeClient({ type: 'keyboard', report: keyboardReport({ modifiers: 0, keys: [] }) }),
          ],
        },
      });
    const latest = new Map<string, { received: number; frames: number; bytesIn: number; sent: number }>();
    const viewer = start('view', sessionToken(bridge, { user: 'viewer', role: 'viewer' }));
    viewer.on('message', (m) => latest.set('viewer', m));
    await sleep(2000);
    const f0 = latest.get('viewer')?.frames ?? 0;
    await sleep(2000);
    const idleFps = ((latest.get('viewer')?.frames ?? 0) - f0) / 2;

    const c0 = bridge.counters.snapshot();
    const w0 = writes;
    const flooder = start('flood', adminToken);
    flooder.on('message', (m) => latest.set('flooder', m));
    await sleep(300);
    const t0 = performance.now();
    const fStart = latest.get('viewer')?.frames ?? 0;
    const statsMs: number[] = [];
    while (performance.now() - t0 < SECONDS * 1000) {
      const s0 = performance.now();
      const r = await fetch(`http://127.0.0.1:${bridge.port}/api/stats`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      await r.text();
      statsMs.push(performance.now() - s0);
      await sleep(200);
    }
    const secs = (performance.now() - t0) / 1000;
    const c1 = bridge.counters.snapshot();
    const d = (k: string) => (c1[k] ?? 0) - (c0[k] ?? 0);
    const floodFps = ((latest.get('viewer')?.frames ?? 0) - fStart) / secs;
    const stats = (await (
      await fetch(`http://127.0.0.1:${bridge.port}/api/stats`, { headers: { authorization: `Bearer ${adminToken}` } })
    ).json()) as { eventLoop: unknown };
    console.log(`flood: ${SECONDS} s, client sent ${latest.get('flooder')?.sent ?? 0} keyboard messages`);
    console.log(
      `flood: bridge handled ${fmt(d('ws.messages') / secs)} msg/s on average; flooder disconnected: ${d('ws.closed_flood') > 0}`,
    );
    console.log(
      `flood: refused rate-limited ${d('ws.error.rate-limited')}, busy ${d('ws.error.busy')}; reports written ${writes - w0}; send_dropped ${d('ws.send_dropped')}`,
    );
    console.log(`video: viewer ${fmt(idleFps)} fps before, ${fmt(floodFps)} fps during the flood`);
    console.log(
      `/api/stats during the flood: p50 ${fmt(pct(statsMs, 50))} ms, max ${fmt(Math.max(...statsMs))} ms (${statsMs.length} requests)`,
    );
    console.log(`event loop: ${JSON.stringify(stats.eventLoop)}`);
    await flooder.terminate();
    await viewer.terminate();
  } finally {
    await bridge.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
