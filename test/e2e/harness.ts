import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
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

export interface Stack {
  sim: SimTarget;
  bridge: Bridge;
  /** Cuts the network between page and bridge, runs `whileDown`, then restores it. */
  outage(whileDown: () => Promise<void>): Promise<void>;
  browser: Browser;
  page: Page;
  url: string;
  workDir: string;
  stop(): Promise<void>;
}

/**
 * The whole main job for a test: simulated target, bridge on a free port, and the PWA open in
 * headless Chromium, connected with video present.
 */
export async function startStack(opts: {
  display: string;
  width?: number;
  height?: number;
  fps?: number;
}): Promise<Stack> {
  const workDir = mkdtempSync(join(tmpdir(), 'kvm-e2e-'));
  const logs: string[] = [];
  const log = (l: string) => logs.push(l);
  const sim = await startSimTarget({
    display: opts.display,
    width: opts.width ?? 1024,
    height: opts.height ?? 768,
    fps: opts.fps ?? 15,
    workDir,
    log,
  });
  const bridge = await startBridge(
    {
      port: 0,
      host: '127.0.0.1',
      staticDir: DEFAULT_STATIC_DIR,
      hid: { keyboard: sim.devices.keyboard, mouse: sim.devices.mouse, mouseRel: sim.devices.mouseRelative },
      video: { kind: 'command', argv: sim.videoCommand },
    },
    { log },
  );
  const proxy = await startOutageProxy(bridge.port);
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  const url = `http://127.0.0.1:${proxy.port}/`;
  await page.goto(url);
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
  const stack: Stack = {
    sim,
    bridge,
    browser,
    page,
    url,
    workDir,
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
