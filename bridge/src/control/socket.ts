import type * as uWS from 'uWebSockets.js';
import {
  assertNever,
  decodeClient,
  encodeServer,
  MAX_CLIENT_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ErrorCode,
  type ServerMessage,
} from '../../../protocol/index.ts';
import type { Auth, Principal } from '../auth/index.ts';
import type { Counters, RateLimitedLog } from '../counters.ts';
import type { FrameFanout, Viewer } from '../fanout.ts';
import type { HidRelay, Refusal } from '../hid/relay.ts';
import { securityHeaders, writeHeaders } from '../http/headers.ts';
import { ControlArbiter } from './arbiter.ts';
import type { Limits } from './limits.ts';
import { TokenBucket } from './rate.ts';

/** Per-socket state (uWS UserData). */
export interface UserData {
  /** Client id, 1.., as control-status names it. */
  id: number;
  /** 'pending' until a hello with a valid token; 'closed' once uWS said so (the socket is gone). */
  state: 'pending' | 'ready' | 'closing' | 'closed';
  principal: Principal | null;
  viewer: Viewer;
  bucket: TokenBucket;
  helloTimer: ReturnType<typeof setTimeout> | null;
  /** When its send buffer went over the slow-client mark (ms, performance.now), or 0. */
  slowSince: number;
  /** The socket closes because its session was revoked: no reconnect grace. */
  revoked: boolean;
  /** Messages refused by the rate limit and not yet reported to the client. */
  rateRefused: number;
  /** Runs while the client is over its rate: reports rateRefused every RATE_REPLY_MS. */
  rateTimer: ReturnType<typeof setTimeout> | null;
  /** Start (ms) and count of rate-limit refusals in the current one-second flood window. */
  floodStart: number;
  floodCount: number;
}

type Ws = uWS.WebSocket<UserData>;

export interface EndpointDeps {
  auth: Auth;
  relay: HidRelay;
  fanout: FrameFanout;
  counters: Counters;
  limited: RateLimitedLog;
  limits: Limits;
  agent: string;
  capabilities: string[];
  /** hid-status, leds, video-status as they are now: sent right after a good hello. */
  currentStatus(): ServerMessage[];
}

/** uWS's text when a message exceeds maxPayloadLength; it then closes with 1006 and no reply. */
const UWS_TOO_BIG = 'Received too big message';

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 421: 'Misdirected Request' };
const REFUSAL_HEADERS = securityHeaders({ tls: false });
const statusLine = (status: number): string => `${status} ${STATUS_TEXT[status] ?? 'Forbidden'}`;

/** Longest time a rate-limited refusal waits to be reported (coalesced with later ones), ms. */
export const RATE_REPLY_MS = 100;

/** Mark above which a client counts as slow: most of maxBackpressure is in use. */
const SLOW_FRACTION = 0.75;

/**
 * The /ws endpoint (protocol/README.md "Hello and authentication", "Control", "Rates and sizes"):
 * async-upgrade with the Origin/Host check, token auth in hello, one controller, input rate
 * limits, size limits, bounded send buffers. Per-message work is O(1) plus decoding.
 */
