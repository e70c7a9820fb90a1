import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devices, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitForKvm, type Stack } from './harness.ts';

/**
 * Where the screenshots go: test-results/screenshots (ignored by git), or SCREENSHOTS_DIR, e.g.
 * `SCREENSHOTS_DIR=docs/screenshots` to refresh the committed ones. A test run never changes the tree.
 */
const SHOTS = `${resolve(process.env.SCREENSHOTS_DIR ?? fileURLToPath(new URL('../../test-results/screenshots', import.meta.url)))}/`;

/** Phone portrait (a Pixel and a 390 px wide phone), phone landscape, tablet portrait and landscape. */
const SIZES = [
  { shot: 'phone-portrait', device: devices['Pixel 7'] },
  { shot: 'phone-390', device: { ...devices['Pixel 7'], viewport: { width: 390, height: 664 } } },
  { shot: 'phone-landscape', device: devices['Pixel 7 landscape'] },
  { shot: 'tablet-portrait', device: devices['iPad (gen 7)'] },
  { shot: 'tablet-landscape', device: devices['iPad (gen 7) landscape'] },
] as const;

/**
 * Elements that stick out of the viewport sideways, and boxes that scroll sideways. Only the
 * status line may scroll sideways (it is one line on small screens); what is inside it is its
 * own business.
 */
