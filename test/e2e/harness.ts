import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AuthConfig, Role } from '../../bridge/src/auth/index.ts';
import { writeSetupToken } from '../../bridge/src/auth/onetime.ts';
import type { ThrottleOptions } from '../../bridge/src/auth/throttle.ts';
import { createUsers, loginOnce, makeAuthDir, TEST_AUTH_OPTIONS } from '../../bridge/src/auth/testing.ts';
import { DEFAULT_STATIC_DIR } from '../../bridge/src/config.ts';
import { startBridge, type Bridge } from '../../bridge/src/server.ts';
import { startSimTarget, type SimTarget } from '../../hardware/sim/target.ts';
import { startOutageProxy } from './outage-proxy.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export const VIEWPORT = { width: 1280, height: 900 };

export interface Stack {
  sim: SimTarget;
  bridge: Bridge;
  /** Cuts the network between page and bridge, runs `whileDown`, then restores it. */
  outage(whileDown: () => Promise<void>): Promise<void>;
  browser: Browser;
  /** The first page's browser context (a fresh one per user: localStorage is per context). */
  context: BrowserContext;
  /** The first page: logged in as the bridge's local admin through a `#login=` link, unless `login: 'none'`. */
  page: Page;
  /** The PWA's address through the outage proxy, e.g. `http://127.0.0.1:PORT/`. */
  url: string;
  /** The bridge's own address (no proxy), e.g. `http://127.0.0.1:PORT`, for API calls. */
  base: string;
  /** The accounts file (bridge/src/auth): add users with createUsers(stack.usersFile, ...). */
  usersFile: string;
  /** The installer's setup token when started with `setup: true`. */
  setupToken: string;
  workDir: string;
  /** Log lines so far: sim, bridge, and every page's errors and console errors/warnings. */
  logs: string[];
  /**
   * A session token over HTTP (POST /api/login/once with a fresh one-time token), for raw
   * WebSocket clients and API calls. Default user: the bridge's local admin.
   */
  token(user?: { user: string; role: Role }): Promise<string>;
  /** Opens the PWA in a new context through a fresh one-time `#login=` link for `user`. */
  openAs(user?: { user: string; role: Role }): Promise<Page>;
  stop(): Promise<void>;
}

export interface StackOptions {
  display: string;
  width?: number;
  height?: number;
  fps?: number;
  /**
   * How the first page comes in: 'link' (default) through a one-time `#login=` link as npm start
   * prints it, then waits for the KVM (connected, HID online, video, in control); 'none' leaves it
   * on whatever the PWA shows first (the login or setup page).
   */
  login?: 'link' | 'none';
  /** Start as a fresh install: no accounts, a setup token written (see Stack.setupToken). */
  setup?: boolean;
  users?: { user: string; password: string; role: Role }[];
  throttle?: ThrottleOptions;
  auth?: Partial<AuthConfig>;
}

/** Waits until the page shows the KVM: connected, HID online, video present, and (default) in control. */
export async function waitForKvm(page: Page, opts: { control?: boolean } = {}): Promise<void> {
  await page.waitForSelector('[data-testid="conn"][data-state="open"]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="hid"][data-online="true"]', { timeout: 30_000 });
  await page.waitForFunction(
    () => {
      const kvm = (window as unknown as { kvm?: { connection(): { video?: { present?: boolean } } } }).kvm;
      return kvm?.connection().video?.present === true;
    },
    null,
    { timeout: 30_000 },
  );
  if (opts.control !== false)
    await page.waitForSelector('[data-testid="control"][data-holder="you"]', { timeout: 30_000 });
}

