/**
 * The bridge in its own process for the benchmarks, so the bench's own work (X reads, Chromium
 * driving) does not share its event loop. Config: BENCH_BRIDGE (JSON BridgeConfig; auth in a temp
 * dir with the test's cheap hashes). Prints `{"port":N}` once listening; every stdin line `login`
 * is answered with one line `{"login":"<one-time token>"}` for the local admin.
 */
import { createInterface } from 'node:readline';
import { makeAuthDir, TEST_AUTH_OPTIONS } from '../../../bridge/src/auth/testing.ts';
import type { BridgeConfig } from '../../../bridge/src/config.ts';
import { startBridge } from '../../../bridge/src/server.ts';

const config = JSON.parse(process.env.BENCH_BRIDGE ?? '{}') as BridgeConfig & { allowedHosts?: string[] };
const authDir = makeAuthDir();
const bridge = await startBridge(
  { ...config, auth: { ...authDir.config, allowedHosts: config.allowedHosts ?? [] } },
  { log: (l) => console.error(`[bridge] ${l}`), auth: TEST_AUTH_OPTIONS },
);
console.log(JSON.stringify({ port: bridge.port }));
createInterface({ input: process.stdin }).on('line', (l) => {
  if (l.trim() === 'login') console.log(JSON.stringify({ login: bridge.oneTimeLogin() }));
});
const stop = () =>
  void bridge.close().then(() => {
    authDir.cleanup();
    process.exit(0);
  });
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
