import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { devices, type CDPSession, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { switchTargetLayout } from '../layouts-e2e/typing-proof.ts';
import { startStack, waitFor, waitForKvm, type Stack } from './harness.ts';

/** A Pixel-class phone: touch, mobile viewport, its user agent. */
const PHONE = devices['Pixel 7'];
const PAD_LENGTH = 8;

/**
 * Issue 9 §3: the phone's own keyboard. Real Chromium in Pixel 7 emulation, real CDP IME input
 * as Android's Gboard delivers it (keydowns with keyCode 229 and key 'Unidentified', a growing
 * composition through Input.imeSetComposition, the commit through Input.insertText), typed into
 * the hidden field, and judged on the simulated target: the file its shell writes.
 */
describe('phone keyboard: Android-style composition typed on the target', () => {
  let stack: Stack;
  let page: Page;
  let cdp: CDPSession;
  beforeAll(async () => {
    stack = await startStack({ display: ':103' });
    await switchTargetLayout(stack.sim.display, 'fr');
    const context = await stack.browser.newContext({ ...PHONE });
    page = await context.newPage();
    page.on('pageerror', (e) => stack.logs.push(`phone pageerror: ${e.message}`));
    await page.goto(`${stack.url}#login=${stack.bridge.oneTimeLogin()}`);
    await waitForKvm(page, { control: false });
    // This phone is an admin: it takes control from the desktop page at once.
    await page.getByTestId('control-take').tap();
    await page.waitForSelector('[data-testid="control"][data-holder="you"]');
    // The target layout lives in the ☰ menu on a phone.
    await page.getByTestId('toolbar-menu').tap();
    await page.getByTestId('layout').selectOption('fr');
    await page.getByTestId('toolbar-menu').tap();
    cdp = await context.newCDPSession(page);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const key229 = async (): Promise<void> => {
    await cdp.send('Input.dispatchKeyEvent', {
      type: 'rawKeyDown',
      windowsVirtualKeyCode: 229,
      nativeVirtualKeyCode: 229,
      key: 'Unidentified',
      code: '',
    });
  };
  const keyUp229 = async (): Promise<void> => {
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', windowsVirtualKeyCode: 229, key: 'Unidentified' });
  };
  /** Gboard typing a word: each letter a 229 keydown and a longer composition; then the commit. */
  const composeWord = async (prefixes: string[], commit = prefixes[prefixes.length - 1]!): Promise<void> => {
    for (const p of prefixes) {
      await key229();
      await cdp.send('Input.imeSetComposition', { text: p, selectionStart: p.length, selectionEnd: p.length });
      await keyUp229();
    }
    await key229();
    await cdp.send('Input.insertText', { text: commit });
    await keyUp229();
  };
  /** Text Gboard commits without composing (space, punctuation, symbols). */
  const commitText = async (text: string): Promise<void> => {
    await key229();
    await cdp.send('Input.insertText', { text });
    await keyUp229();
  };
  const prefixes = (word: string): string[] => [...word].map((_, i) => [...word].slice(0, i + 1).join(''));
  const press = async (key: string, code: string, keyCode: number): Promise<void> => {
    await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key, code, windowsVirtualKeyCode: keyCode });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code, windowsVirtualKeyCode: keyCode });
  };
  const focusField = async (): Promise<void> => {
    // The button toggles: a tap while the field has focus closes the keyboard.
    if ((await page.getByTestId('phone-keyboard').getAttribute('aria-pressed')) !== 'true')
      await page.getByTestId('phone-keyboard').tap();
    // The source attaches (its module loads on the first tap) and resets the field to its pad.
    await waitFor(
      () =>
        page.evaluate((n) => {
          const f = document.querySelector<HTMLTextAreaElement>('[data-testid="phone-keyboard-field"]');
          return document.activeElement === f && f?.value.length === n ? true : undefined;
        }, PAD_LENGTH),
      'the phone keyboard field focused and attached',
    );
  };
  const fileText = (path: string): Promise<string> =>
    waitFor(() => (existsSync(path) ? readFileSync(path, 'utf8') : undefined), `${path} written by the target's shell`);

  it('types accented words composed like Gboard, with Backspace inside a word and after a commit', async () => {
    const out = join(stack.workDir, 'phone.txt');
    await focusField();
    await composeWord(prefixes('echo'));
    await commitText(' ');
    await composeWord(prefixes('Voilà'));
    await commitText(' ');
    // "cafe" committed, then Backspace on the committed text (Gboard's deleteSurroundingText:
    // a 229 keydown and a deleteContentBackward edit), then "é": the target has "café".
    await composeWord(prefixes('cafe'));
    await key229();
    await page.evaluate(() => document.execCommand('delete'));
    await keyUp229();
    await composeWord(['é']);
    await commitText(' ');
    await composeWord(prefixes('où'));
    await commitText(' ');
    await composeWord(prefixes('ça'));
    await commitText(', ');
    // Backspace in the middle of a composed word: "Noe" → "No" → "Noë" → "Noël".
    await composeWord(['N', 'No', 'Noe', 'No', 'Noë', 'Noël']);
    await commitText(' ');
    await composeWord(prefixes('être'));
    // A real Backspace key (keyCode 8, as Samsung's keyboard and hardware keyboards send it).
    await commitText('x');
    await press('Backspace', 'Backspace', 8);
    await commitText(` > ${out}`);
    await press('Enter', 'Enter', 13);
    expect(await fileText(out)).toBe('Voilà café où ça, Noël être\n');
    // Nothing stays held on the target, and the field stays short.
    expect(
      await page.evaluate(
        () => document.querySelector<HTMLTextAreaElement>('[data-testid="phone-keyboard-field"]')!.value.length,
      ),
    ).toBe(PAD_LENGTH);
  });

  it('reports characters the target layout lacks, with the paste choice, and skips them', async () => {
    const out = join(stack.workDir, 'skipped.txt');
    await focusField();
    await composeWord(prefixes('echo'));
    await commitText(' ');
    await composeWord(prefixes('aπb'));
    const notice = page.getByTestId('phone-keyboard-notice');
    await notice.waitFor();
    expect(await notice.getAttribute('data-code')).toBe('untypable');
    expect(await notice.textContent()).toContain('π');
    expect(await page.getByTestId('phone-keyboard-fallback').count()).toBe(1);
    await commitText(` > ${out}`);
    await press('Enter', 'Enter', 13);
    expect(await fileText(out)).toBe('ab\n');
  });
});