function overflow(page: Page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const sideScroller = (el: Element): boolean => el.matches('.status');
    const clipped = (el: Element): boolean => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
        if (sideScroller(a) && getComputedStyle(a).overflowX !== 'visible') return true;
      return false;
    };
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (getComputedStyle(el).visibility === 'hidden' || clipped(el)) continue;
      const ox = getComputedStyle(el).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && !sideScroller(el) && el.scrollWidth > el.clientWidth + 1)
        bad.push(
          `${el.tagName.toLowerCase()}.${el.className} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`,
        );
      if (r.right > w + 1 || r.left < -1)
        bad.push(`${el.tagName.toLowerCase()}.${el.className} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
    return { width: w, scrollWidth: document.documentElement.scrollWidth, bad };
  });
}

/** The toolbar's controls: tag, test id and whether each is shown wholly inside the viewport. */
function toolbarControls(page: Page) {
  return page.evaluate(() => {
    const items = document.querySelector('[data-testid="toolbar-items"]')!;
    return Array.from(items.querySelectorAll('button, select, input')).map((el) => {
      const r = el.getBoundingClientRect();
      const shown =
        r.width > 0 &&
        r.height > 0 &&
        r.left >= -1 &&
        r.top >= -1 &&
        r.right <= innerWidth + 1 &&
        r.bottom <= innerHeight + 1 &&
        getComputedStyle(el).visibility !== 'hidden';
      return { what: el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.tagName, shown };
    });
  });
}

/**
 * The picture as painted (object-fit: contain in the canvas) and whether anything covers it:
 * on a 7×7 grid of points inside it, the topmost element must be the canvas itself.
 */
function picture(page: Page) {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('#screen')!;
    const r = c.getBoundingClientRect();
    const k = Math.min(r.width / c.width, r.height / c.height);
    const box = {
      left: r.left + (r.width - c.width * k) / 2,
      top: r.top + (r.height - c.height * k) / 2,
      width: c.width * k,
      height: c.height * k,
    };
    const covered: string[] = [];
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 7; j++) {
        const x = box.left + ((i + 0.5) / 7) * box.width;
        const y = box.top + ((j + 0.5) / 7) * box.height;
        const top = document.elementFromPoint(x, y);
        if (top !== c) covered.push(`${Math.round(x)},${Math.round(y)}: ${top?.tagName}.${top?.className}`);
      }
    return { box, viewport: { width: innerWidth, height: innerHeight }, covered };
  });
}

/**
 * Issue 9 §5: the page on phones and tablets, in real Chromium with playwright-core's device
 * descriptors (touch, mobile viewport, device scale). At each size nothing overflows sideways,
 * the toolbar's buttons are all in its menu (or inline, where there is room), and the target's
 * picture is on screen with nothing over it. Screenshots go to SHOTS.
 */
describe('small screens: phone and tablet layout', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ display: ':104' });
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(SIZES)(
    '$shot: no sideways overflow, every toolbar button reachable, the picture unobstructed',
    async (size) => {
      const context = await stack.browser.newContext({ ...size.device });
      const page = await context.newPage();
      page.on('pageerror', (e) => stack.logs.push(`${size.shot} pageerror: ${e.message}`));
      await page.goto(`${stack.url}#login=${stack.bridge.oneTimeLogin()}`);
      await waitForKvm(page, { control: false });
      await page.getByTestId('control-take').tap();
      await page.waitForSelector('[data-testid="control"][data-holder="you"]');
      // The macro bar is fetched after the first render; wait for it so the layout is final.
      await page.getByTestId('open-macros').waitFor();

      expect(await overflow(page)).toMatchObject({ bad: [] });
      const o = await overflow(page);
      expect(o.scrollWidth).toBeLessThanOrEqual(o.width);

      const pic = await picture(page);
      expect(pic.covered).toEqual([]);
      expect(pic.box.left).toBeGreaterThanOrEqual(-1);
      expect(pic.box.top).toBeGreaterThanOrEqual(-1);
      expect(pic.box.left + pic.box.width).toBeLessThanOrEqual(pic.viewport.width + 1);
      expect(pic.box.top + pic.box.height).toBeLessThanOrEqual(pic.viewport.height + 1);
      // Most of the screen goes to the picture: it fills the width or at least half the height.
      expect(
        pic.box.width >= 0.9 * pic.viewport.width || pic.box.height >= 0.5 * pic.viewport.height,
        JSON.stringify(pic),
      ).toBe(true);
      await page.screenshot({ path: `${SHOTS}${size.shot}.png` });

      const menu = page.getByTestId('toolbar-menu');
      const collapsed = await menu.isVisible();
      if (collapsed) {
        // Closed, the items are out of the way; open, every one of them is in the menu, on screen.
        expect((await toolbarControls(page)).filter((c) => c.shown)).toEqual([]);
        await menu.tap();
        expect(await menu.getAttribute('aria-expanded')).toBe('true');
      }
      const controls = await toolbarControls(page);
      expect(controls.map((c) => c.what)).toEqual(
        expect.arrayContaining(['layout', 'typing-mode', 'open-paste', 'fullscreen', 'pointer-lock']),
      );
      expect(controls.filter((c) => !c.shown)).toEqual([]);
      expect(await overflow(page)).toMatchObject({ bad: [] });
      // The phone keyboard button stays outside the menu.
      expect(await page.getByTestId('phone-keyboard').isVisible()).toBe(true);
      if (collapsed) {
        await page.screenshot({ path: `${SHOTS}${size.shot}-menu.png` });
        // A plain button closes the menu (here: Paste…, which opens its panel), and the picture stays on screen.
        await page.getByTestId('open-paste').tap();
        expect(await menu.getAttribute('aria-expanded')).toBe('false');
        await page.getByTestId('paste-panel').waitFor();
        expect(await overflow(page)).toMatchObject({ bad: [] });
        const withPanel = await picture(page);
        expect(withPanel.box.height).toBeGreaterThan(0);
        expect(withPanel.covered).toEqual([]);
        await page.getByTestId('open-paste').evaluate((b: HTMLElement) => b.click());
      }

      // With the on-screen keyboard open (when it is in), the picture shrinks above it.
      const osk = page.getByTestId('open-osk');
      if ((await osk.count()) > 0) {
        if (collapsed) await menu.tap();
        await osk.tap();
        await page.waitForFunction(() => document.querySelector('[data-testid="osk"]') !== null);
        expect(await overflow(page)).toMatchObject({ bad: [] });
        const withOsk = await picture(page);
        expect(withOsk.covered).toEqual([]);
        await page.screenshot({ path: `${SHOTS}${size.shot}-osk.png` });
      }
      await context.close();
    },
  );
});
