/**
 * Benchmark for the main job: `npm run bench`. Prints numbers; asserts nothing.
 * 1. PWA in headless Chromium against the simulated target (1280x720, 30 fps MJPEG):
 *    frames painted per second and worker decode time p50/p95 over BENCH_SECONDS.
 * 2. Key press in the page → keyboard report written by the bridge, p50/p99 over 300 presses.
 *    Page time is moved onto the bridge clock with the protocol's ping/pong clock offset.
 * 3. The bridge as its own process with 4 WebSocket viewers: CPU % and RSS.
 */
import { spawn } from 'node:child_process';
import * as nodeFs from 'node:fs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { DEFAULT_STATIC_DIR } from '../../bridge/src/config.ts';
import type { HidFs } from '../../bridge/src/hid/device.ts';
import { createUsers, login, makeAuthDir, TEST_AUTH_OPTIONS } from '../../bridge/src/auth/testing.ts';
import { startBridge } from '../../bridge/src/server.ts';
import { startSimTarget } from '../../hardware/sim/target.ts';
import { encodeClient, PROTOCOL_VERSION } from '../../protocol/index.ts';
import { launchChromium, typeLikeAPerson, waitForKvm } from '../e2e/harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DISPLAY = process.env.SIM_DISPLAY ?? ':94';
const now = () => performance.timeOrigin + performance.now();
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BENCH_PASSWORD = 'bench viewer password';

