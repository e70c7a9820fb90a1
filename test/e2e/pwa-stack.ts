import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loginOnce, makeAuthDir, TEST_AUTH_OPTIONS } from '../../bridge/src/auth/testing.ts';
import { DEFAULT_STATIC_DIR } from '../../bridge/src/config.ts';
import { startBridge, type Bridge } from '../../bridge/src/server.ts';
import { startSimTarget, type SimTarget } from '../../hardware/sim/target.ts';
import { CHROMIUM_ARGS, VIEWPORT } from './harness.ts';
import { startOutageProxy } from './outage-proxy.ts';

/**
 * The stack for the installed-PWA tests and the offline-open benchmark: the simulated target, a
 * bridge that can be stopped and started again behind one fixed origin (the outage proxy's
 * `http://127.0.0.1:PORT/`, a secure context), and Chromium with a persistent profile (a temp
 * user data dir) that keeps the service worker, its precache, localStorage and IndexedDB across
 * browser processes, as an installed app does.
 *
 * The PWA is served from a private copy of web/dist (`webDir`), so a rebuild by another test run
 * does not change it mid-test and a test can serve a changed copy (an update).
 */
export interface PwaStack {
  sim: SimTarget;
  /** The running bridge (throws while stopped). */
  bridge(): Bridge;
  /** The app's origin, e.g. `http://127.0.0.1:PORT/`. */
  url: string;
  /** This stack's copy of web/dist. */
  webDir: string;
  workDir: string;
  logs: string[];
  /** The persistent browser context (null while closed). */
  context(): BrowserContext | null;
  /** Stops the bridge; the origin then refuses every connection (the proxy finds no upstream). */
  stopBridge(): Promise<void>;
  /** Starts a bridge (same accounts and sessions: a session stays valid) serving `staticDir`. */
  startBridge(staticDir?: string): Promise<void>;
  /** Launches Chromium on the persistent profile (a new browser process) and returns its first page. */
  launch(): Promise<Page>;
  /** Closes the browser process (the profile stays). */
  closeBrowser(): Promise<void>;
  /** Opens the app in `page` through a fresh one-time `#login=` link. */
  login(page: Page): Promise<void>;
  stop(): Promise<void>;
}

export async function startPwaStack(opts: { display: string; fps?: number }): Promise<PwaStack> {
  const workDir = mkdtempSync(join(tmpdir(), 'kvm-pwa-'));
  const profileDir = join(workDir, 'profile');
  const webDir = join(workDir, 'web');
  cpSync(DEFAULT_STATIC_DIR, webDir, { recursive: true });
  const logs: string[] = [];
  const log = (l: string): void => void logs.push(l);
  const authDir = makeAuthDir();
  const sim = await startSimTarget({
    display: opts.display,
    width: 1024,
    height: 768,
    fps: opts.fps ?? 10,
    workDir,
    log,
  });
  let bridge: Bridge | null = null;
  const proxy = await startOutageProxy(() => bridge?.port ?? 1);
  const url = `http://127.0.0.1:${proxy.port}/`;
  let context: BrowserContext | null = null;

  const start = async (staticDir = webDir): Promise<void> => {
    if (bridge) throw new Error('bridge already running');
    bridge = await startBridge(
      {
        port: 0,
        host: '127.0.0.1',
        staticDir,
        hid: { keyboard: sim.devices.keyboard, mouse: sim.devices.mouse, mouseRel: sim.devices.mouseRelative },
        video: { kind: 'command', argv: sim.videoCommand },
        auth: { ...authDir.config, allowedHosts: [`127.0.0.1:${proxy.port}`] },
      },
      { log, auth: TEST_AUTH_OPTIONS },
    );
  };
  const stopBridge = async (): Promise<void> => {
    const b = bridge;
    bridge = null;
    await b?.close();
  };
  const closeBrowser = async (): Promise<void> => {
    const c = context;
    context = null;
    await c?.close().catch((e: unknown) => console.warn('browser close failed', e));
  };
  await start();
  return {
    sim,
    bridge: () => {
      if (!bridge) throw new Error('the bridge is stopped');
      return bridge;
    },
    url,
    webDir,
    workDir,
    logs,
    context: () => context,
    stopBridge,
    startBridge: start,
    launch: async () => {
      if (context) throw new Error('browser already running');
      const c = await chromium.launchPersistentContext(profileDir, {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: VIEWPORT,
      });
      context = c;
      const page = c.pages()[0] ?? (await c.newPage());
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') logs.push(`console.${m.type()}: ${m.text()}`);
      });
      return page;
    },
    closeBrowser,
    login: async (page) => {
      if (!bridge) throw new Error('the bridge is stopped');
      await page.goto(`${url}#login=${bridge.oneTimeLogin()}`);
    },
    stop: async () => {
      await closeBrowser();
      await proxy.close();
      await stopBridge();
      await sim.stop();
      rmSync(workDir, { recursive: true, force: true });
      authDir.cleanup();
      if (process.env.E2E_LOGS) console.log(logs.join('\n'));
    },
  };
}

/** A session token over HTTP for the running bridge (API calls from the test). */
export async function stackToken(stack: PwaStack): Promise<string> {
  const b = stack.bridge();
  return (await loginOnce(`http://127.0.0.1:${b.port}`, b.oneTimeLogin())).token;
}

/** Waits until a service worker is active for the page's origin and its precache is complete. */
export async function waitForServiceWorker(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.waitForSelector('[data-testid="pwa"][data-sw="active"]', { state: 'attached', timeout: timeoutMs });
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}
