/**
 * Issue 10 §2 "TLS trust": the deploy scripts' local CA makes the PWA installable on a device
 * name. The CA and the device certificate come from deploy/lib/tls.sh (ensure_tls, the
 * installer's own step) for the device name `kvm-trust`; the bridge serves them on TLS and the
 * CA page (bridge/src/http/ca-page.ts) on plain HTTP, as main.ts wires them on a Pi. Chromium
 * reaches `https://kvm-trust:PORT` through --host-resolver-rules and trusts the CA only through
 * the NSS database under its HOME (Debian's libnss3-tools certutil), as a Linux desktop does.
 *
 * 1. Without the CA (a fresh HOME; the certificate warning accepted through CDP
 *    Security.setIgnoreCertificateErrors, as a click-through would, never the command-line
 *    switch, which would also let the service worker in): the app works online, the service
 *    worker is refused, and the page points at the CA page. The CA is downloaded from there.
 * 2. With that CA imported into a throwaway NSS database (no certificate flag at all): the
 *    service worker is active, Page.getInstallabilityErrors is empty, and with the bridge
 *    stopped and the browser offline a reload opens the app from the service worker.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAuthDir, TEST_AUTH_OPTIONS } from '../../bridge/src/auth/testing.ts';
import { DEFAULT_STATIC_DIR } from '../../bridge/src/config.ts';
import { openCaPage, type CaPage } from '../../bridge/src/http/ca-page.ts';
import { startBridge, type Bridge } from '../../bridge/src/server.ts';
import { startSimTarget, type SimTarget } from '../../hardware/sim/target.ts';
import { CHROMIUM_ARGS, VIEWPORT, waitFor, waitForKvm } from './harness.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const DISPLAY = ':109';
const DEVICE = 'kvm-trust';

/** The installer's TLS step (ensure_tls) into `dir`, for DEVICE on loopback only. */
function deployTls(dir: string): string {
  const script = [
    'set -Eeuo pipefail',
    `. "${REPO}/deploy/lib/common.sh"`,
    `. "${REPO}/deploy/lib/tls.sh"`,
    `tls_hostname() { echo ${DEVICE}; }`,
    'tls_addresses() { :; }',
    // Root-owned files as on a Pi; the group is the test's own (no webkvm account here).
    `ensure_tls "$1" "$(id -gn)" /nonexistent/tls.env`,
  ].join('\n');
  return execFileSync('bash', ['-c', script, 'bash', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Browser {
  context: BrowserContext;
  page: Page;
  console: string[];
}

/** Chromium with its own HOME (its NSS database) and profile; DEVICE resolves to loopback. */
async function launch(home: string): Promise<Browser> {
  const context = await chromium.launchPersistentContext(join(home, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${DEVICE} 127.0.0.1`],
    env: { ...process.env, HOME: home },
    viewport: VIEWPORT,
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const lines: string[] = [];
  page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  return { context, page, console: lines };
}

describe('TLS trust: the local CA from the deploy scripts makes the PWA installable on a device name', () => {
  const work = mkdtempSync(join(tmpdir(), 'kvm-tls-trust-'));
  const tlsDir = join(work, 'tls');
  let sim: SimTarget;
  let bridge: Bridge | null = null;
  let caPage: CaPage | undefined;
  let authDir: ReturnType<typeof makeAuthDir>;
  let appUrl = '';
  let caUrl = '';
  let downloadedCa = '';
  const browsers: Browser[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    const out = deployTls(tlsDir);
    logs.push(out);
    authDir = makeAuthDir();
    sim = await startSimTarget({
      display: DISPLAY,
      width: 1024,
      height: 768,
      fps: 10,
      workDir: work,
      log: (l) => logs.push(l),
    });
    bridge = await startBridge(
      {
        port: 0,
        host: '127.0.0.1',
        staticDir: DEFAULT_STATIC_DIR,
        tls: { certFile: join(tlsDir, 'cert.pem'), keyFile: join(tlsDir, 'key.pem') },
        hid: { keyboard: sim.devices.keyboard, mouse: sim.devices.mouse, mouseRel: sim.devices.mouseRelative },
        video: { kind: 'command', argv: sim.videoCommand },
        // The device's own name, as os.hostname() would give it on the Pi.
        auth: { ...authDir.config, allowedHosts: [DEVICE] },
      },
      { log: (l) => logs.push(l), auth: TEST_AUTH_OPTIONS },
    );
    const b = bridge;
    caPage = await openCaPage(
      { port: 0, caFile: join(tlsDir, 'ca.pem') },
      { host: '127.0.0.1', httpsPort: b.port, nameAllowed: (n) => b.auth.hosts.hostAllowed(`${n}:${b.port}`) },
      (l) => logs.push(l),
    );
    if (!caPage) throw new Error(`CA page did not start: ${logs.join('\n')}`);
    appUrl = `https://${DEVICE}:${b.port}/`;
    caUrl = `http://${DEVICE}:${caPage.port}/`;
  });

  afterAll(async () => {
    for (const b of browsers) await b.context.close().catch((e: unknown) => console.warn('browser close failed', e));
    caPage?.close();
    await bridge?.close();
    await sim?.stop();
    authDir?.cleanup();
    rmSync(work, { recursive: true, force: true });
    if (process.env.E2E_LOGS) console.log(logs.join('\n'));
  });

  it('without the CA: works online once the warning is accepted, the service worker is refused, the UI points at the CA page, which offers the CA', async () => {
    const home = join(work, 'home-untrusted');
    mkdirSync(home);
    const b = await launch(home);
    browsers.push(b);
    const { page } = b;
    // A fresh HOME knows nothing of the CA: the certificate is refused until the warning is accepted.
    // Checked on a page of its own: the refused navigation still commits Chromium's error page
    // (chrome-error://chromewebdata/) afterwards, which would interrupt the next goto on that page.
    const probe = await b.context.newPage();
    await expect(probe.goto(appUrl)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    await probe.close();
    const cdp = await b.context.newCDPSession(page);
    await cdp.send('Security.setIgnoreCertificateErrors', { ignore: true });
    await page.goto(`${appUrl}#login=${bridge!.oneTimeLogin()}`);
    await waitForKvm(page);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await page.waitForSelector('[data-testid="pwa"][data-sw="failed"]', { state: 'attached', timeout: 30_000 });
    expect(b.console.join('\n')).toMatch(/service worker registration failed.*|SecurityError/);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()) ?? null)).toBeNull();

    const hint = page.getByTestId('cert-hint');
    await hint.waitFor({ timeout: 10_000 });
    expect(await hint.textContent()).toMatch(/does not trust the KVM's certificate.*Trust its CA once/);
    expect(await hint.getByTestId('cert-hint-link').getAttribute('href')).toBe(`http://${DEVICE}/`);

    // The CA page (here on a free port instead of 80): the page, then the DER download.
    await page.goto(caUrl);
    expect(await page.locator('h1').textContent()).toBe("Trust this KVM's certificate");
    // Its one inline style applies: the CSP's hash matches it (nothing else may run there).
    expect(
      await page
        .locator('a.dl')
        .first()
        .evaluate((a) => getComputedStyle(a).backgroundColor),
    ).toBe('rgb(26, 95, 180)');
    expect(await page.locator('body').textContent()).toContain(
      execFileSync('openssl', ['x509', '-in', join(tlsDir, 'ca.pem'), '-noout', '-fingerprint', '-sha256'], {
        encoding: 'utf8',
      })
        .trim()
        .replace(/^.*=/, ''),
    );
    const download = page.waitForEvent('download');
    await page.locator('a[href="/ca.crt"]').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`webkvm-${DEVICE}-ca.crt`);
    downloadedCa = join(work, 'downloaded-ca.crt');
    await file.saveAs(downloadedCa);
    // Everything else on plain HTTP goes to HTTPS.
    const redirect = await new Promise<{ status?: number; location?: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: caPage!.port, path: '/api/stats', headers: { host: `${DEVICE}:${caPage!.port}` } },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode, location: res.headers.location });
        },
      );
      req.on('error', reject).end();
    });
    expect(redirect).toEqual({ status: 308, location: `${appUrl}api/stats` });
    await b.context.close();
    browsers.pop();
  });

  it('with the CA in the NSS database: the service worker is active, no installability errors, and an offline reload opens the app', async () => {
    expect(downloadedCa, 'the first case downloads the CA').not.toBe('');
    const home = join(work, 'home-trusted');
    const nssdb = join(home, '.pki', 'nssdb');
    mkdirSync(nssdb, { recursive: true });
    execFileSync('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password']);
    // The DER file as the CA page served it, trusted for TLS servers (C,,), as the page's Linux steps say.
    execFileSync('certutil', ['-A', '-d', `sql:${nssdb}`, '-t', 'C,,', '-n', `webkvm-${DEVICE}`, '-i', downloadedCa]);
    const listed = spawnSync('certutil', ['-L', '-d', `sql:${nssdb}`], { encoding: 'utf8' }).stdout;
    expect(listed).toMatch(new RegExp(`webkvm-${DEVICE}\\s+C,,`));
    expect(
      readFileSync(downloadedCa).equals(
        execFileSync('openssl', ['x509', '-in', join(tlsDir, 'ca.pem'), '-outform', 'DER']),
      ),
    ).toBe(true);

    const b = await launch(home);
    browsers.push(b);
    const { page, context } = b;
    const response = await page.goto(`${appUrl}#login=${bridge!.oneTimeLogin()}`);
    expect(response?.status()).toBe(200);
    await waitForKvm(page);
    const cdp = await context.newCDPSession(page);

    await page.waitForSelector('[data-testid="pwa"][data-sw="active"]', { state: 'attached', timeout: 30_000 });
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    const errors = await waitFor(async () => {
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      return installabilityErrors.length === 0 ? installabilityErrors : undefined;
    }, 'Page.getInstallabilityErrors to be empty');
    expect(errors).toEqual([]);
    expect(await page.getByTestId('cert-hint').count()).toBe(0);

    // Offline: the bridge really stopped, the browser offline; the reload comes from the worker.
    caPage?.close();
    caPage = undefined;
    await bridge?.close();
    bridge = null;
    await context.setOffline(true);
    const offline = await page.reload();
    expect(offline?.fromServiceWorker()).toBe(true);
    await page.getByTestId('bridge-unreachable').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('cert-hint').count()).toBe(0);
  });
});
