/**
 * The plain-HTTP side of the bridge (port 80 on a Pi): one page that offers the device's CA
 * certificate with short steps per OS, the certificate itself as DER (`/ca.crt`) and PEM
 * (`/ca.pem`), both `application/x-x509-ca-cert`, and a 308 to HTTPS (RFC 9110 §15.4.9, method
 * and body kept) for every other request, WebSocket upgrades included. No API, no WebSocket, no
 * app: a browser that does not yet trust the CA can still fetch it here, and nothing else.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as uWS from 'uWebSockets.js';
import { parseHost } from '../auth/origin.ts';
import type { CaPageConfig } from '../config.ts';
import type { Counters } from '../counters.ts';
import { securityHeaders } from './headers.ts';
import { Reply } from './reply.ts';

export class CaPageError extends Error {
  override readonly name = 'CaPageError';
  constructor(
    readonly code: 'not-a-ca' | 'bad-certificate' | 'listen',
    message: string,
  ) {
    super(message);
  }
}

/** The CA on offer, parsed once. */
export interface OfferedCa {
  pem: string;
  der: Buffer;
  /** SHA-256 of the DER, `AA:BB:…` as openssl and the OSes show it. */
  fingerprint256: string;
  subject: string;
  /** Expiry, as X509Certificate.validTo prints it. */
  validTo: string;
}

/**
 * Parses a PEM CA certificate (the first one in the text).
 * @throws CaPageError 'bad-certificate' for text that is not a certificate, 'not-a-ca' for one
 *   without basicConstraints CA:TRUE (RFC 5280 §4.2.1.9): a leaf offered as a CA would teach
 *   users to trust the wrong thing
 */