/** Logs in through the PWA's login page, as a person would. */
export async function loginInPage(page: Page, user: string, password: string): Promise<void> {
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/**
 * The whole main job for a test: simulated target, bridge on a free port with auth on (accounts
 * in a temp dir, cheap test hashes), and the PWA open in headless Chromium, logged in through a
 * one-time link, connected with video present and in control.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const workDir = mkdtempSync(join(tmpdir(), 'kvm-e2e-'));
  const logs: string[] = [];
  const log = (l: string) => logs.push(l);
  const authDir = makeAuthDir(opts.auth);
  const setupToken = opts.setup ? writeSetupToken(join(authDir.dir, 'setup-token.json')).token : '';
  if (opts.users?.length) await createUsers(authDir.config.usersFile, opts.users);
  const sim = await startSimTarget({
    display: opts.display,
    width: opts.width ?? 1024,
    height: opts.height ?? 768,
    fps: opts.fps ?? 15,
    workDir,
    log,
  });
  // The proxy listens first: the bridge must be told the Host the page reaches it by.
  let bridgePort = 0;
  const proxy = await startOutageProxy(() => bridgePort);
  const bridge = await startBridge(
    {
      port: 0,
      host: '127.0.0.1',
      staticDir: DEFAULT_STATIC_DIR,
      hid: { keyboard: sim.devices.keyboard, mouse: sim.devices.mouse, mouseRel: sim.devices.mouseRelative },
      video: { kind: 'command', argv: sim.videoCommand },
      auth: { ...authDir.config, allowedHosts: [`127.0.0.1:${proxy.port}`, ...(opts.auth?.allowedHosts ?? [])] },
    },
    { log, auth: { ...TEST_AUTH_OPTIONS, ...(opts.throttle && { throttle: opts.throttle }) } },
  );
  bridgePort = bridge.port;
  const browser = await launchChromium();
  const url = `http://127.0.0.1:${proxy.port}/`;
  const open = async (hash: string): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') logs.push(`console.${m.type()}: ${m.text()}`);
    });
    await page.goto(`${url}${hash}`);
    return { context, page };
  };
  const first = await open(
    opts.setup ? `#setup=${setupToken}` : opts.login === 'none' ? '' : `#login=${bridge.oneTimeLogin()}`,
  );
  if (!opts.setup && opts.login !== 'none') await waitForKvm(first.page);
  const stack: Stack = {
    sim,
    bridge,
    browser,
    context: first.context,
    page: first.page,
    url,
    base: `http://127.0.0.1:${bridge.port}`,
    usersFile: authDir.config.usersFile,
    setupToken,
    workDir,
    logs,
    token: async (u) => (await loginOnce(`http://127.0.0.1:${bridge.port}`, bridge.oneTimeLogin(u))).token,
    openAs: async (u) => (await open(`#login=${bridge.oneTimeLogin(u)}`)).page,
    outage: async (whileDown) => {
      await proxy.cut();
      await whileDown();
      await proxy.restore();
    },
    stop: async () => {
      await browser.close().catch((e: unknown) => console.warn('browser close failed', e));
      await proxy.close();
      await bridge.close();
      await sim.stop();
      rmSync(workDir, { recursive: true, force: true });
      authDir.cleanup();
      if (process.env.E2E_LOGS) console.log(logs.join('\n'));
    },
  };
  return stack;
}

/** US-layout key for each printable ASCII character: what a person with a US keyboard presses. */
export function usKeyFor(ch: string): { code: string; shift: boolean } {
  const plain: Record<string, string> = {
    ' ': 'Space',
    '`': 'Backquote',
    '-': 'Minus',
    '=': 'Equal',
    '[': 'BracketLeft',
    ']': 'BracketRight',
    '\\': 'Backslash',
    ';': 'Semicolon',
    "'": 'Quote',
    ',': 'Comma',
    '.': 'Period',
    '/': 'Slash',
  };
  const shifted: Record<string, string> = {
    '~': 'Backquote',
    '!': 'Digit1',
    '@': 'Digit2',
    '#': 'Digit3',
    $: 'Digit4',
    '%': 'Digit5',
    '^': 'Digit6',
    '&': 'Digit7',
    '*': 'Digit8',
    '(': 'Digit9',
    ')': 'Digit0',
    _: 'Minus',
    '+': 'Equal',
    '{': 'BracketLeft',
    '}': 'BracketRight',
    '|': 'Backslash',
    ':': 'Semicolon',
    '"': 'Quote',
    '<': 'Comma',
    '>': 'Period',
    '?': 'Slash',
  };
  if (/^[a-z]$/.test(ch)) return { code: `Key${ch.toUpperCase()}`, shift: false };
  if (/^[A-Z]$/.test(ch)) return { code: `Key${ch}`, shift: true };
  if (/^[0-9]$/.test(ch)) return { code: `Digit${ch}`, shift: false };
  if (plain[ch]) return { code: plain[ch], shift: false };
  if (shifted[ch]) return { code: shifted[ch], shift: true };
  throw new Error(`no US key for ${JSON.stringify(ch)}`);
}

/** Types text in the page the way a person does: real Shift presses, one key at a time. */
export async function typeLikeAPerson(page: Page, text: string): Promise<void> {
  for (const ch of text) {
    const { code, shift } = usKeyFor(ch);
    if (shift) await page.keyboard.down('Shift');
    await page.keyboard.press(code);
    if (shift) await page.keyboard.up('Shift');
  }
}

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
