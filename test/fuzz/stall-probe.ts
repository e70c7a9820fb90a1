/**
 * The bridge's own event-loop stall per kind of large message, one message at a time (3 tries
 * each): what made `npm run fuzz` report stalls. `npx tsx test/fuzz/stall-probe.ts`
 */
import WebSocket from 'ws';
import { spawnBridge } from './bridge-proc.ts';
import { decodeServer, encodeClient, PROTOCOL_VERSION } from '../../protocol/index.ts';
import { arr, arrHeader, bin, binHeader, cat, ext, str, strHeader, uint } from './msgpack-raw.ts';
const b = await spawnBridge({ hid: 'fake', limits: { inputRate: 20000, inputBurst: 40000 } });
const ws = new WebSocket(`ws://127.0.0.1:${b.port}/ws`, { maxPayload: 1 << 26 });
let pong = (): void => undefined;
ws.on('message', (d: Buffer) => {
  const r = decodeServer(new Uint8Array(d), 1 << 26);
  if (r.ok && r.message.type === 'pong') pong();
});
await new Promise((r) => ws.once('open', r));
ws.send(
  encodeClient({ type: 'hello', version: PROTOCOL_VERSION, capabilities: [], agent: 'd', token: await b.token() }),
);
await new Promise((r) => setTimeout(r, 500));
const n = (1 << 20) - 32;
const step = arr(uint(0), bin(new Uint8Array(8)), uint(0));
const cases: Record<string, Uint8Array> = {
  'array of 1M fixints (dd + 00...)': cat(arrHeader(n), new Uint8Array(n)),
  'error with a 1 MiB message str': arr(uint(0x7f), str('bad-field'), cat(strHeader(n), new Uint8Array(n).fill(0x61))),
  'keyboard with a 1 MiB bin': arr(uint(0x10), cat(binHeader(n), new Uint8Array(n))),
  'bigint ext of 1 MiB': ext(0x42, new Uint8Array(n).fill(0xff)),
  'batch of 50000 zero-delay steps (over the limit)': arr(
    uint(0x13),
    uint(5),
    cat(arrHeader(50000), ...Array.from({ length: 50000 }, () => step)),
  ),
  'batch of 10000 zero-delay steps (the limit)': arr(
    uint(0x13),
    uint(7),
    cat(arrHeader(10000), ...Array.from({ length: 10000 }, () => step)),
  ),
  'batch of 5000 zero-delay steps': arr(
    uint(0x13),
    uint(6),
    cat(arrHeader(5000), ...Array.from({ length: 5000 }, () => step)),
  ),
};
for (const [name, data] of Object.entries(cases)) {
  const busy: number[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 300));
    await b.stats({ resetLoop: true });
    ws.send(data);
    ws.send(encodeClient({ type: 'ping', id: 1, sentAt: 1 }));
    await new Promise<void>((r) => (pong = r));
    await new Promise((r) => setTimeout(r, 300));
    busy.push((await b.stats()).busyStallMaxMs);
  }
  console.log(`${name} (${data.length} bytes): busy stall ${busy.map((x) => x.toFixed(0)).join(', ')} ms`);
}
await b.stop();
process.exit(0);
