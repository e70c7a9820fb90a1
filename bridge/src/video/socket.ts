import type * as uWS from 'uWebSockets.js';
import { MAX_CLIENT_MESSAGE_BYTES, type ClientMessage, type VideoStatus } from '../../../protocol/index.ts';
import type { Auth } from '../auth/index.ts';
import { bridgeHello, checkHello } from '../control/hello.ts';
import type { Limits } from '../control/limits.ts';
import { SocketSet, type UserData, type Ws } from '../control/sockets.ts';
import { makeUpgrade } from '../control/upgrade.ts';
import type { Counters, RateLimitedLog } from '../counters.ts';
import type { FrameFanout } from '../fanout.ts';

export interface VideoEndpointDeps {
  auth: Auth;
  fanout: FrameFanout;
  counters: Counters;
  limited: RateLimitedLog;
  limits: Limits;
  agent: string;
  capabilities: string[];
  /** The video-status as it is now: sent right after a good hello. */
  currentStatus(): VideoStatus;
  /** Next client id, shared with /ws. */
  nextId(): number;
}

/**
 * `GET /ws/video`: a video-only WebSocket for a page whose worker decodes frames itself
 * (CONTRACT "Video-only socket", issue 11 §3 B). The same upgrade check (Origin/Host, setup,
 * client limit: upgrade.ts) and the same hello with a session token (hello.ts) as /ws; the same
 * rate and size limits and revocation (sockets.ts). After a good hello it sends video-status and
 * frames only. It answers ping with pong (the worker's own clock probe); any other client message
 * is refused with `not-allowed` and counted (`ws.video.error.not-allowed`). It never joins
 * control: a video socket is no controller, and its close releases nothing.
 * Counters are `ws.video.*`.
 */
export function makeVideoEndpoint(deps: VideoEndpointDeps) {
  const { auth, fanout, counters, limited, limits } = deps;
  const set = new SocketSet({ auth, counters, limited, limits, prefix: 'ws.video.' });

  const handle = (ws: Ws, m: ClientMessage): void => {
    const d = ws.getUserData();
    if (d.state === 'pending') {
      if (m.type !== 'hello') {
        set.refuse(ws, 'unauthorized', 'send hello with a session token first');
        return set.closeWith(ws, 4001, 'unauthorized');
      }
      const verdict = checkHello(auth, m);
      if (!verdict.ok) {
        set.refuse(ws, verdict.code, verdict.message);
        return set.closeWith(ws, verdict.close, verdict.reason);
      }
      set.authenticated(ws, verdict.principal);
      set.send(ws, deps.currentStatus());
      d.viewer.identify(d.id, verdict.principal.user, 'video');
      fanout.add(d.viewer);
      return;
    }
    if (d.principal) auth.touch?.(d.principal.sessionId);
    switch (m.type) {
      case 'ping':
        return set.send(ws, {
          type: 'pong',
          id: m.id,
          sentAt: m.sentAt,
          receivedAt: performance.timeOrigin + performance.now(),
        });
      case 'pong':
        return;
      case 'hello':
        return set.refuse(ws, 'not-allowed', 'hello was already accepted');
      default:
        return set.refuse(ws, 'not-allowed', `the video socket carries frames only; send ${m.type} on /ws`);
    }
  };

  const behavior: uWS.WebSocketBehavior<UserData> = {
    compression: 0, // uWS.DISABLED: JPEG does not compress
    maxPayloadLength: MAX_CLIENT_MESSAGE_BYTES * 2,
    maxBackpressure: limits.maxBackpressure,
    closeOnBackpressureLimit: false, // the slow-client watchdog decides, with a grace period
    idleTimeout: 32,
    sendPingsAutomatically: true,
    upgrade: makeUpgrade(
      { auth, counters, prefix: 'ws.video.', maxClients: limits.maxClients, open: () => set.sockets.size },
      () => set.makeData(deps.nextId(), fanout.makeViewer()),
    ),
    open: (ws) => {
      set.opened(ws);
      ws.getUserData().viewer.attach(ws);
      set.send(ws, bridgeHello(deps.capabilities, deps.agent));
    },
    message: (ws, message, isBinary) => {
      const m = set.intake(ws, message, isBinary);
      if (m) set.dispatch(ws, m, handle);
    },
    pong: (ws) => {
      const d = ws.getUserData();
      if (d.principal) auth.touch?.(d.principal.sessionId);
    },
    drain: (ws) => ws.getUserData().viewer.drained(),
    close: (ws, code, message) => {
      set.closed(ws, code, message);
      fanout.remove(ws.getUserData().viewer);
    },
  };

  return {
    behavior,
    /** Sends to every authenticated video socket (video-status changes). */
    broadcast: (m: VideoStatus): void => set.broadcast(m),
    clients: (): number => set.sockets.size,
    stats: () => ({ sockets: set.sockets.size, authenticated: set.ready.size }),
    closeAll: (code: number, reason: string): void => set.closeAll(code, reason),
    dispose: (): void => set.dispose(),
  };
}

export type VideoEndpoint = ReturnType<typeof makeVideoEndpoint>;
