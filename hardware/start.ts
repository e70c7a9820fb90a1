/**
 * `npm start`: the whole main job on a machine without a Pi. Builds the PWA if needed, starts
 * the simulated target (Xvfb + xterm + HID ptys, hardware/sim/) and the bridge against it through
 * the same device-path and video-source config a Pi uses, then prints the URL.
 * Env: PORT (HTTP port, default 8000), SIM_DISPLAY (X display, default :99).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STATIC_DIR } from '../bridge/src/config.ts';
import { startBridge } from '../bridge/src/server.ts';
import { ensureSimDeps } from './sim/deps.ts';
import { startSimTarget } from './sim/target.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8000);
  const display = process.env.SIM_DISPLAY ?? ':99';
  console.log(`PORT=${port} SIM_DISPLAY=${display}`);
  if (!existsSync(`${DEFAULT_STATIC_DIR}/index.html`) || process.env.REBUILD === '1') {
    console.log('building the PWA (vite build)…');
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('vite build failed');
  }
  await ensureSimDeps();
  console.log('starting the simulated target…');
  const sim = await startSimTarget({ display, log: (l) => console.log(`[sim] ${l}`) });
  const bridge = await startBridge(
    {
      port,
      host: process.env.HOST ?? '0.0.0.0',
      staticDir: DEFAULT_STATIC_DIR,
      hid: { keyboard: sim.devices.keyboard, mouse: sim.devices.mouse, mouseRel: sim.devices.mouseRelative },
      video: { kind: 'command', argv: sim.videoCommand },
    },
    { listenRetryMs: 90_000 },
  );
  console.log('');
  console.log(`  KVM ready: open http://localhost:${bridge.port}/`);
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
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  console.error(`npm start failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
