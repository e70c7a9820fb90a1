/**
 * A headful Chromium on its own Xvfb display, one window filling the screen, so a bench can read
 * what it painted off the X screen (screen-clock.ts). `wrapper` runs Chromium through another
 * command (e.g. `ip netns exec NS`) for a throttled viewer.
 */
import { writeFileSync, chmodSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startXvfb } from '../../../hardware/sim/display.ts';
import type { Child } from '../../../hardware/sim/children.ts';
import { CHROMIUM_ARGS } from '../../e2e/harness.ts';
import { CLOCK_LAYOUT, clockGeometry } from '../../../hardware/sim/clock.ts';
import { openXScreen, locateStrip, type StripPlacement, type XScreen } from './screen-clock.ts';

export interface Viewer {
  display: string;
  browser: Browser;
  page: Page;
  screen: XScreen;
  /** The page's errors and console errors/warnings so far (printed when a bench fails on it). */
  logs: string[];
  stop(): Promise<void>;
}

export interface ViewerOptions {
  display: string;
  width: number;
  height: number;
  /** argv prefix Chromium is started through, e.g. ['ip', 'netns', 'exec', 'kvmslow']. */
  wrapper?: string[];
  extraArgs?: string[];
  log?: (l: string) => void;
}

export async function startViewer(o: ViewerOptions): Promise<Viewer> {
  const xvfb: Child = await startXvfb({
    display: o.display,
    width: o.width,
    height: o.height,
    log: o.log ?? (() => undefined),
  });
  let executablePath = '/usr/bin/chromium';
  if (o.wrapper) {
    executablePath = `/tmp/kvm-bench-chromium-${o.display.slice(1)}.sh`;
    writeFileSync(executablePath, `#!/bin/sh\nexec ${o.wrapper.join(' ')} /usr/bin/chromium "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  const browser = await chromium.launch({
    executablePath,
    headless: false,
    args: [
      ...CHROMIUM_ARGS,
      '--window-position=0,0',
      `--window-size=${o.width},${o.height}`,
      // A bench window is never hidden or occluded: no background throttling of its paints.
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      ...(o.extraArgs ?? []),
    ],
    env: { ...process.env, DISPLAY: o.display },
  });
  const context = await browser.newContext({ viewport: null });
  const page = await context.newPage();
  const logs: string[] = [];
  context.on('page', (p) => watchLogs(p, logs));
  watchLogs(page, logs);
  const screen = await openXScreen(o.display);
  return {
    display: o.display,
    browser,
    page,
    screen,
    logs,
    stop: async () => {
      screen.close();
      await browser.close().catch(() => undefined);
      await xvfb.stop();
    },
  };
}

function watchLogs(page: Page, logs: string[]): void {
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') logs.push(`console.${m.type()}: ${m.text()}`);
  });
}

/** The page's content origin on the X screen (no window manager: the window is at screenX/Y, browser UI on top). */
async function contentOrigin(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => ({ x: window.screenX, y: window.screenY + window.outerHeight - window.innerHeight }));
}

/**
 * Where the PWA's canvas (`#screen`, object-fit: contain) shows the clock strip of a
 * `srcWidth` x `srcHeight` target, located on the X screen.
 * @throws Error when the strip cannot be found near where it should be
 */
export async function locateCanvasStrip(v: Viewer, srcWidth: number, srcHeight: number): Promise<StripPlacement> {
  const m = await canvasMapping(v, srcWidth, srcHeight);
  return locateIn(v, m.left, m.top, m.scale, srcWidth);
}

/** Where the PWA's canvas shows the target's picture on the X screen: top-left corner (px) and scale. */
export async function canvasMapping(
  v: Viewer,
  srcWidth: number,
  srcHeight: number,
): Promise<{ left: number; top: number; scale: number }> {
  const o = await contentOrigin(v.page);
  const r = await v.page.evaluate(() => {
    const b = document.querySelector('#screen')!.getBoundingClientRect();
    return { x: b.x, y: b.y, w: b.width, h: b.height };
  });
  const scale = Math.min(r.w / srcWidth, r.h / srcHeight);
  return {
    left: o.x + r.x + (r.w - srcWidth * scale) / 2,
    top: o.y + r.y + (r.h - srcHeight * scale) / 2,
    scale,
  };
}

/** Where /img.html's `<img>` (at 0, 0, natural size) shows the strip. */
export async function locateImgStrip(v: Viewer, srcWidth: number): Promise<StripPlacement> {
  const o = await contentOrigin(v.page);
  return locateIn(v, o.x, o.y, 1, srcWidth);
}

async function locateIn(
  v: Viewer,
  left: number,
  top: number,
  scale: number,
  srcWidth: number,
): Promise<StripPlacement> {
  const g = clockGeometry(srcWidth);
  const guess = { x: left + g.x * scale, y: top + (g.y + CLOCK_LAYOUT.height / 2) * scale, cell: g.cell * scale };
  const p = await locateStrip(v.screen, guess);
  if (!p) throw new Error(`pixel clock not found on ${v.display} near ${JSON.stringify(guess)}`);
  return p;
}
