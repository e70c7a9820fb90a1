import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitForKvm } from './harness.ts';
import { startPwaStack, waitForServiceWorker, type PwaStack } from './pwa-stack.ts';
import { queryXInput, XMask } from './x-state.ts';

const DISPLAY = ':107';

/** Paths of every file under `dir`, relative, with '/'. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));

/** An export file (web/src/lib/macros/schema.ts, format version 1). */
const exportFile = (macros: unknown[]): string => JSON.stringify({ format: 'webkvm-macros', version: 1, macros });
const macro = (name: string) => ({
  name,
  tags: ['boot'],
  repeat: 1,
  steps: [
    { kind: 'key-down', usage: 0x3b }, // F2
    { kind: 'key-up', usage: 0x3b },
    { kind: 'delay', ms: 100 },
  ],
});

async function openMacros(page: Page): Promise<void> {
  if (!(await page.getByTestId('macros-panel').isVisible())) await page.getByTestId('open-macros').click();
  await page.getByTestId('macros-panel').waitFor();
}
const names = (page: Page) =>
  page.getByTestId('macro-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
const importText = (page: Page, name: string, text: string) =>
  page
    .getByTestId('macro-import-file')
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });

/**
 * Issue 10 §2: the PWA installs and works offline. One persistent Chromium profile (as an
 * installed app has) against the simulated target; the bridge is really stopped and started
 * again behind the same origin, and the browser context is really offline in between.
 */
