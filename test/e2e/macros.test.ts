import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, typeLikeAPerson, waitFor, waitForKvm, type Stack } from './harness.ts';
import { queryXInput, XMask } from './x-state.ts';

const DISPLAY = ':77';

/** An export file (web/src/lib/macros/schema.ts, format version 1). */
const exportFile = (macros: unknown[], head: Record<string, unknown> = {}): string =>
  JSON.stringify({ format: 'webkvm-macros', version: 1, macros, ...head });
const hold = {
  name: 'Hold Shift',
  tags: [],
  repeat: 1,
  steps: [
    { kind: 'key-down', usage: 0xe1 },
    { kind: 'delay', ms: 20_000 },
  ],
};

async function openMacros(page: Page): Promise<void> {
  if (!(await page.getByTestId('macros-panel').isVisible())) await page.getByTestId('open-macros').click();
  await page.getByTestId('macros-panel').waitFor();
}
const names = (page: Page) =>
  page.getByTestId('macro-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
async function importText(page: Page, name: string, text: string | Buffer): Promise<void> {
  await page
    .getByTestId('macro-import-file')
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}
async function playAndWait(page: Page, item: ReturnType<Page['locator']>): Promise<string> {
  await item.getByTestId('macro-play').click();
  const result = page.getByTestId('macro-result');
  await result.waitFor({ timeout: 30_000 });
  return (await result.getAttribute('data-outcome')) ?? '';
}

describe('the macro library, end to end in Chromium against the simulated target', () => {
  let stack: Stack;
  let exported = '';
  beforeAll(async () => {
    stack = await startStack({ display: DISPLAY });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Starts `cat > file` on the target's shell, runs `fn`, ends cat with Ctrl+D, returns the file. */
  async function catInto(name: string, fn: () => Promise<void>): Promise<string> {
    const { page, workDir } = stack;
    const out = join(workDir, name);
    await page.locator('#screen').click({ position: { x: 5, y: 5 } });
    await typeLikeAPerson(page, `cat > ${out}`);
    await page.keyboard.press('Enter');
    await fn();
    await page.locator('#screen').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+d');
    await typeLikeAPerson(page, `echo done >> ${out}.done`);
    await page.keyboard.press('Enter');
    await waitFor(() => (existsSync(`${out}.done`) ? true : undefined), `${name} closed by the target shell`);
    return readFileSync(out, 'utf8');
  }

  it('records keys with their timings, never the stop key, and keeps the macro across a reload', async () => {
    const { page } = stack;
    const live = await catInto('live.txt', async () => {
      await openMacros(page);
      await page.getByTestId('macro-record').click();
      await page.getByTestId('macro-recording').waitFor();
      await typeLikeAPerson(page, 'hi Kvm');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Pause');
      await page.getByTestId('macro-editor').waitFor();
    });
    expect(live).toBe('hi Kvm\n'); // the keys went to the target live while recording
    const [name] = await names(page);
    expect(name).toMatch(/^Recording /);
    const kinds = await page
      .getByTestId('macro-step')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds.filter((k) => k === 'key-down')).toHaveLength(8); // h i space Shift K v m Enter
    expect(kinds).toContain('delay');
    const labels = await page.getByTestId('macro-step').allTextContents();
    expect(labels.join(' ')).not.toMatch(/Pause/);

    await page.reload();
    await waitForKvm(page);
    await openMacros(page);
    expect(await names(page)).toEqual([name]);
  });

  it('plays it: the target shell gets exactly those keystrokes', async () => {
    const { page } = stack;
    const typed = await catInto('played.txt', async () => {
      await openMacros(page);
      expect(await playAndWait(page, page.getByTestId('macro-item').first())).toBe('done');
    });
    expect(typed).toBe('hi Kvm\n');
  });

  it('cancel mid-play releases every key on the target', async () => {
    const { page, sim } = stack;
    await openMacros(page);
    await importText(page, 'hold.json', exportFile([hold]));
    const item = page.locator('[data-testid="macro-item"][data-name="Hold Shift"]');
    await item.waitFor();
    await item.getByTestId('macro-play').click();
    await page.getByTestId('macro-playing').waitFor();
    await waitFor(
      async () => ((await queryXInput(sim.display)).mask & XMask.Shift ? true : undefined),
      'Shift held on X',
    );
    await page.getByTestId('macro-cancel').click();
    await page.locator('[data-testid="macro-result"][data-outcome="cancelled"]').waitFor({ timeout: 5000 });
    const x = await waitFor(async () => {
      const s = await queryXInput(sim.display);
      return s.keys.length === 0 && (s.mask & XMask.Shift) === 0 ? s : undefined;
    }, 'every key up on X');
    expect(x.keys).toEqual([]);
    await item.getByTestId('macro-delete').click();
    await expect.poll(() => names(page)).toHaveLength(1);
  });

  it('exports the library and imports it into a fresh browser profile; a clash asks keep both or replace', async () => {
    const { page } = stack;
    await openMacros(page);
    const download = page.waitForEvent('download');
    await page.getByTestId('macro-export-all').click();
    const file = await (await download).path();
    exported = readFileSync(file, 'utf8');
    expect(JSON.parse(exported)).toMatchObject({ format: 'webkvm-macros', version: 1 });

    const other = await stack.openAs();
    await waitForKvm(other, { control: false });
    await openMacros(other);
    expect(await names(other)).toEqual([]);
    await importText(other, 'export.json', exported);
    const want = await names(page);
    await expect.poll(() => names(other)).toEqual(want);

    await importText(other, 'export.json', exported);
    await other.getByTestId('macro-clash').waitFor();
    await other.getByTestId('macro-clash-keep').click();
    await expect.poll(() => names(other)).toEqual([want[0], `${want[0]} (2)`]);
    await importText(other, 'export.json', exported);
    await other.getByTestId('macro-clash-replace').click();
    await expect.poll(() => names(other)).toEqual([want[0], `${want[0]} (2)`]);
    await other.context().close();
  });

  const step = (s: unknown) => exportFile([{ ...hold, name: 'bad', steps: [s] }]);
  it.each<[string, string | Buffer, string, RegExp]>([
    ['wrong JSON', '{"format": "webkvm-macros", "version": 1, "macros": [', 'bad-json', /not JSON/],
    ['wrong version', exportFile([], { version: 7 }), 'bad-version', /version 7 is not supported/],
    ['not an export', JSON.stringify({ macros: [] }), 'bad-format', /not a webkvm macro export/],
    [
      'unknown HID usage',
      step({ kind: 'key-down', usage: 0xa5 }),
      'invalid',
      /macros\[0\]\.steps\[0\]\.usage: unknown HID usage 0xa5/,
    ],
    ['negative delay', step({ kind: 'delay', ms: -1 }), 'invalid', /macros\[0\]\.steps\[0\]\.ms: .*at least 0/],
    ['huge delay', step({ kind: 'delay', ms: 86_400_000 }), 'invalid', /macros\[0\]\.steps\[0\]\.ms: .*at most 60000/],
    ['10 MB of junk', Buffer.alloc(10 * 1024 * 1024, 0x41), 'too-large', /limit is 4194304 bytes/],
  ])('refuses a bad file (%s) with its error and leaves the library unchanged', async (_, content, code, message) => {
    const { page } = stack;
    await openMacros(page);
    const before = await names(page);
    await importText(page, 'bad.json', content);
    const err = page.locator(`[data-testid="macro-error"][data-code="${code}"]`);
    await err.waitFor({ timeout: 10_000 });
    expect(await err.textContent()).toMatch(message);
    expect(await names(page)).toEqual(before);
    // Clear the error for the next case: a good import of nothing.
    await importText(page, 'empty.json', exportFile([]));
    await page.getByTestId('macro-error').waitFor({ state: 'detached' });
  });

  it('plays a built-in from the shortcuts menu: Ctrl, Ctrl, 3 reaches the target', async () => {
    const { page } = stack;
    const typed = await catInto('builtin.txt', async () => {
      await page.getByTestId('open-shortcuts').click();
      await page.getByTestId('shortcut-kvm-ctrl-ctrl-3').click();
      await page.locator('[data-testid="macro-result"][data-outcome="done"]').waitFor({ timeout: 10_000 });
      await page.locator('#screen').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Enter');
    });
    expect(typed).toBe('3\n');
  });

  it('edits steps: change a delay, delete, insert, rename, duplicate; the edits are saved', async () => {
    const { page } = stack;
    await openMacros(page);
    await importText(page, 'edit.json', exportFile([{ ...hold, name: 'Edit me', steps: [{ kind: 'delay', ms: 10 }] }]));
    const item = page.locator('[data-testid="macro-item"][data-name="Edit me"]');
    await item.getByTestId('macro-edit').click();
    const editor = page.getByTestId('macro-editor');
    await editor.getByTestId('step-delay').fill('250');
    await editor.getByTestId('step-delay').press('Tab');
    await editor.getByTestId('step-new').click();
    await editor.getByTestId('step-kind').selectOption('key-down');
    await editor.getByTestId('step-key').press('KeyQ');
    await editor.getByTestId('step-add').click();
    await expect
      .poll(() => editor.getByTestId('macro-step').allTextContents())
      .toEqual([expect.stringContaining('wait'), expect.stringContaining('↓ Q')]);
    expect(await editor.getByTestId('step-delay').inputValue()).toBe('250');
    await editor.getByTestId('step-delete').first().click();
    await expect.poll(() => editor.getByTestId('macro-step').count()).toBe(1);
    await editor.getByTestId('macro-name').fill('Edited');
    await editor.getByTestId('macro-name').press('Enter');
    const edited = page.locator('[data-testid="macro-item"][data-name="Edited"]');
    await edited.waitFor();
    await edited.getByTestId('macro-duplicate').click();
    await page.locator('[data-testid="macro-item"][data-name="Edited (copy)"]').waitFor();
    await page.reload();
    await waitForKvm(page);
    await openMacros(page);
    expect(await names(page)).toEqual(expect.arrayContaining(['Edited', 'Edited (copy)']));
    for (const n of ['Edited', 'Edited (copy)'])
      await page.locator(`[data-testid="macro-item"][data-name="${n}"]`).getByTestId('macro-delete').click();
    await expect.poll(() => names(page)).toHaveLength(1);
  });

  it('fits a phone-width screen: the menu, library and editor stay inside the viewport', async () => {
    const { page } = stack;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.getByTestId('open-shortcuts').click();
      const menu = await page.getByTestId('shortcuts-menu').boundingBox();
      expect(menu!.x).toBeGreaterThanOrEqual(0);
      expect(menu!.x + menu!.width).toBeLessThanOrEqual(390);
      await page.getByTestId('open-shortcuts').click();
      await openMacros(page);
      const steps = [{ kind: 'text', text: 'a fairly long line of text to type on the target' }, ...hold.steps];
      await importText(page, 'phone.json', exportFile([{ ...hold, name: 'Phone macro with a long name', steps }]));
      const item = page.locator('[data-testid="macro-item"][data-name="Phone macro with a long name"]');
      await item.getByTestId('macro-edit').click();
      await page.getByTestId('macro-editor').waitFor();
      // Judged on the macro UI only: the layout picker above overflows on its own (not this module's).
      const outside = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.macro-tools *'))
          .filter((e) => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && (r.left < 0 || r.right > window.innerWidth + 0.5);
          })
          .map((e) => `${e.tagName}.${e.className} ${e.textContent?.slice(0, 30)}`),
      );
      expect(outside).toEqual([]);
      await item.getByTestId('macro-delete').click();
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('asks before REISUB, and sends nothing when cancelled', async () => {
    const { page } = stack;
    await page.getByTestId('open-shortcuts').click();
    await page.getByTestId('shortcut-sysrq-reisub').click();
    const confirm = page.getByTestId('shortcut-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toMatch(/reboots/);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await page.getByTestId('macro-playing').count()).toBe(0);
    await page.getByTestId('open-shortcuts').click();
  });
});