type PageKvm = {
  kvm: {
    stats(): Promise<{ framesPainted: number; decodeMs: { p50: number; p95: number }; decoder: string }>;
    connection(): { clockOffsetMs: number; rttMs: number };
  };
};

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'kvm-bench-'));
  const authDir = makeAuthDir();
  const sim = await startSimTarget({
    display: DISPLAY,
    width: 1280,
    height: 720,
    fps: 30,
    workDir,
    log: () => undefined,
  });
  try {
    // Wrap the real fs so the bridge's keyboard writes are timestamped as they return.
    const keyboardWrites: number[] = [];
    let keyboardFd = -1;
    const timedFs: HidFs = {
      openSync: (p, f) => {
        const fd = nodeFs.openSync(p, f);
        if (p === sim.devices.keyboard) keyboardFd = fd;
        return fd;
      },
      writeSync: (fd, b) => {
        const n = nodeFs.writeSync(fd, b);
        if (fd === keyboardFd) keyboardWrites.push(now());
        return n;
      },
      readSync: (fd, b, o, l, pos) => nodeFs.readSync(fd, b, o, l, pos),
      closeSync: (fd) => nodeFs.closeSync(fd),
    };
    const bridge = await startBridge(
      {
        port: 0,
        host: '127.0.0.1',
        staticDir: DEFAULT_STATIC_DIR,
        hid: { keyboard: sim.devices.keyboard, mouse: sim.devices.mouse, mouseRel: sim.devices.mouseRelative },
        video: { kind: 'command', argv: sim.videoCommand },
        auth: authDir.config,
      },
      { log: () => undefined, hidFs: timedFs, auth: TEST_AUTH_OPTIONS },
    );
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // In through a one-time login link, as npm start prints it.
    await page.goto(`http://127.0.0.1:${bridge.port}/#login=${bridge.oneTimeLogin()}`);
    await waitForKvm(page);
    // A text-dense screen (the heavy case for MJPEG) that keeps changing every 100 ms.
    await page.locator('#screen').click({ position: { x: 5, y: 5 } });
    await typeLikeAPerson(page, 'clear; ls -la /usr/bin | head -40; while true; do date +%T.%N; sleep 0.1; done');
    await page.keyboard.press('Enter');
    await sleep(3000); // warm up: decoder chosen, JIT warm
    const stats = () => page.evaluate(() => (window as unknown as PageKvm).kvm.stats());
    const s0 = await stats();
    const t0 = Date.now();
    await sleep(SECONDS * 1000);
    const s1 = await stats();
    const fps = (s1.framesPainted - s0.framesPainted) / ((Date.now() - t0) / 1000);
    console.log(
      `frames painted per second: ${fps.toFixed(1)} (source 30 fps, 1280x720 MJPEG, ${SECONDS} s, decoder ${s1.decoder})`,
    );
    console.log(`worker decode time: p50 ${s1.decodeMs.p50.toFixed(2)} ms, p95 ${s1.decodeMs.p95.toFixed(2)} ms`);

    // Key latency: Shift presses do nothing in the shell, so the target stays as it is.
    await page.evaluate(() => {
      const w = window as unknown as { keyTimes: number[] };
      w.keyTimes = [];
      window.addEventListener('keydown', (e) => w.keyTimes.push(performance.timeOrigin + e.timeStamp), {
        capture: true,
      });
      window.addEventListener('keyup', (e) => w.keyTimes.push(performance.timeOrigin + e.timeStamp), { capture: true });
    });
    await sleep(2500); // a few pings for the clock offset
    keyboardWrites.length = 0;
    const PRESSES = 300;
    for (let i = 0; i < PRESSES; i++) {
      await page.keyboard.down('Shift');
      await sleep(5);
      await page.keyboard.up('Shift');
      await sleep(5);
    }
    await sleep(500);
    const { keyTimes, offset } = await page.evaluate(() => ({
      keyTimes: (window as unknown as { keyTimes: number[] }).keyTimes,
      offset: (window as unknown as PageKvm).kvm.connection().clockOffsetMs,
    }));
    if (keyTimes.length !== keyboardWrites.length)
      console.log(`warning: ${keyTimes.length} key events vs ${keyboardWrites.length} reports written`);
    const lat = keyTimes.slice(0, keyboardWrites.length).map((t, i) => keyboardWrites[i]! - (t + offset));
    console.log(
      `key press in page → report written: p50 ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms (${lat.length} reports, clock offset ${offset.toFixed(2)} ms)`,
    );
    await browser.close();
    await bridge.close();

    // Bridge CPU and RSS with 4 viewers, bridge in its own process.
    const cfg = join(workDir, 'bridge.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        hid: { keyboard: sim.devices.keyboard, mouse: sim.devices.mouse, mouseRel: sim.devices.mouseRelative },
        video: { kind: 'command', argv: sim.videoCommand },
        auth: { usersFile: join(workDir, 'bench-users.json') },
      }),
    );
    // An admin must exist, or every /api/* answers setup-required; the viewers use a viewer's session.
    await createUsers(join(workDir, 'bench-users.json'), [
      { user: 'admin', password: BENCH_PASSWORD, role: 'admin' },
      { user: 'bench', password: BENCH_PASSWORD, role: 'viewer' },
    ]);
    const port = 18000 + Math.floor(Math.random() * 1000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'bridge/src/main.ts'], {
      env: { ...process.env, BRIDGE_CONFIG: cfg, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Ends the child however the measurement below ends.
    process.on('exit', () => child.kill('SIGTERM'));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => d.toString().includes('listening') && resolve()),
    );
    const { token } = await login(`http://127.0.0.1:${port}`, 'bench', BENCH_PASSWORD);
    const viewers = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<{ ws: WebSocket; frames: number; bytes: number }>((resolve) => {
            const v = { ws: new WebSocket(`ws://127.0.0.1:${port}/ws`), frames: 0, bytes: 0 };
            v.ws.on('open', () => {
              v.ws.send(
                encodeClient({
                  type: 'hello',
                  version: PROTOCOL_VERSION,
                  capabilities: ['video'],
                  agent: 'bench',
                  token,
                }),
              );
              resolve(v);
            });
            v.ws.on('message', (d: Buffer) => {
              if (d[1] === 0x30) v.frames++; // [array header, tag 0x30 frame, ...]
              v.bytes += d.length;
            });
          }),
      ),
    );
    await sleep(3000);
    // The login's scrypt (128 MiB at N=2^17, on the Pi too) is not streaming: reset the peak RSS
    // (VmHWM) after it (proc(5), clear_refs "5").
    writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
    const cpu = () => {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, clock ticks (USER_HZ 100)
    };
    const c0 = cpu();
    const f0 = viewers.map((v) => v.frames);
    const w0 = Date.now();
    await sleep(SECONDS * 1000);
    const secs = (Date.now() - w0) / 1000;
    const cpuPct = ((cpu() - c0) / secs) * 100;
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
    const perViewer = viewers.map((v, i) => ((v.frames - f0[i]!) / secs).toFixed(1)).join(', ');
    const kb = viewers[0]!.bytes / Math.max(1, viewers[0]!.frames) / 1024;
    console.log(
      `bridge with 4 viewers: CPU ${cpuPct.toFixed(1)} % of one core, RSS ${rss.toFixed(1)} MiB (peak ${hwm.toFixed(1)} MiB); frames/s per viewer: ${perViewer}; ${kb.toFixed(0)} KiB per frame`,
    );
    for (const v of viewers) v.ws.close();
    child.kill('SIGTERM');
  } finally {
    await sim.stop();
    authDir.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench failed: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  },
);