export function makeEndpoint(deps: EndpointDeps) {
  const { auth, relay, fanout, counters, limited, limits } = deps;
  const sockets = new Set<Ws>();
  const ready = new Map<number, Ws>();
  const bySession = new Map<string, Set<Ws>>();
  let nextId = 1;

  // Counter names and log keys built once, not per refused message.
  const errorCounter = new Map<ErrorCode, string>();
  const counterFor = (code: ErrorCode): string => {
    let name = errorCounter.get(code);
    if (!name) errorCounter.set(code, (name = `ws.error.${code}`));
    return name;
  };

  // A closed uWS socket throws on any method call: every path that may run later (timers, batch
  // progress, revocation) goes through `sockets`, which close() empties.
  const send = (ws: Ws, m: ServerMessage): void => {
    if (!sockets.has(ws)) return;
    if (ws.send(encodeServer(m), true) === 2) counters.inc('ws.send_dropped'); // 2: DROPPED (over maxBackpressure)
  };
  const broadcast = (m: ServerMessage): void => {
    const bytes = encodeServer(m);
    for (const ws of ready.values()) if (ws.send(bytes, true) === 2) counters.inc('ws.send_dropped');
  };
  const refuse = (ws: Ws, code: ErrorCode, message: string): void => {
    if (!sockets.has(ws)) return;
    counters.inc(counterFor(code));
    const id = ws.getUserData().id;
    limited(counterFor(code), () => `client ${id}: ${code}: ${message}`);
    send(ws, { type: 'error', code, message });
  };
  const closeWith = (ws: Ws, code: number, reason: string): void => {
    if (!sockets.has(ws)) return;
    const d = ws.getUserData();
    if (d.state === 'closed' || d.state === 'closing') return;
    d.state = 'closing';
    ws.end(code, reason);
  };

  const arbiter = new ControlArbiter(
    {
      releaseAll: (why) => {
        relay.cancelAny(why);
        relay.releaseAll();
      },
      holding: () => relay.holding(),
      ping: (id) => {
        const ws = ready.get(id);
        if (ws) {
          counters.inc('ws.control_pings');
          ws.ping();
        }
      },
      changed: (why) => {
        counters.inc('control.changes');
        limited('control', () => `control: ${why}`);
        for (const [id, ws] of ready) send(ws, arbiter.statusFor(id));
      },
    },
    limits,
  );

  // A flood must cost O(1) per message, replies included: the first refused message is answered
  // at once, later ones within RATE_REPLY_MS with one error whose text starts with their count.
  const rateReply = (d: UserData, ws: Ws, again = true): void => {
    const n = d.rateRefused;
    d.rateRefused = 0;
    d.rateTimer = null;
    if (n === 0) return;
    counters.inc('ws.error.rate-limited', n);
    limited('ws.error.rate-limited', () => `client ${d.id}: ${n} messages rate-limited`);
    send(ws, {
      type: 'error',
      code: 'rate-limited',
      message: `${n} message${n === 1 ? '' : 's'} refused: over ${limits.inputRate} messages/s (bursts of ${limits.inputBurst})`,
    });
    if (again) d.rateTimer = setTimeout(() => rateReply(d, ws), RATE_REPLY_MS);
  };

  const authenticate = (ws: Ws, m: ClientMessage & { type: 'hello' }): void => {
    const d = ws.getUserData();
    if (m.version !== PROTOCOL_VERSION) {
      refuse(ws, 'version', `this bridge speaks protocol ${PROTOCOL_VERSION}`);
      return closeWith(ws, 4000, 'protocol version');
    }
    const principal = m.token ? auth.verify(m.token) : undefined;
    if (!principal) {
      refuse(ws, 'unauthorized', m.token ? 'the session token is not valid (expired or logged out?)' : 'no token');
      return closeWith(ws, 4001, 'unauthorized');
    }
    if (d.helloTimer) clearTimeout(d.helloTimer);
    d.helloTimer = null;
    d.principal = principal;
    d.state = 'ready';
    let set = bySession.get(principal.sessionId);
    if (!set) bySession.set(principal.sessionId, (set = new Set()));
    set.add(ws);
    counters.inc('ws.authenticated');
    arbiter.join({ id: d.id, sessionId: principal.sessionId, user: principal.user, role: principal.role });
    ready.set(d.id, ws);
    for (const s of deps.currentStatus()) send(ws, s);
    send(ws, arbiter.statusFor(d.id));
    fanout.add(d.viewer);
  };

  /** Runs `act` if `ws` is the controller, else refuses with not-controller. */
  /** Runs `act` for the controller; anyone else, or a refused act, gets the error. `onRefused` runs too. */
  const asController = (ws: Ws, act: () => Refusal | undefined | void, onRefused?: (r: Refusal) => void): void => {
    const v = arbiter.input(ws.getUserData().id);
    const r: Refusal | undefined | void = v.ok ? act() : v;
    if (!r) return;
    refuse(ws, r.code, r.message);
    onRefused?.(r);
  };

  const handle = (ws: Ws, m: ClientMessage): void => {
    const d = ws.getUserData();
    if (d.state === 'pending') {
      if (m.type === 'hello') return authenticate(ws, m);
      refuse(ws, 'unauthorized', 'send hello with a session token first');
      return closeWith(ws, 4001, 'unauthorized');
    }
    arbiter.heard(d.id);
    // An open socket is use: keep the session's idle expiry (30 min) from closing it (AUTH).
    if (d.principal) auth.touch?.(d.principal.sessionId);
    switch (m.type) {
      case 'hello':
        return refuse(ws, 'not-allowed', 'hello was already accepted');
      case 'ping':
        return send(ws, {
          type: 'pong',
          id: m.id,
          sentAt: m.sentAt,
          receivedAt: performance.timeOrigin + performance.now(),
        });
      case 'pong':
        return;
      case 'error': {
        counters.inc('ws.client_error');
        const code = m.code;
        return limited('client-error', () => `client ${d.id} reports ${code} (${m.message.length} chars)`);
      }
      case 'keyboard':
      case 'mouse':
      case 'mouse-rel':
        return asController(ws, () => relay.report(m.type, m.report));
      case 'batch':
        // The spec promises exactly one batch-end per batch: a refused one ends at once as failed, so a
        // client waiting for the end (paste, macros) never waits forever.
        return asController(
          ws,
          () => relay.startBatch(d.id, m, (p) => send(ws, p)),
          (r) => send(ws, { type: 'batch-end', id: m.id, outcome: 'failed', sent: 0, reason: r.code }),
        );
      case 'batch-cancel':
        return asController(ws, () => relay.cancelBatch(d.id, m.id));
      case 'release-all':
        return asController(ws, () => relay.releaseAll());
      case 'control-request': {
        const v = arbiter.request(d.id, m.take);
        if (!v.ok) refuse(ws, v.code, v.message);
        return;
      }
      case 'control-release':
        return arbiter.release(d.id);
      default:
        return assertNever(m);
    }
  };

  const behavior: uWS.WebSocketBehavior<UserData> = {
    compression: 0, // uWS.DISABLED (a type-only export in the typings): JPEG does not compress
    // Above the protocol limit, so most oversized messages get an error reply before the close;
    // beyond this uWS closes by itself (1006, counted in close()).
    maxPayloadLength: MAX_CLIENT_MESSAGE_BYTES * 2,
    maxBackpressure: limits.maxBackpressure,
    closeOnBackpressureLimit: false, // the slow-client watchdog decides, with a grace period
    idleTimeout: 32,
    sendPingsAutomatically: true,
    // uWS examples/UpgradeAsync.js: copy the headers before anything else, watch onAborted, cork.
    upgrade: (res, req, context) => {
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
        counters.inc(counter);
        res.cork(() => {
          res.writeStatus(status);
          writeHeaders(res, REFUSAL_HEADERS); // nosniff, CSP etc. on this response too (AUTH)
          res.writeHeader('content-type', 'text/plain; charset=utf-8').end(reason, true);
        });
      };
      const check = auth.checkUpgrade({ origin, host });
      if (aborted) return;
      if (!check.ok) return refuseUpgrade(statusLine(check.status), check.reason, 'ws.refused_origin');
      if (auth.setupRequired())
        return refuseUpgrade('403 Forbidden', 'setup required: create the admin account first', 'ws.refused_setup');
      if (sockets.size >= limits.maxClients)
        return refuseUpgrade(
          '503 Service Unavailable',
          `too many clients (limit ${limits.maxClients}); close another tab or device`,
          'ws.refused_full',
        );
      const data: UserData = {
        id: nextId++,
        state: 'pending',
        principal: null,
        viewer: fanout.makeViewer(),
        bucket: new TokenBucket(limits.inputRate, limits.inputBurst),
        helloTimer: null,
        slowSince: 0,
        revoked: false,
        rateRefused: 0,
        rateTimer: null,
        floodStart: 0,
        floodCount: 0,
      };
      res.cork(() => res.upgrade<UserData>(data, key, protocol, extensions, context));
    },
    open: (ws) => {
      sockets.add(ws);
      counters.inc('ws.opened');
      const d = ws.getUserData();
      d.viewer.attach(ws);
      send(ws, {
        type: 'hello',
        version: PROTOCOL_VERSION,
        capabilities: deps.capabilities,
        agent: deps.agent,
        token: '',
      });
      d.helloTimer = setTimeout(() => {
        d.helloTimer = null;
        if (d.state !== 'pending') return;
        refuse(ws, 'unauthorized', `no hello with a session token within ${limits.helloTimeoutMs} ms`);
        closeWith(ws, 4001, 'unauthorized');
      }, limits.helloTimeoutMs);
    },
    message: (ws, message, isBinary) => {
      const d = ws.getUserData();
      if (d.state === 'closing' || d.state === 'closed') return;
      counters.inc('ws.messages');
      if (!d.bucket.take()) {
        d.rateRefused++;
        if (!d.rateTimer) rateReply(d, ws);
        const now = performance.now();
        if (now - d.floodStart > 1000) {
          d.floodStart = now;
          d.floodCount = 0;
        }
        if (++d.floodCount > limits.floodCloseRefused) {
          counters.inc('ws.closed_flood');
          if (d.rateTimer) clearTimeout(d.rateTimer);
          rateReply(d, ws, false);
          refuse(ws, 'rate-limited', `over ${limits.floodCloseRefused} messages refused within 1 s: closing`);
          closeWith(ws, 1008, 'input flood');
        }
        return;
      }
      if (message.byteLength > MAX_CLIENT_MESSAGE_BYTES) {
        refuse(
          ws,
          'oversized',
          `message of ${message.byteLength} bytes exceeds the limit of ${MAX_CLIENT_MESSAGE_BYTES}`,
        );
        return closeWith(ws, 1009, 'message too big');
      }
      if (!isBinary) {
        refuse(ws, 'malformed', 'text frames are not part of the protocol; send MessagePack binary');
        if (d.state === 'pending') closeWith(ws, 4001, 'unauthorized');
        return;
      }
      // decode copies what outlives this callback (uWS reuses `message` afterwards).
      const result = decodeClient(new Uint8Array(message), MAX_CLIENT_MESSAGE_BYTES);
      if (!result.ok) {
        refuse(ws, result.error.code, result.error.message);
        if (d.state === 'pending') closeWith(ws, 4001, 'unauthorized');
        return;
      }
      try {
        handle(ws, result.message);
      } catch (e) {
        refuse(ws, 'internal', `bridge failed on ${result.message.type}: ${e instanceof Error ? e.name : typeof e}`);
        limited(
          'internal',
          () => `internal error on ${result.message.type}: ${e instanceof Error ? e.stack : String(e)}`,
        );
      }
    },
    pong: (ws) => {
      const d = ws.getUserData();
      if (d.state === 'ready') arbiter.heard(d.id);
      if (d.principal) auth.touch?.(d.principal.sessionId);
    },
    drain: (ws) => ws.getUserData().viewer.drained(),
    close: (ws, code, message) => {
      const d = ws.getUserData();
      const wasReady = d.principal !== null && ready.has(d.id);
      d.state = 'closed';
      sockets.delete(ws);
      counters.inc('ws.closed');
      if (
        code === 1006 &&
        message.byteLength === UWS_TOO_BIG.length &&
        Buffer.from(message).toString() === UWS_TOO_BIG
      ) {
        // uWS refused a message over maxPayloadLength itself: no reply was possible.
        counters.inc('ws.error.oversized');
        counters.inc('ws.closed_oversized');
      }
      if (d.helloTimer) clearTimeout(d.helloTimer);
      if (d.rateTimer) clearTimeout(d.rateTimer);
      if (d.rateRefused > 0) counters.inc('ws.error.rate-limited', d.rateRefused);
      fanout.remove(d.viewer);
      if (!wasReady || !d.principal) return;
      ready.delete(d.id);
      const set = bySession.get(d.principal.sessionId);
      set?.delete(ws);
      if (set?.size === 0) bySession.delete(d.principal.sessionId);
      relay.clientGone(d.id);
      arbiter.leave(d.id, !d.revoked);
    },
  };

  const offRevoke = auth.onRevoke((sessionId) => {
    const set = bySession.get(sessionId);
    if (!set) return;
    for (const ws of [...set]) {
      const d = ws.getUserData();
      d.revoked = true;
      counters.inc('ws.closed_revoked');
      refuse(ws, 'unauthorized', 'the session ended (logged out, revoked or expired)');
      closeWith(ws, 4001, 'unauthorized');
    }
  });

  // A client that stays behind (its buffer near maxBackpressure) for slowClientMs is cut off:
  // video skips frames for it already, but status and replies would be lost.
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const ws of sockets) {
      const d = ws.getUserData();
      if (ws.getBufferedAmount() < limits.maxBackpressure * SLOW_FRACTION) {
        d.slowSince = 0;
        continue;
      }
      if (d.slowSince === 0) d.slowSince = now;
      else if (now - d.slowSince > limits.slowClientMs && d.state !== 'closed') {
        counters.inc('ws.closed_slow');
        limited('slow', () => `client ${d.id}: send buffer full for over ${limits.slowClientMs} ms: closing`);
        d.state = 'closed';
        ws.close(); // end() would queue its close frame behind the full buffer
      }
    }
  }, 1000);
  watchdog.unref();

  return {
    behavior,
    arbiter,
    /** Sends to every authenticated client. */
    broadcast,
    /** Open sockets, authenticated or not. */
    clients: (): number => sockets.size,
    stats: () => ({
      sockets: sockets.size,
      authenticated: ready.size,
      controller: arbiter.controller(),
      controllerUser: arbiter.controllerUser(),
      limits,
    }),
    /** Closes every socket (bridge shutdown). */
    closeAll: (code: number, reason: string): void => {
      for (const ws of [...sockets]) closeWith(ws, code, reason);
    },
    dispose: (): void => {
      clearInterval(watchdog);
      offRevoke();
      arbiter.close();
    },
  };
}

export type Endpoint = ReturnType<typeof makeEndpoint>;
