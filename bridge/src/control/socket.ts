import type * as uWS from 'uWebSockets.js';
import {
  assertNever,
  MAX_CLIENT_MESSAGE_BYTES,
  type ClientMessage,
  type ServerMessage,
} from '../../../protocol/index.ts';
import type { Auth } from '../auth/index.ts';
import type { Counters, RateLimitedLog } from '../counters.ts';
import type { FrameFanout } from '../fanout.ts';
import type { HidRelay, Refusal } from '../hid/relay.ts';
import { ControlArbiter } from './arbiter.ts';
import { bridgeHello, checkHello, NO_VIDEO } from './hello.ts';
import type { Limits } from './limits.ts';
import { SocketSet, type UserData, type Ws } from './sockets.ts';
import { makeUpgrade } from './upgrade.ts';

export { RATE_REPLY_MS, type UserData } from './sockets.ts';

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
  /** Next client id; shared with /ws/video so ids are unique across both. Default: a counter of its own. */
  nextId?(): number;
}

/**
 * The /ws endpoint (protocol/README.md "Hello and authentication", "Control", "Rates and sizes"):
 * async-upgrade with the Origin/Host check (upgrade.ts), token auth in hello (hello.ts), one
 * controller, input rate limits, size limits, bounded send buffers (sockets.ts). A hello whose
 * capabilities contain 'no-video' gets no frames on this socket (its page watches on /ws/video).
 * Per-message work is O(1) plus decoding.
 */
export function makeEndpoint(deps: EndpointDeps) {
  const { auth, relay, fanout, counters, limited, limits } = deps;
  const set = new SocketSet({ auth, counters, limited, limits, prefix: 'ws.' });
  const { ready } = set;
  let ownId = 1;
  const nextId = deps.nextId ?? (() => ownId++);
  const send = (ws: Ws, m: ServerMessage): void => set.send(ws, m);
  const refuse = (ws: Ws, code: Parameters<SocketSet['refuse']>[1], message: string): void =>
    set.refuse(ws, code, message);

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

  const authenticate = (ws: Ws, m: ClientMessage & { type: 'hello' }): void => {
    const d = ws.getUserData();
    const verdict = checkHello(auth, m);
    if (!verdict.ok) {
      refuse(ws, verdict.code, verdict.message);
      return set.closeWith(ws, verdict.close, verdict.reason);
    }
    const { principal } = verdict;
    // Joined before it is ready: the control-status that join() broadcasts is not this socket's
    // first; it gets its own after the status messages.
    arbiter.join({ id: d.id, sessionId: principal.sessionId, user: principal.user, role: principal.role });
    set.authenticated(ws, principal);
    for (const s of deps.currentStatus()) send(ws, s);
    send(ws, arbiter.statusFor(d.id));
    if (m.capabilities.includes(NO_VIDEO)) {
      counters.inc('ws.no_video');
      return;
    }
    d.viewer.identify(d.id, principal.user, 'main');
    fanout.add(d.viewer);
  };

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
      return set.closeWith(ws, 4001, 'unauthorized');
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
    upgrade: makeUpgrade(
      { auth, counters, prefix: 'ws.', maxClients: limits.maxClients, open: () => set.sockets.size },
      () => set.makeData(nextId(), fanout.makeViewer()),
    ),
    open: (ws) => {
      set.opened(ws);
      ws.getUserData().viewer.attach(ws);
      send(ws, bridgeHello(deps.capabilities, deps.agent));
    },
    message: (ws, message, isBinary) => {
      const m = set.intake(ws, message, isBinary);
      if (m) set.dispatch(ws, m, handle);
    },
    pong: (ws) => {
      const d = ws.getUserData();
      if (d.state === 'ready') arbiter.heard(d.id);
      if (d.principal) auth.touch?.(d.principal.sessionId);
    },
    drain: (ws) => ws.getUserData().viewer.drained(),
    close: (ws, code, message) => {
      const d = ws.getUserData();
      const wasReady = set.closed(ws, code, message);
      fanout.remove(d.viewer);
      if (!wasReady) return;
      relay.clientGone(d.id);
      arbiter.leave(d.id, !d.revoked);
    },
  };

  return {
    behavior,
    arbiter,
    /** Sends to every authenticated client. */
    broadcast: (m: ServerMessage): void => set.broadcast(m),
    /** Open sockets, authenticated or not. */
    clients: (): number => set.sockets.size,
    stats: () => ({
      sockets: set.sockets.size,
      authenticated: ready.size,
      controller: arbiter.controller(),
      controllerUser: arbiter.controllerUser(),
      limits,
    }),
    /** Closes every socket (bridge shutdown). */
    closeAll: (code: number, reason: string): void => set.closeAll(code, reason),
    dispose: (): void => {
      set.dispose();
      arbiter.close();
    },
  };
}

export type Endpoint = ReturnType<typeof makeEndpoint>;
