/**
 * `npm start`: the whole main job on a machine without a Pi. Builds the PWA if needed, starts
 * the simulated target (Xvfb + xterm + HID ptys, hardware/sim/) and the bridge against it through
 * the same device-path and video-source config a Pi uses, then prints a login URL that signs the
 * local user in with a one-time token, like a notebook server (`/#login=<token>`: one use, 1 h;
 * press Enter for a fresh one). Accounts live in .run/auth/ (user "local", admin, no password).
 * Env: PORT (HTTP port, default 8000), HOST (listen address, default 127.0.0.1: this machine
 * only), SIM_DISPLAY (X display, default :99).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STATIC_DIR, DEV_USERS_FILE } from '../bridge/src/config.ts';
import { startBridge } from '../bridge/src/server.ts';
import { ensureWebBuild } from './deps/web-build.ts';
import { ensureSimDeps } from './sim/deps.ts';
import { startSimTarget } from './sim/target.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8000);
  const display = process.env.SIM_DISPLAY ?? ':99';
  console.log(`PORT=${port} SIM_DISPLAY=${display}`);
  if (process.env.REBUILD === '1') {
    console.log('building the PWA (vite build)…');
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('vite build failed');
  } else {
    // Missing or older than its sources (after a pull, say): build; otherwise reuse it.
    await ensureWebBuild();
  }
  await ensureSimDeps();
  console.log('starting the simulated target…');
  const sim = await startSimTarget({ display, log: (l) => console.log(`[sim] ${l}`) });
  const bridge = await startBridge(
    {
      port,
      host: process.env.HOST ?? '127.0.0.1',
      staticDir: DEFAULT_STATIC_DIR,
      hid: { keyboard: sim.devices.keyboard, mouse: sim.devices.mouse, mouseRel: sim.devices.mouseRelative },
      video: { kind: 'command', argv: sim.videoCommand },
      auth: { usersFile: DEV_USERS_FILE },
    },
    { listenRetryMs: 90_000 },
  );
  console.log('');
  const loginUrl = (): string => `http://127.0.0.1:${bridge.port}/#login=${bridge.oneTimeLogin()}`;
  console.log(`  KVM ready: open ${loginUrl()}`);
  console.log('  (a one-time login link, valid for 1 h; press Enter for a new one)');
  console.log(
    `  simulated target: X display ${sim.display} (${sim.width}x${sim.height}), HID devices ${sim.devices.keyboard}, ${sim.devices.mouse}`,
  );
  console.log('  Ctrl+C stops everything.');
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await bridge.close();
    await sim.stop();
    process.exit(0);
  };
  if (process.stdin.isTTY)
    process.stdin.on('data', (d: Buffer) => {
      if (d.includes(0x0a) || d.includes(0x0d)) console.log(`  new login link: ${loginUrl()}`);
    });
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  console.error(`npm start failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
