/**
 * Auth numbers for the issue note (a script, not a test):
 *   npx tsx test/bridge/auth/login.bench.ts
 * 1. scrypt at the default cost (N=2^17, r=8, p=1): ms per hash.
 * 2. correct-password logins over HTTP, one client after another: logins/s.
 * 3. a wrong-password flood from one address for FLOOD_S seconds: how many reached scrypt and how
 *    many were refused with 429, and the latency of GET /api/auth/state meanwhile (event loop).
 */
import { Hasher } from '../../../bridge/src/auth/password.ts';
import { baseUrl, createUsers, makeAuthDir } from '../../../bridge/src/auth/testing.ts';
import { SCRYPT_DEFAULT } from '../../../bridge/src/auth/password.ts';
import { startBridge } from '../../../bridge/src/server.ts';

const FLOOD_S = Number(process.env.FLOOD_S ?? 30);

const h = new Hasher();
const times: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  await h.hash('benchmark password');
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(
  `scrypt N=2^17 r=8 p=1: median ${times[2]!.toFixed(0)} ms per hash (min ${times[0]!.toFixed(0)}, max ${times[4]!.toFixed(0)})`,
);

const dir = makeAuthDir();
await createUsers(dir.config.usersFile, [{ user: 'alice', password: 'alice-password', role: 'admin' }], SCRYPT_DEFAULT);
const bridge = await startBridge(
  {
    port: 0,
    host: '127.0.0.1',
    staticDir: '/nonexistent',
    hid: { keyboard: '/dev/null', mouse: '/dev/null', mouseRel: '/dev/null' },
    video: { kind: 'command', argv: ['sleep', '600'] },
    auth: dir.config,
  },
  { log: () => undefined },
);
const base = baseUrl(bridge);
const post = (password: string) =>
  fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'alice', password }),
  });

let t0 = performance.now();
const N = 6;
for (let i = 0; i < N; i++) if ((await post('alice-password')).status !== 200) throw new Error('login failed');
console.log(`correct logins, sequential: ${(N / ((performance.now() - t0) / 1000)).toFixed(2)} logins/s`);

// The flood: 4 clients in parallel, all wrong, for FLOOD_S seconds.
const counts: Record<number, number> = {};
const stateMs: number[] = [];
let stop = false;
t0 = performance.now();
const probe = (async () => {
  while (!stop) {
    const t = performance.now();
    await fetch(`${base}/api/auth/state`);
    stateMs.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 100));
  }
})();
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (performance.now() - t0 < FLOOD_S * 1000) {
      const r = await post('wrong-password');
      counts[r.status] = (counts[r.status] ?? 0) + 1;
      await r.arrayBuffer();
    }
  }),
);
stop = true;
await probe;
stateMs.sort((a, b) => a - b);
const total = Object.values(counts).reduce((a, b) => a + b, 0);
console.log(
  `wrong-password flood, 4 parallel clients from one address, ${FLOOD_S} s: ${total} attempts, ` +
    `${counts[401] ?? 0} checked (401), ${counts[429] ?? 0} refused unchecked (429); ` +
    `scrypt-checked guesses/s ${((counts[401] ?? 0) / FLOOD_S).toFixed(2)}`,
);
console.log(
  `GET /api/auth/state during the flood: median ${stateMs[Math.floor(stateMs.length / 2)]!.toFixed(1)} ms, ` +
    `max ${stateMs[stateMs.length - 1]!.toFixed(1)} ms over ${stateMs.length} requests`,
);
console.log(
  `counters: ${JSON.stringify(Object.fromEntries(Object.entries(bridge.counters.snapshot()).filter(([k]) => k.startsWith('auth.'))))}`,
);
await bridge.close();
dir.cleanup();
process.exit(0);
