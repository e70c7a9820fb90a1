/**
 * The plain-HTTP CA page (bridge/src/http/ca-page.ts) on a real uWS listener: the page, the CA
 * as DER and PEM, a 308 to HTTPS for everything else (WebSocket upgrades and the API too), 421
 * for a foreign Host, and the bridge's security headers.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_PAGE_CSP, openCaPage, parseOfferedCa, startCaPage, type CaPage } from '../../bridge/src/http/ca-page.ts';
import { Counters } from '../../bridge/src/counters.ts';

const dir = mkdtempSync(join(tmpdir(), 'ca-page-'));
const caFile = join(dir, 'ca.pem');
execFileSync(
  'openssl',
  ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'].concat([
    '-subj',
    '/CN=webkvm test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    join(dir, 'ca.key'),
    '-out',
    caFile,
  ]),
  { stdio: 'ignore' },
);
const PEM = readFileSync(caFile, 'utf8');
/** A leaf (CA:FALSE): openssl req -x509 alone would mark it CA:TRUE. */
function leafPem(): string {
  const out = join(dir, 'leaf.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=leaf',
    ].concat(['-addext', 'basicConstraints=critical,CA:FALSE', '-keyout', join(dir, 'leaf.key'), '-out', out]),
    { stdio: 'ignore' },
  );
  return readFileSync(out, 'utf8');
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(
  port: number,
  path: string,
  opts: { method?: string; host?: string; headers?: Record<string, string> } = {},
) {
  return new Promise<Res>((resolve, reject) => {
    request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: { host: opts.host ?? 'kvm.local', ...opts.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    )
      .on('error', reject)
      .end();
  });
}