describe('the installed PWA: installability, offline use, and updates that release held keys', () => {
  let stack: PwaStack;
  let page: Page;
  let cdp: CDPSession;
  beforeAll(async () => {
    stack = await startPwaStack({ display: DISPLAY });
    page = await stack.launch();
    await stack.login(page);
    await waitForKvm(page);
    cdp = await page.context().newCDPSession(page);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is installable: the service worker is active, no installability errors, PNG icons 192, 512 and maskable', async () => {
    await waitForServiceWorker(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const { url, data } = await cdp.send('Page.getAppManifest');
    expect(url).toBe(`${stack.url}manifest.webmanifest`);
    const manifest = JSON.parse(data ?? '{}') as {
      display: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    expect(manifest.display).toBe('standalone');
    const pngs = manifest.icons.filter((i) => i.type === 'image/png');
    expect(pngs.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual([
      '192x192 any',
      '512x512 any',
      '512x512 maskable',
    ]);
    // Every file of the build is in the precache (the worker itself aside): the shell, each
    // layout table's chunk, the workers, the icons.
    const precached = [...readFileSync(join(stack.webDir, 'sw.js'), 'utf8').matchAll(/"url":"([^"]+)"/g)].map(
      (m) => m[1],
    );
    const built = filesUnder(stack.webDir).filter((f) => f !== 'sw.js');
    expect(new Set(precached)).toEqual(new Set(built));
    expect(built.filter((f) => /^assets\/(de|us|fr|jp)-[\w-]+\.js$/.test(f))).toHaveLength(4);
    for (const icon of pngs) {
      // The file is what the manifest says: a PNG of that size, served by the bridge.
      const res = await page.request.get(new URL(icon.src, stack.url).href);
      expect(res.headers()['content-type']).toBe('image/png');
      const png = PNG.sync.read(await res.body());
      expect(`${png.width}x${png.height}`).toBe(icon.sizes);
    }
    // The install offer is ours to show: the page kept beforeinstallprompt.
    await page.getByTestId('pwa-install').waitFor({ timeout: 20_000 });
    // Installed (the event Chromium fires once the app is installed): the button goes for good.
    await page.evaluate(() => window.dispatchEvent(new Event('appinstalled')));
    await page.getByTestId('pwa-install').waitFor({ state: 'detached', timeout: 5000 });
  });

  it('opens offline with the bridge stopped: lists, edits, imports and exports macros, plans a paste, says the bridge is unreachable; reconnects when the bridge is back', async () => {
    await openMacros(page);
    await importText(page, 'boot.json', exportFile([macro('Enter setup')]));
    await expect.poll(() => names(page)).toContain('Enter setup');

    await stack.stopBridge();
    await page.context().setOffline(true);
    await page.reload();
    // The shell, its chunks and the stored session come from this device only.
    const notice = page.getByTestId('bridge-unreachable');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toMatch(/Bridge unreachable, retrying/);
    expect(await page.locator('[data-testid="conn"]').getAttribute('data-state')).not.toBe('open');

    // The macro library: list, edit (rename), import, export.
    await openMacros(page);
    await expect.poll(() => names(page)).toEqual(['Enter setup']);
    const item = page.locator('[data-testid="macro-item"][data-name="Enter setup"]');
    await item.getByTestId('macro-edit').click();
    const editor = page.getByTestId('macro-editor');
    await editor.getByTestId('macro-name').fill('Enter setup (F2)');
    await editor.getByTestId('macro-name').press('Tab');
    await expect.poll(() => names(page)).toEqual(['Enter setup (F2)']);
    await importText(page, 'more.json', exportFile([macro('Boot menu')]));
    await expect.poll(async () => (await names(page)).sort()).toEqual(['Boot menu', 'Enter setup (F2)']);
    const download = page.waitForEvent('download');
    await page.getByTestId('macro-export-all').click();
    const exported = JSON.parse(readFileSync((await (await download).path())!, 'utf8')) as {
      macros: { name: string }[];
    };
    expect(exported.macros.map((m) => m.name).sort()).toEqual(['Boot menu', 'Enter setup (F2)']);

    // Paste planning with layout tables that load from the precache: German types ä and €,
    // US types neither; ✓ is on no layout.
    await page.getByTestId('open-paste').click();
    await page.getByTestId('paste-text').fill('ä€✓');
    const untypable = page.getByTestId('paste-untypable');
    await page.getByTestId('layout').selectOption('de');
    await expect.poll(() => untypable.locator('code').textContent()).toBe('✓');
    await page.getByTestId('layout').selectOption('us');
    await expect.poll(() => untypable.locator('code').textContent()).toBe('ä € ✓');

    // The bridge comes back, then the network: the page reconnects by itself.
    await stack.startBridge();
    await page.context().setOffline(false);
    await waitForKvm(page);
    await notice.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('shows "New version: reload" for a changed service worker; the reload releases a held key before the new worker takes over', async () => {
    // A new version: the same build with a byte-different sw.js, served by a restarted bridge.
    const v2 = join(stack.workDir, 'web-v2');
    cpSync(stack.webDir, v2, { recursive: true });
    writeFileSync(join(v2, 'sw.js'), `${readFileSync(join(v2, 'sw.js'), 'utf8')}\n// version 2\n`);
    await stack.stopBridge();
    await stack.startBridge(v2);
    // Back from the restart, the page asks for a new version by itself (BridgeNotice).
    await waitForKvm(page);
    const button = page.getByTestId('pwa-update');
    await button.waitFor({ timeout: 20_000 });
    expect(await button.textContent()).toBe('New version: reload');

    // Hold Shift on the target, then take the update.
    await page.locator('#screen').click({ position: { x: 5, y: 5 } });
    await page.keyboard.down('Shift');
    await waitFor(
      async () => ((await queryXInput(stack.sim.display)).mask & XMask.Shift ? true : undefined),
      'Shift down',
    );
    const bridge = stack.bridge();
    const before = bridge.counters.get('hid.release_all');
    // The bridge's count when the new worker starts activating: SKIP_WAITING has been sent, the
    // reload (and its pagehide release) has not happened yet.
    await cdp.send('ServiceWorker.enable');
    const atActivation = new Promise<number>((resolve) => {
      cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
        // 'activating' only: enabling the domain reports the old, already 'activated' worker at once.
        if (e.versions.some((v) => v.status === 'activating')) resolve(bridge.counters.get('hid.release_all'));
      });
    });
    const reloaded = page.waitForEvent('framenavigated', { timeout: 20_000 });
    await button.click();
    expect(await atActivation).toBeGreaterThan(before);
    await reloaded;
    await page.keyboard.up('Shift');
    await waitForKvm(page);
    await waitFor(
      async () => ((await queryXInput(stack.sim.display)).mask & XMask.Shift ? undefined : true),
      'Shift released on the target',
    );
    expect(await page.getByTestId('pwa').getAttribute('data-update')).toBe('false');
    const script = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '');
    expect(script).toBe(`${stack.url}sw.js`);
  });
});
