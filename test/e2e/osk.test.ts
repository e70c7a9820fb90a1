/**
 * The on-screen keyboard in real Chromium against the simulated target (issue 9 §2): for each
 * layout the target's X server is switched to it, every typing-block key is tapped at each shift
 * level the OSK offers, and what the target's shell wrote must be exactly the legends the keys
 * showed. Then the modifier states (latch, hold, lock for Shift, Ctrl and AltGr) and a
 * physical-plus-OSK chord with real CDP touch input on an iPad-class device, and screenshots
 * at phone and tablet sizes with the picture unobstructed.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { devices, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadLayout, type Layout } from '../../web/src/lib/layouts/index.ts';
import { firstDifference, readAppended, switchTargetLayout } from '../layouts-e2e/typing-proof.ts';
import { startStack, typeLikeAPerson, waitFor, waitForKvm, type Stack } from './harness.ts';
import { queryXInput, setXAutoRepeat, XMask } from './x-state.ts';

/** OSK_DISPLAY: another free display (H1 owns :101 and :102). */
const DISPLAY = process.env.OSK_DISPLAY ?? ':101';
const LAYOUTS = ['us', 'de', 'fr', 'gb', 'jp', 'ru'];
/**
 * Where the screenshots go: test-results/screenshots (ignored by git), or SCREENSHOTS_DIR, e.g.
 * `SCREENSHOTS_DIR=docs/screenshots` to refresh the committed ones. A test run never changes the tree.
 */
const SHOTS = resolve(process.env.SCREENSHOTS_DIR ?? join(import.meta.dirname, '../../test-results/screenshots'));

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

/** Taps modifier `code` until it is off (latched → off or locked → off, depending on timing). */
async function settleOff(page: Page, code: string, tap: (code: string) => Promise<void>): Promise<void> {
  for (let i = 0; i < 6 && (await stateOf(page, code)) !== 'off'; i++) await tap(code);
  expect(await stateOf(page, code)).toBe('off');
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
    await settleOff(page, code, tap);
  }
  throw new Error(`${code} never locked`);
}

/**
 * Taps modifier `code` until it is latched. A tap is down and up within the OSK's 500 ms; when a
 * loaded machine stretched one past that, the modifier was held and let go (off): tap again.
 */
async function latch(page: Page, code: string, tap: (code: string) => Promise<void>): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await tap(code);
    if ((await stateOf(page, code)) === 'latched') return;
    await settleOff(page, code, tap);
  }
  throw new Error(`${code} never latched`);
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
/** The OSK sits below the screen: the canvas's box ends where the keyboard begins. */
async function expectPictureAbove(page: Page): Promise<void> {
  const canvas = (await page.locator('#screen').boundingBox())!;
  const osk = (await page.getByTestId('osk').boundingBox())!;
  expect(canvas.height).toBeGreaterThan(50);
  expect(canvas.y + canvas.height).toBeLessThanOrEqual(osk.y + 0.5);
}

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

/** Opens the PWA on a device (playwright-core `devices`) and takes control there. */
async function openOnDevice(
  stack: Stack,
  device: keyof typeof devices,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ ...devices[device] });
  const page = await context.newPage();
  page.on('pageerror', (e) => stack.logs.push(`pageerror (${device}): ${e.message}`));
  await page.goto(`${stack.url}#login=${stack.bridge.oneTimeLogin()}`);
  await waitForKvm(page, { control: false });
  if ((await page.getByTestId('control').getAttribute('data-holder')) !== 'you') {
    await page.getByTestId('control-take').click();
    await page.waitForSelector('[data-testid="control"][data-holder="you"]');
  }
  return { context, page };
}

/**
 * Fingers on the screen through CDP Input.dispatchTouchEvent, as a touchscreen sends them:
 * touchStart lists every finger down (the new one goes down), touchEnd lists the fingers that
 * lift (Chromium releases exactly those; the others stay down).
 */