describe('the CA page on plain HTTP', () => {
  let page: CaPage;
  const counters = new Counters();
  beforeAll(async () => {
    page = await startCaPage({
      host: '127.0.0.1',
      port: 0,
      httpsPort: 8443,
      ca: parseOfferedCa(PEM),
      nameAllowed: (n) => ['kvm.local', 'kvm', '127.0.0.1', '[::1]'].includes(n),
      counters,
    });
  });
  afterAll(() => page.close());

  it('serves one page with both downloads, the fingerprint and steps for each OS', async () => {
    const r = await get(page.port, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = r.body.toString();
    expect(html).toContain('href="/ca.crt"');
    expect(html).toContain('href="/ca.pem"');
    expect(html).toContain(new X509Certificate(PEM).fingerprint256);
    expect(html).toContain('https://kvm.local:8443/');
    for (const os of ['Windows', 'macOS', 'Linux', 'Android', 'iPhone and iPad'])
      expect(html).toContain(`<h2>${os}</h2>`);
    expect(html).not.toMatch(/<script/i);
  });

  it('sends the CA as DER at /ca.crt and as PEM at /ca.pem, both application/x-x509-ca-cert', async () => {
    const der = await get(page.port, '/ca.crt');
    expect(der.status).toBe(200);
    expect(der.headers['content-type']).toBe('application/x-x509-ca-cert');
    expect(der.headers['content-disposition']).toBe('attachment; filename="webkvm-kvm.local-ca.crt"');
    expect(der.body.equals(new X509Certificate(PEM).raw)).toBe(true);
    const pem = await get(page.port, '/ca.pem');
    expect(pem.headers['content-type']).toBe('application/x-x509-ca-cert');
    expect(new X509Certificate(pem.body).fingerprint256).toBe(new X509Certificate(PEM).fingerprint256);
    expect(pem.body.toString()).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it('answers HEAD with the headers and no body', async () => {
    const r = await get(page.port, '/ca.crt', { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(Number(r.headers['content-length'])).toBe(new X509Certificate(PEM).raw.length);
    expect(r.body.length).toBe(0);
  });

  it.each([
    ['/index.html', 'GET', 'https://kvm.local:8443/index.html'],
    ['/api/stats', 'GET', 'https://kvm.local:8443/api/stats'],
    ['/api/login', 'POST', 'https://kvm.local:8443/api/login'],
    ['/app?x=1&y=2', 'GET', 'https://kvm.local:8443/app?x=1&y=2'],
    ['/ca.crt', 'POST', 'https://kvm.local:8443/ca.crt'],
    ['/assets/../ca.crt', 'GET', 'https://kvm.local:8443/assets/../ca.crt'],
  ])('redirects %s (%s) to HTTPS with 308', async (path, method, location) => {
    const r = await get(page.port, path, { method });
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe(location);
  });

  it('redirects a WebSocket upgrade instead of accepting it', async () => {
    const r = await get(page.port, '/ws', {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe('https://kvm.local:8443/ws');
  });

  it('keeps the name the browser used, port stripped, and brackets an IPv6 literal', async () => {
    expect((await get(page.port, '/x', { host: `kvm:${page.port}` })).headers.location).toBe('https://kvm:8443/x');
    expect((await get(page.port, '/x', { host: '[::1]' })).headers.location).toBe('https://[::1]:8443/x');
  });

  it.each(['evil.example', 'kvm.local.evil.example', 'a b', 'kvm.local:80:80'])(
    'refuses Host %j with 421 instead of redirecting there',
    async (host) => {
      const r = await get(page.port, '/', { host });
      expect(r.status).toBe(421);
      expect(r.headers.location).toBeUndefined();
      expect(r.body.toString()).not.toContain('BEGIN CERTIFICATE');
    },
  );

  it('carries the security headers, a CSP that allows only its own style, and no HSTS', async () => {
    for (const path of ['/', '/ca.crt', '/elsewhere']) {
      const r = await get(page.port, path);
      expect(r.headers['content-security-policy']).toBe(CA_PAGE_CSP);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['strict-transport-security']).toBeUndefined();
    }
    expect(CA_PAGE_CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'/);
  });

  it('counts pages, downloads, redirects and misdirected requests', () => {
    for (const k of ['page', 'download', 'redirect', 'misdirected'])
      expect(counters.get(`http.ca_page.${k}`)).toBeGreaterThan(0);
  });
});

describe('the CA page without a CA, and from config', () => {
  it('redirects / too when there is no CA to offer', async () => {
    const page = await startCaPage({ host: '127.0.0.1', port: 0, httpsPort: 443, nameAllowed: () => true });
    try {
      const r = await get(page.port, '/ca.crt');
      expect(r.status).toBe(308);
      expect(r.headers.location).toBe('https://kvm.local/ca.crt');
      expect((await get(page.port, '/')).headers.location).toBe('https://kvm.local/');
    } finally {
      page.close();
    }
  });

  it.each([
    ['a leaf certificate', 'not-a-ca', leafPem],
    ['junk', 'bad-certificate', () => 'not a certificate'],
  ])('refuses to offer %s (%s)', (_what, code, pem) => {
    expect(() => parseOfferedCa(pem())).toThrow(expect.objectContaining({ code }));
  });

  it('logs and falls back to redirect-only when the caFile is missing or not a CA, and stays off on a busy port', async () => {
    const lines: string[] = [];
    const ctx = { host: '127.0.0.1', httpsPort: 443, nameAllowed: () => true };
    const missing = await openCaPage({ port: 0, caFile: join(dir, 'nope.pem') }, ctx, (l) => lines.push(l));
    expect(missing).toBeDefined();
    expect(lines.join('\n')).toMatch(/no CA to offer from .*nope\.pem.*only redirects/);
    leafPem();
    const notCa = await openCaPage({ port: 0, caFile: join(dir, 'leaf.pem') }, ctx, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/is not a CA certificate/);
    const busy = await openCaPage({ port: missing!.port }, ctx, (l) => lines.push(l));
    expect(busy).toBeUndefined();
    expect(lines.at(-1)).toMatch(/^CA page off: cannot listen/);
    missing?.close();
    notCa?.close();
  });

  it('retries a busy port for listenRetryMs and takes it once it is free (a restart with TIME_WAIT)', async () => {
    const lines: string[] = [];
    const ctx = { host: '127.0.0.1', httpsPort: 443, nameAllowed: () => true };
    const first = await startCaPage({ ...ctx, port: 0 });
    setTimeout(() => first.close(), 1200);
    const second = await openCaPage({ port: first.port }, ctx, (l) => lines.push(l), 10_000);
    expect(second?.port).toBe(first.port);
    expect(lines.join('\n')).toMatch(
      /retrying for 10 s[\s\S]*CA page on http:\/\/127\.0\.0\.1:\d+\/ \(redirect only\)/,
    );
    second?.close();
  });
});
