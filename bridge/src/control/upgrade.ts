import type * as uWS from 'uWebSockets.js';
import type { Auth } from '../auth/index.ts';
import type { Counters } from '../counters.ts';
import { securityHeaders, writeHeaders } from '../http/headers.ts';

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 421: 'Misdirected Request' };
const REFUSAL_HEADERS = securityHeaders({ tls: false });
const statusLine = (status: number): string => `${status} ${STATUS_TEXT[status] ?? 'Forbidden'}`;

export interface UpgradeDeps {
  auth: Auth;
  counters: Counters;
  /** Counter name prefix: 'ws.' for /ws, 'ws.video.' for /ws/video. */
  prefix: string;
  /** The endpoint's socket limit, and how many it has open now. */
  maxClients: number;
  open(): number;
}

/**
 * The WebSocket upgrade check both endpoints share (protocol/README.md "Hello and
 * authentication", AUTH): Origin/Host policy (auth/origin.ts through auth.checkUpgrade), no
 * socket before the first admin exists, and the endpoint's client limit. A refusal is a plain
 * HTTP answer with the security headers (403/421/400, 503 when full), counted as
 * `<prefix>refused_origin|refused_setup|refused_full`. The token is checked later, in hello.
 * Follows uWS examples/UpgradeAsync.js: copy the headers before anything else, watch onAborted,
 * cork the answer.
 * @param makeData builds the new socket's UserData; called only when the upgrade goes ahead
 */
export function makeUpgrade<U>(deps: UpgradeDeps, makeData: () => U): NonNullable<uWS.WebSocketBehavior<U>['upgrade']> {
  const { auth, counters, prefix } = deps;
  return (res, req, context) => {
    const key = req.getHeader('sec-websocket-key');
    const protocol = req.getHeader('sec-websocket-protocol');
    const extensions = req.getHeader('sec-websocket-extensions');
    const origin = req.getHeader('origin');
    const host = req.getHeader('host');
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    const refuseUpgrade = (status: string, reason: string, counter: string): void => {
      counters.inc(prefix + counter);
      res.cork(() => {
        res.writeStatus(status);
        writeHeaders(res, REFUSAL_HEADERS); // nosniff, CSP etc. on this response too (AUTH)
        res.writeHeader('content-type', 'text/plain; charset=utf-8').end(reason, true);
      });
    };
    const check = auth.checkUpgrade({ origin, host });
    if (aborted) return;
    if (!check.ok) return refuseUpgrade(statusLine(check.status), check.reason, 'refused_origin');
    if (auth.setupRequired())
      return refuseUpgrade('403 Forbidden', 'setup required: create the admin account first', 'refused_setup');
    if (deps.open() >= deps.maxClients)
      return refuseUpgrade(
        '503 Service Unavailable',
        `too many clients (limit ${deps.maxClients}); close another tab or device`,
        'refused_full',
      );
    const data = makeData();
    res.cork(() => res.upgrade<U>(data, key, protocol, extensions, context));
  };
}