export function parseOfferedCa(pem: string): OfferedCa {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (e) {
    throw new CaPageError('bad-certificate', `not a PEM certificate: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!cert.ca) throw new CaPageError('not-a-ca', `${cert.subject.replaceAll('\n', ', ')} is not a CA certificate`);
  return {
    pem: cert.toString(),
    der: cert.raw,
    fingerprint256: cert.fingerprint256,
    subject: cert.subject.replaceAll('\n', ', '),
    validTo: cert.validTo,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// One inline style, allowed by its hash in the page's CSP (CSP3 §8.4 hash-source), so the page
// needs no second request and no 'unsafe-inline'.
const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}' +
  'a.dl{display:inline-block;margin:.25rem .5rem .25rem 0;padding:.5rem 1rem;background:#1a5fb4;color:#fff;' +
  'border-radius:.4rem;text-decoration:none}code{background:#eee;padding:0 .2rem;word-break:break-all}' +
  'h2{font-size:1.1rem;margin-top:1.5rem}li{margin:.2rem 0}';
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** The page's CSP: nothing but its own inline style (no script at all). */
export const CA_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The CA page's HTML for a device reached as `name`; `httpsUrl` is where the app is.
 * Steps follow the OSes' own trust-store UIs as of 2026 (Windows certmgr, macOS Keychain
 * Access, NSS/Chromium and Debian's update-ca-certificates, Android 14 "CA certificate",
 * iOS 17 profiles + Certificate Trust Settings).
 */
export function caPageHtml(ca: OfferedCa, name: string, httpsUrl: string): string {
  const host = escapeHtml(name);
  const url = escapeHtml(httpsUrl);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Trust this KVM's certificate</title><style>${STYLE}</style></head>
<body>
<h1>Trust this KVM's certificate</h1>
<p>This KVM (<b>${host}</b>) signs its HTTPS certificate with its own certificate authority (CA).
Install the CA once on each computer or phone you use. Then <a href="${url}">${url}</a> opens without a warning,
and the app can be installed and used offline.</p>
<p><a class="dl" href="/ca.crt" download="webkvm-${host}-ca.crt">Download the CA (.crt)</a>
<a class="dl" href="/ca.pem" download="webkvm-${host}-ca.pem">Download the CA (.pem)</a></p>
<p>This page comes over plain HTTP: before you trust the CA, check that its SHA-256 fingerprint is the one
<code>sudo deploy/install.sh</code> printed on the KVM:<br><code>${escapeHtml(ca.fingerprint256)}</code><br>
(${escapeHtml(ca.subject)}, valid until ${escapeHtml(ca.validTo)})</p>
<h2>Windows</h2><ol><li>Open the downloaded <code>.crt</code> file, then <i>Install Certificate…</i></li>
<li><i>Current User</i>, <i>Place all certificates in the following store</i>, <i>Browse…</i>,
<i>Trusted Root Certification Authorities</i>, then <i>Finish</i> and <i>Yes</i>.</li>
<li>Restart the browser. Chrome and Edge use this store; so does Firefox (enterprise roots are on by default).</li></ol>
<h2>macOS</h2><ol><li>Open the downloaded <code>.crt</code> file: Keychain Access adds it to the <i>login</i> keychain.</li>
<li>Double-click the new certificate, open <i>Trust</i>, set <i>When using this certificate</i> to
<i>Always Trust</i>, close the window and enter your password.</li></ol>
<h2>Linux</h2><ol><li>Chrome or Chromium: <i>Settings</i>, <i>Privacy and security</i>, <i>Security</i>,
<i>Manage certificates</i>, <i>Authorities</i>, <i>Import</i>, pick the <code>.pem</code> file and tick
<i>Trust this certificate for identifying websites</i>. Or in a terminal:
<code>certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n webkvm-${host} -i webkvm-${host}-ca.pem</code></li>
<li>Firefox: <i>Settings</i>, <i>Privacy &amp; Security</i>, <i>View Certificates…</i>, <i>Authorities</i>,
<i>Import…</i>, tick <i>Trust this CA to identify websites</i>.</li>
<li>System-wide (curl, other programs):
<code>sudo cp webkvm-${host}-ca.pem /usr/local/share/ca-certificates/webkvm-${host}.crt &amp;&amp; sudo update-ca-certificates</code></li></ol>
<h2>Android</h2><ol><li>Download the <code>.crt</code> file.</li>
<li><i>Settings</i>, <i>Security &amp; privacy</i>, <i>More security settings</i>, <i>Encryption &amp; credentials</i>,
<i>Install a certificate</i>, <i>CA certificate</i>, <i>Install anyway</i>, and pick the file.</li>
<li>Chrome then trusts it, installed web apps included.</li></ol>
<h2>iPhone and iPad</h2><ol><li>Open this page in Safari and tap <i>Download the CA (.crt)</i>, then <i>Allow</i>.</li>
<li><i>Settings</i>, <i>General</i>, <i>VPN &amp; Device Management</i>, the downloaded profile, <i>Install</i>.</li>
<li><i>Settings</i>, <i>General</i>, <i>About</i>, <i>Certificate Trust Settings</i>: turn on full trust for the CA.</li></ol>
<p><a href="${url}">Open the KVM</a></p>
</body></html>
`;
}

export interface CaPageOptions {
  /** Listen address. */
  host: string;
  /** Listen port; 0 picks a free one (tests). */
  port: number;
  /** The HTTPS port the redirect and the page point at (443 is left out of the URL). */
  httpsPort: number;
  /** The CA to offer; undefined: `/` redirects like everything else (own certificate, no CA). */
  ca?: OfferedCa | undefined;
  /**
   * True if the HTTPS side answers to this host name (a Host header's name, port stripped):
   * anything else gets 421 rather than a redirect to a name the bridge would refuse anyway.
   */
  nameAllowed: (name: string) => boolean;
  counters?: Counters;
}

export interface CaPage {
  port: number;
  close(): void;
}

/** `https://name[:port]` for the HTTPS side. */
function httpsBase(name: string, httpsPort: number): string {
  return `https://${name}${httpsPort === 443 ? '' : `:${httpsPort}`}`;
}

/**
 * Listens on plain HTTP: GET/HEAD `/` → the CA page, `/ca.crt` (DER) and `/ca.pem` → the CA,
 * anything else → 308 to the same path and query on HTTPS. Every response carries the bridge's
 * security headers (no HSTS: it means nothing over HTTP) with the page's own CSP.
 * @throws CaPageError 'listen' when the port cannot be bound
 */
export async function startCaPage(opts: CaPageOptions): Promise<CaPage> {
  const headers = securityHeaders({ tls: false }).map(([k, v]): [string, string] =>
    k === 'content-security-policy' ? [k, CA_PAGE_CSP] : [k, v],
  );
  const noStore: [string, string] = ['cache-control', 'no-cache'];
  const app = uWS.App();
  app.any('/*', (res, req) => {
    const method = req.getMethod();
    const url = req.getUrl();
    const query = req.getQuery();
    const reply = new Reply(res, method, headers);
    const host = parseHost(req.getHeader('host'));
    if (!host || !opts.nameAllowed(host.name)) {
      opts.counters?.inc('http.ca_page.misdirected');
      reply.send(421, 'this KVM does not answer to that host name', 'text/plain; charset=utf-8', [noStore]);
      return;
    }
    const base = httpsBase(host.name, opts.httpsPort);
    const ca = opts.ca;
    if (ca && (method === 'get' || method === 'head')) {
      if (url === '/') {
        opts.counters?.inc('http.ca_page.page');
        reply.send(200, caPageHtml(ca, host.name, `${base}/`), 'text/html; charset=utf-8', [noStore]);
        return;
      }
      if (url === '/ca.crt' || url === '/ca.pem') {
        opts.counters?.inc('http.ca_page.download');
        const der = url === '/ca.crt';
        reply.send(200, der ? ca.der : ca.pem, 'application/x-x509-ca-cert', [
          noStore,
          [
            'content-disposition',
            `attachment; filename="webkvm-${host.name.replace(/[^a-z0-9.-]/g, '_')}-ca.${der ? 'crt' : 'pem'}"`,
          ],
        ]);
        return;
      }
    }
    opts.counters?.inc('http.ca_page.redirect');
    const location = `${base}${url}${query ? `?${query}` : ''}`;
    reply.send(308, `moved to ${location}`, 'text/plain; charset=utf-8', [['location', location], noStore]);
  });
  const token = await new Promise<uWS.us_listen_socket | false>((resolve) => app.listen(opts.host, opts.port, resolve));
  if (!token) {
    app.close();
    throw new CaPageError('listen', `cannot listen on http://${opts.host}:${opts.port} for the CA page (port in use?)`);
  }
  return {
    port: uWS.us_socket_local_port(token),
    close: () => {
      uWS.us_listen_socket_close(token);
      app.close();
    },
  };
}

/**
 * The bridge's CA page from its config: reads `caFile` (a missing file means "redirect only",
 * said once in the log) and listens, retrying a busy port for `listenRetryMs` (the previous run's
 * connections in TIME_WAIT after a restart; uWS binds without SO_REUSEADDR). A port still busy
 * after that, or a file that is not a CA certificate, is logged and leaves HTTPS running without
 * the page: the KVM matters more.
 */
export async function openCaPage(
  cfg: CaPageConfig,
  ctx: { host: string; httpsPort: number; nameAllowed: (name: string) => boolean; counters?: Counters },
  log: (line: string) => void,
  listenRetryMs = 0,
): Promise<CaPage | undefined> {
  let ca: OfferedCa | undefined;
  if (cfg.caFile) {
    try {
      ca = parseOfferedCa(readFileSync(cfg.caFile, 'utf8'));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      log(`CA page: no CA to offer from ${cfg.caFile} (${why}); port ${cfg.port} only redirects to HTTPS`);
    }
  }
  const end = Date.now() + listenRetryMs;
  for (let tries = 0; ; tries++) {
    try {
      const page = await startCaPage({ ...ctx, port: cfg.port, ca });
      log(`CA page on http://${ctx.host}:${page.port}/ ${ca ? `offers ${ca.fingerprint256}` : '(redirect only)'}`);
      return page;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      if (Date.now() >= end) {
        log(`CA page off: ${why}`);
        return undefined;
      }
      ctx.counters?.inc('http.ca_page.listen_retry');
      if (tries === 0) log(`CA page: ${why}; retrying for ${Math.round(listenRetryMs / 1000)} s`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