function fingers(page: Page, cdp: CDPSession) {
  const down = new Map<number, { x: number; y: number }>();
  const point = (id: number, p: { x: number; y: number }) => ({ id, x: p.x, y: p.y, radiusX: 4, radiusY: 4, force: 1 });
  const centre = async (code: string) => {
    const b = (await keyLoc(page, code).boundingBox())!;
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  const press = async (id: number, code: string): Promise<void> => {
    down.set(id, await centre(code));
    await cdp.send('Input.dispatchTouchEvent', {
      type: 'touchStart',
      touchPoints: [...down].map(([i, p]) => point(i, p)),
    });
  };
  const lift = async (id: number): Promise<void> => {
    const p = down.get(id)!;
    down.delete(id);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [point(id, p)] });
  };
  return {
    /** Finger `id` goes down on key `code` (the others stay). */
    press,
    /** Finger `id` lifts (the others stay). */
    lift,
    /** One more finger taps `code`. */
    tap: async (code: string) => {
      await press(9, code);
      await lift(9);
    },
  };
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
    // A tap whose release arrives after X's repeat delay (a loaded machine) would type twice.
    expect(await setXAutoRepeat(DISPLAY, false)).toBe(false);
    onTestFinished(async () => {
      await setXAutoRepeat(DISPLAY, true);
    });
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

  describe('on an iPad-class tablet with real touch input', () => {
    let tablet: { context: BrowserContext; page: Page };
    let f: ReturnType<typeof fingers>;
    let page: Page;
    /** Taps each character's key (a–z and space) with one finger. */
    const type = async (text: string) => {
      for (const ch of text) await f.tap(ch === ' ' ? 'Space' : `Key${ch.toUpperCase()}`);
    };
    /** Ends the line with the OSK's Enter and checks what the target's shell got. */
    const line = async (expected: string) => {
      await f.tap('Enter');
      const got = await arrived(`${expected}\n`);
      expect(got).toBe(`${expected}\n`);
    };
    const heldBy = async (id: number, code: string) => {
      await f.press(id, code);
      await waitFor(async () => ((await stateOf(page, code)) === 'held' ? true : undefined), `${code} held`);
    };

    beforeAll(async () => {
      await switchTargetLayout(DISPLAY, 'de');
      tablet = await openOnDevice(stack, 'iPad Pro 11');
      page = tablet.page;
      f = fingers(page, await tablet.context.newCDPSession(page));
      await openOsk(page, 'de');
    });
    afterAll(async () => {
      await tablet?.context.close();
    });

    it('latches Shift for one key: the key shows it, the next key is plain again', async () => {
      await latch(page, 'ShiftLeft', f.tap);
      expect(await stateOf(page, 'ShiftLeft')).toBe('latched');
      expect(await keyLoc(page, 'ShiftLeft').getAttribute('aria-pressed')).toBe('mixed');
      expect(await keyLoc(page, 'KeyA').getAttribute('data-legend')).toBe('A');
      await type('ab');
      expect(await stateOf(page, 'ShiftLeft')).toBe('off');
      await line('Ab');
    });

    it('holds Shift under a long press while another finger types', async () => {
      await heldBy(0, 'ShiftLeft');
      expect(await keyLoc(page, 'ShiftLeft').getAttribute('aria-pressed')).toBe('true');
      expect(await keyLoc(page, 'KeyA').getAttribute('data-legend')).toBe('A');
      await type('ab');
      await f.lift(0);
      await type('c');
      await line('ABc');
    });

    it('locks Shift on a double tap until tapped again', async () => {
      await lock(page, 'ShiftLeft', f.tap);
      await type('ab');
      expect(await stateOf(page, 'ShiftLeft')).toBe('locked');
      await unlock(page, 'ShiftLeft', f.tap);
      await type('c');
      await line('ABc');
    });

    it("latches, holds and locks Ctrl (the shell's Ctrl+U kills the line, Ctrl+W a word)", async () => {
      await type('abc');
      await latch(page, 'ControlLeft', f.tap);
      await f.tap('KeyU');
      await type('d');
      await line('d');
      await type('abc');
      await heldBy(0, 'ControlLeft');
      await f.tap('KeyU');
      await f.lift(0);
      await type('e');
      await line('e');
      await type('one two three');
      await lock(page, 'ControlLeft', f.tap);
      await f.tap('KeyW');
      await f.tap('KeyW');
      await unlock(page, 'ControlLeft', f.tap);
      await type('x');
      await line('one x');
    });

    it('latches, holds and locks AltGr (de: AltGr+Q is @, AltGr+E is €)', async () => {
      await latch(page, 'AltRight', f.tap);
      expect(await keyLoc(page, 'KeyQ').getAttribute('data-legend')).toBe('@');
      await type('qq');
      await line('@q');
      await heldBy(0, 'AltRight');
      await type('qe');
      await f.lift(0);
      await type('q');
      await line('@€q');
      await lock(page, 'AltRight', f.tap);
      await type('qe');
      await unlock(page, 'AltRight', f.tap);
      await type('q');
      await line('@€q');
    });

    it('chords a physical Shift with an OSK key, and holds two fingers on two keys', async () => {
      await page.keyboard.down('Shift');
      await waitFor(
        async () => ((await keyLoc(page, 'KeyA').getAttribute('data-legend')) === 'A' ? true : undefined),
        'the Shift legends',
      );
      await f.tap('KeyA');
      await page.keyboard.up('Shift');
      await type('a');
      await f.press(0, 'KeyX');
      await f.press(1, 'KeyC');
      await f.lift(0);
      await f.lift(1);
      await line('Aaxc');
    });

    it("shows the target's Caps Lock LED on the key and in the legends", async () => {
      await f.tap('CapsLock');
      await page.locator('[data-testid="osk-board"] [data-code="CapsLock"][data-led="on"]').waitFor();
      expect(await keyLoc(page, 'KeyA').getAttribute('data-legend')).toBe('A');
      expect(await keyLoc(page, 'Semicolon').getAttribute('data-legend')).toBe('Ö');
      await type('ab');
      await f.tap('CapsLock');
      await page.locator('[data-testid="osk-board"] [data-code="CapsLock"][data-led="off"]').waitFor();
      expect(await keyLoc(page, 'KeyA').getAttribute('data-legend')).toBe('a');
      await type('c');
      await line('ABc');
    });

    it('forgets a latch when the page loses focus', async () => {
      await latch(page, 'ShiftLeft', f.tap);
      expect(await stateOf(page, 'ShiftLeft')).toBe('latched');
      await page.evaluate(() => window.dispatchEvent(new Event('blur')));
      await waitFor(async () => ((await stateOf(page, 'ShiftLeft')) === 'off' ? true : undefined), 'Shift off');
      await type('a');
      await line('a');
    });

    it('keeps a held key down so the target repeats it, and stops when the finger lifts', async () => {
      await f.press(0, 'KeyR');
      await new Promise((r) => setTimeout(r, 1500)); // the target's typematic needs time to repeat
      await f.lift(0);
      await f.tap('Enter');
      const got = await arrived('rr\n');
      expect(got).toMatch(/^rrr+\n$/);
      const x = await queryXInput(DISPLAY);
      expect(x.keys).toEqual([]);
      expect(x.mask & (XMask.Shift | XMask.Control)).toBe(0);
    });

    it('leaves the picture unobstructed at tablet and phone sizes (screenshots)', async () => {
      await page.screenshot({ path: join(SHOTS, 'osk-tablet.png') });
      await expectPictureAbove(page);
      // Larger keys take room from the picture, never cover it; hiding gives it all back.
      const before = (await page.getByTestId('osk-board').boundingBox())!.height;
      await page.getByTestId('osk-larger').click();
      await waitFor(
        async () => ((await page.getByTestId('osk-board').boundingBox())!.height > before ? true : undefined),
        'larger keys',
      );
      await expectPictureAbove(page);
      await page.getByTestId('osk-smaller').click();
      const withOsk = (await page.locator('#screen').boundingBox())!.height;
      await page.getByTestId('osk-close').click();
      await page.getByTestId('osk').waitFor({ state: 'detached' });
      expect((await page.locator('#screen').boundingBox())!.height).toBeGreaterThan(withOsk);
      const phone = await openOnDevice(stack, 'Pixel 7');
      try {
        await openOsk(phone.page, 'de');
        expect(await phone.page.getByTestId('osk').getAttribute('data-compact')).toBe('true');
        await phone.page.getByTestId('osk-extras').waitFor();
        await phone.page.screenshot({ path: join(SHOTS, 'osk-phone.png') });
        await expectPictureAbove(phone.page);
        // The extras row types through the same controller: a, Tab, b (touch taps on the phone).
        const board = (code: string) => phone.page.locator(`[data-testid="osk-board"] [data-code="${code}"]`);
        await board('KeyA').tap();
        await phone.page.locator('[data-testid="osk-extras"] [data-code="Tab"]').tap();
        await board('KeyB').tap();
        await board('Enter').tap();
        expect(await arrived('a\tb\n')).toBe('a\tb\n');
        await phone.page.getByTestId('osk-extras-page').tap();
        await phone.page.locator('[data-testid="osk-extras"] [data-code="F12"]').waitFor();
      } finally {
        await phone.context.close();
      }
    });
  });
});
