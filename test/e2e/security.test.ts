import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startStack, type Stack } from './harness.ts';

/** A tiny site on another origin (localhost:<port> vs the KVM's 127.0.0.1:<port>) to attack from. */
async function startOtherSite(pages: Record<string, string>): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const body = pages[req.url ?? '/'];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html' }).end(body ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((r) => server.close(() => r())) };
}

/** Upgrade status for a raw WebSocket with `origin` (101 accepted, else the HTTP status). */
function upgradeStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
  });
}

/**
 * The browser-facing defences of issue 8: the WebSocket refuses other origins (cross-site
 * WebSocket hijacking), every response carries the security headers, and the PWA cannot be
 * framed by another site.
 */
describe('origin checks and security headers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ display: ':74' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('sends the security headers on the app, its assets and the API', async () => {
    const app = await fetch(stack.url);
    const html = await app.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    for (const res of [app, await fetch(new URL(asset!, stack.url)), await fetch(`${stack.url}api/auth/state`)]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
      expect(csp).toMatch(/(^|; )connect-src 'self'/);
      expect(csp).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    // The PWA runs under that policy without a single violation (no inline script or style).
    expect(stack.logs.filter((l) => /Content Security Policy|Refused to/i.test(l))).toEqual([]);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('refuses the WebSocket to a page on another origin, in Chromium and on the wire', async () => {
    const wsUrl = `ws://127.0.0.1:${stack.bridge.port}/ws`;
    const site = await startOtherSite({
      '/': `<!doctype html><script>
        window.result = new Promise((resolve) => {
          const ws = new WebSocket(${JSON.stringify(wsUrl)});
          const events = [];
          ws.onopen = () => events.push('open');
          ws.onerror = () => events.push('error');
          ws.onclose = (e) => { events.push('close:' + e.code); resolve(events); };
        });
      </script>`,
    });
    try {
      const refusedBefore = stack.bridge.counters.get('auth.upgrade_refused');
      const page = await (await stack.browser.newContext()).newPage();
      await page.goto(`${site.origin}/`);
      const events = await page.evaluate(() => (window as unknown as { result: Promise<string[]> }).result);
      expect(events).not.toContain('open');
      expect(events).toEqual(['error', 'close:1006']);
      expect(stack.bridge.counters.get('auth.upgrade_refused')).toBe(refusedBefore + 1);
      // The same refusal seen from Node: 403 for the foreign Origin, 101 for the bridge's own.
      expect(await upgradeStatus(wsUrl, site.origin)).toBe(403);
      expect(await upgradeStatus(wsUrl, `http://127.0.0.1:${stack.bridge.port}`)).toBe(101);
      await page.context().close();
    } finally {
      await site.close();
    }
  });

  it('cannot be framed by another site (frame-ancestors), while the same site frames its own page', async () => {
    const site = await startOtherSite({
      '/': `<!doctype html><iframe id="kvm" src="${stack.url}"></iframe><iframe id="own" src="/inner"></iframe>`,
      '/inner': '<!doctype html><p id="inner">inner page</p>',
    });
    try {
      const page = await (await stack.browser.newContext()).newPage();
      const blocked: string[] = [];
      page.on('console', (m) => {
        if (/frame-ancestors|X-Frame-Options/i.test(m.text())) blocked.push(m.text());
      });
      await page.goto(`${site.origin}/`);
      const own = page.frameLocator('#own');
      await expect.poll(() => own.locator('#inner').count()).toBe(1); // framing works in this test
      await page.waitForTimeout(1000);
      const kvm = page.frames().find((f) => f !== page.mainFrame() && !f.url().endsWith('/inner'));
      expect(kvm).toBeDefined();
      const root = await kvm!.evaluate(() => document.getElementById('root') !== null).catch(() => false);
      expect(root).toBe(false);
      expect(blocked.length).toBeGreaterThan(0);
      await page.context().close();
    } finally {
      await site.close();
    }
  });
});
