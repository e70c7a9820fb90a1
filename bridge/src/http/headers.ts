/**
 * Response headers every bridge response carries (static files, API, errors, 404).
 * CSP Level 3 (https://www.w3.org/TR/CSP3/): scripts, styles and workers only from the bridge
 * itself — the built PWA has no inline script or style (vite emits external files, and
 * vite-plugin-pwa registers the service worker from a bundled module, injectRegister: false) —
 * and WebSocket connections only to the bridge's own ws:/wss: origin.
 */
import * as uWS from 'uWebSockets.js';

// uWS writes "uWebSockets: 20" into every response unless told to be silent; this is the
// undocumented switch uWebSockets.js exposes for it (addon.cpp, uWS_cfg "silent" → noMark).
(uWS as unknown as { _cfg?: (key: string) => void })._cfg?.('silent');

const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'serial=()',
  'usb=()',
  // Used by the PWA: fullscreen, Keyboard Map (layout labels), clipboard (paste), wake lock.
  'fullscreen=(self)',
  'keyboard-map=(self)',
  'clipboard-read=(self)',
  'clipboard-write=(self)',
  'screen-wake-lock=(self)',
].join(', ');

export interface HeaderContext {
  /** Served over TLS (adds HSTS, and wss: instead of ws: in connect-src). */
  tls: boolean;
  /** The request's Host header, only when the bridge answers to it (else left out of the CSP). */
  host?: string | undefined;
}

export function contentSecurityPolicy(ctx: HeaderContext): string {
  const ws = ctx.host ? ` ${ctx.tls ? 'wss' : 'ws'}://${ctx.host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "media-src 'self' blob:",
    `connect-src 'self'${ws}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** The header pairs, in the order written. */
export function securityHeaders(ctx: HeaderContext): [string, string][] {
  const h: [string, string][] = [
    ['content-security-policy', contentSecurityPolicy(ctx)],
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', 'DENY'],
    ['referrer-policy', 'no-referrer'],
    ['cross-origin-opener-policy', 'same-origin'],
    ['cross-origin-resource-policy', 'same-origin'],
    ['permissions-policy', PERMISSIONS_POLICY],
  ];
  // RFC 6797: browsers ignore it over plain HTTP and over a certificate they do not trust, so it
  // only takes effect once the user has trusted the Pi's self-signed certificate. 180 days, no
  // includeSubDomains (a .local name has no subdomains of ours).
  if (ctx.tls) h.push(['strict-transport-security', 'max-age=15552000']);
  return h;
}

export function writeHeaders(res: uWS.HttpResponse, headers: readonly (readonly [string, string])[]): void {
  for (const [k, v] of headers) res.writeHeader(k, v);
}
