/**
 * On-screen keyboard latency: `npx tsx test/bench/osk-latency.bench.ts` (OSK_TAPS=200 by default).
 * Prints numbers; asserts nothing.
 *
 * The PWA runs in headless Chromium as an iPad-class tablet (playwright-core `devices`), the OSK
 * open, and a finger taps ArrowLeft (harmless on the shell's empty line) through CDP
 * Input.dispatchTouchEvent. For each touch, the time from the key's `pointerdown` / `pointerup`
 * (the event's timeStamp, on the page clock) to the bridge's write of the keyboard report on its
 * HID device (a wrapped fs, on the bridge clock) is measured; the page clock is moved onto the
 * bridge clock with the protocol's ping/pong clock offset. Reports p50/p95/max for the press and
 * the release, with the machine's cores, load and noise.
 */
import * as nodeFs from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devices } from 'playwright-core';
import { makeAuthDir, TEST_AUTH_OPTIONS } from '../../bridge/src/auth/testing.ts';
import { DEFAULT_STATIC_DIR } from '../../bridge/src/config.ts';
import type { HidFs } from '../../bridge/src/hid/device.ts';
import { startBridge } from '../../bridge/src/server.ts';
import { startSimTarget } from '../../hardware/sim/target.ts';
import { launchChromium, waitForKvm } from '../e2e/harness.ts';
import { prepare, sleep } from './lib/common.ts';
import { f1, pct, startNoiseProbe } from './lib/stats.ts';

const TAPS = Number(process.env.OSK_TAPS ?? 200);
const DISPLAY = process.env.SIM_DISPLAY ?? ':102';
const now = () => performance.timeOrigin + performance.now();

type PageKvm = { kvm: { connection(): { clockOffsetMs: number; rttMs: number } } };

async function main(): Promise<void> {
  await prepare();
  const workDir = mkdtempSync(join(tmpdir(), 'kvm-bench-osk-'));
  const authDir = makeAuthDir();
  const sim = await startSimTarget({
    display: DISPLAY,
    width: 1024,
    height: 768,
    fps: 15,
    workDir,
    log: () => undefined,
  });
  const noise = startNoiseProbe();
  try {
    const writes: number[] = [];
    let keyboardFd = -1;
    const timedFs: HidFs = {
      openSync: (p, f) => {
        const fd = nodeFs.openSync(p, f);
        if (p === sim.devices.keyboard) keyboardFd = fd;
        return fd;
      },
      writeSync: (fd, b) => {
        const n = nodeFs.writeSync(fd, b);
        if (fd === keyboardFd) writes.push(now());
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
    const context = await browser.newContext({ ...devices['iPad Pro 11'] });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${bridge.port}/#login=${bridge.oneTimeLogin()}`);
    await waitForKvm(page);
    if (!(await page.getByTestId('open-osk').isVisible())) await page.getByTestId('toolbar-menu').click();
    await page.getByTestId('open-osk').click();
    const key = page.locator('[data-testid="osk-board"] [data-code="ArrowLeft"]');
    await key.waitFor();
    const box = (await key.boundingBox())!;
    const point = { id: 1, x: box.x + box.width / 2, y: box.y + box.height / 2, radiusX: 4, radiusY: 4, force: 1 };
    await page.evaluate(() => {
      const w = window as unknown as { oskTimes: number[] };
      w.oskTimes = [];
      const el = document.querySelector('[data-testid="osk-board"] [data-code="ArrowLeft"]')!;
      for (const t of ['pointerdown', 'pointerup'])
        el.addEventListener(t, (e) => w.oskTimes.push(performance.timeOrigin + e.timeStamp), { capture: true });
    });
    const cdp = await context.newCDPSession(page);
    await sleep(2500); // a few pings for the clock offset
    writes.length = 0;
    for (let i = 0; i < TAPS; i++) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
      await sleep(15);
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [point] });
      await sleep(15);
    }
    await sleep(500);
    const { times, offset, rtt } = await page.evaluate(() => ({
      times: (window as unknown as { oskTimes: number[] }).oskTimes,
      offset: (window as unknown as PageKvm).kvm.connection().clockOffsetMs,
      rtt: (window as unknown as PageKvm).kvm.connection().rttMs,
    }));
    if (times.length !== writes.length)
      console.log(`warning: ${times.length} pointer events vs ${writes.length} reports written`);
    const lat = times.slice(0, writes.length).map((t, i) => writes[i]! - (t + offset));
    const press = lat.filter((_, i) => i % 2 === 0);
    const release = lat.filter((_, i) => i % 2 === 1);
    const line = (what: string, xs: number[]) =>
      `${what}: p50 ${f1(pct(xs, 50))} ms, p95 ${f1(pct(xs, 95))} ms, max ${f1(Math.max(...xs))} ms (${xs.length})`;
    console.log(`OSK tap → keyboard report written on the bridge's HID device (iPad Pro 11, CDP touch, ${TAPS} taps)`);
    console.log(line('  press (pointerdown → report)', press));
    console.log(line('  release (pointerup → report)', release));
    console.log(`  clock offset ${f1(offset)} ms, WebSocket RTT ${f1(rtt)} ms`);
    console.log(noise.report('OSK latency'));
    await browser.close();
    await bridge.close();
  } finally {
    noise.stop();
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
