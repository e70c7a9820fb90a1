import * as uWS from 'uWebSockets.js';
import {
  CLIENT_TYPES,
  decode,
  encode,
  MAX_CLIENT_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type ErrorCode,
  type Message,
  type VideoStatus,
} from '../../protocol/index.ts';
import { authForBridge } from './auth/bridge.ts';
import type { AuthOptions, AuthService, Role } from './auth/index.ts';
import { mountApi } from './auth/routes.ts';
import type { BridgeConfig } from './config.ts';
import { Counters, makeRateLimitedLog } from './counters.ts';
import { FrameFanout, type Viewer } from './fanout.ts';
import type { HidFs } from './hid/device.ts';
import { HidRelay } from './hid/relay.ts';
import { loadStatic, mountStatic } from './static.ts';
import { startVideoSource, type VideoSource } from './video/source.ts';

export const BRIDGE_AGENT = 'bridge/0.1.0';
export const CAPABILITIES = ['batch', 'mouse-rel', 'leds', 'video'];

interface UserData {
  id: number;
  helloed: boolean;
  viewer: Viewer;
}

export interface Bridge {
  port: number;
  counters: Counters;
  relay: HidRelay;
  /** Accounts, sessions, Host/Origin policy (bridge/src/auth). */
  auth: AuthService;
  /**
   * A fresh one-time login token (1 h, single use) for `user` (default 'local', made as a
   * passwordless `role`, default admin, if missing). npm start prints `/#login=<it>`.
   */
  oneTimeLogin(opts?: { user?: string; role?: Role }): string;
  /** Clients connected now. */
  clients(): number;
  close(): Promise<void>;
}

export interface BridgeOptions {
  log?: (line: string) => void;
  /** Test hook: fake fs for the HID devices. */
  hidFs?: HidFs;
  hidTimings?: { retryMs?: number; reopenMs?: number; readMs?: number };
  /** How long to keep retrying a busy port, ms (default 0: fail at once). */
  listenRetryMs?: number;
  /** Auth knobs (tests: a cheap scrypt, a shorter throttle). */
  auth?: AuthOptions;
}

/**
 * Starts the bridge: serves the built PWA, and one WebSocket endpoint at /ws that relays hid
 * messages to the HID devices and video frames to every client (latest frame wins per client).
 * @throws Error if the port cannot be bound
 */
export async function startBridge(config: BridgeConfig, opts: BridgeOptions = {}): Promise<Bridge> {
  const log = opts.log ?? ((line: string) => console.log(`[bridge] ${line}`));
  const limited = makeRateLimitedLog(log);
  const counters = new Counters();
  const { auth, dispose: disposeAuth } = authForBridge(config.auth, { ...opts.auth, counters, log });
  const sockets = new Set<uWS.WebSocket<UserData>>();
  const files = loadStatic(config.staticDir);
  if (files.size === 0) log(`no PWA build in ${config.staticDir}: run "npm run build"`);
  let nextId = 1;
  let videoStatus: VideoStatus = {
    type: 'video-status',
    present: false,
    width: 0,
    height: 0,
    fps: 0,
    reason: 'starting',
  };

  const broadcast = (m: Message): void => {
    const bytes = encode(m);
    for (const ws of sockets) ws.send(bytes, true);
  };
  const send = (ws: uWS.WebSocket<UserData>, m: Message): void => {
    ws.send(encode(m), true);
  };
  const refuse = (ws: uWS.WebSocket<UserData>, code: ErrorCode, message: string): void => {
    counters.inc(`ws.error.${code}`);
    limited(`refuse:${code}`, `client ${ws.getUserData().id}: ${code}: ${message}`);
    send(ws, { type: 'error', code, message });
  };

  const relay = new HidRelay({
    paths: config.hid,
    counters,
    log,
    onStatus: (s) => broadcast(s),
    onLeds: (leds) => broadcast({ type: 'leds', leds }),
    ...(opts.hidFs && { fs: opts.hidFs }),
    ...opts.hidTimings,
  });
  const fanout = new FrameFanout(counters);
  const video: VideoSource = startVideoSource(config.video, {
    onFrame: (f) =>
      fanout.publish({
        type: 'frame',
        seq: f.seq,
        timestamp: f.timestamp,
        sentAt: performance.timeOrigin + performance.now(),
        jpeg: f.jpeg,
      }),
    onSignal: (s) => {
      videoStatus = {
        type: 'video-status',
        present: s.present,
        width: s.width,
        height: s.height,
        fps: Math.round(s.fps * 10) / 10,
        reason: s.reason ?? '',
      };
      broadcast(videoStatus);
    },
    log: (line) => limited('video', `video: ${line}`),
  });

  const handle = (ws: uWS.WebSocket<UserData>, m: Message): void => {
    const user = ws.getUserData();
    if (!CLIENT_TYPES.has(m.type)) return refuse(ws, 'not-allowed', `clients may not send ${m.type}`);
    if (m.type === 'hello') {
      if (m.version !== PROTOCOL_VERSION) {
        refuse(ws, 'version', `this bridge speaks protocol ${PROTOCOL_VERSION}, not ${m.version}`);
        ws.end(4000, 'protocol version');
        return;
      }
      user.helloed = true;
      return;
    }
    if (m.type === 'ping')
      return send(ws, {
        type: 'pong',
        id: m.id,
        sentAt: m.sentAt,
        receivedAt: performance.timeOrigin + performance.now(),
      });
    if (m.type === 'pong') return;
    if (m.type === 'error') {
      counters.inc(`ws.client_error.${m.code}`);
      return limited('client-error', `client ${user.id} reports ${m.code}: ${m.message}`);
    }
    if (!user.helloed) return refuse(ws, 'not-allowed', 'send hello before input');
    let err: ErrorCode | undefined;
    switch (m.type) {
      case 'keyboard':
      case 'mouse':
      case 'mouse-rel':
        err = relay.report(user.id, m.type, m.report);
        break;
      case 'release-all':
        relay.releaseAll();
        break;
      case 'batch':
        err = relay.startBatch(user.id, m, (p) => {
          if (sockets.has(ws)) send(ws, p);
        });
        break;
      case 'batch-cancel':
        relay.cancelBatch(user.id, m.id);
        break;
    }
    if (err)
      refuse(ws, err, err === 'busy' ? 'a batch is playing; cancel it or wait' : `${m.type} dropped: device offline`);
  };

  // Browsers give secure contexts only to https (or localhost): WebCodecs' ImageDecoder and the
  // service worker need one when the PWA is opened by the Pi's address.
  const app = config.tls
    ? uWS.SSLApp({ cert_file_name: config.tls.certFile, key_file_name: config.tls.keyFile })
    : uWS.App();
  app.ws<UserData>('/ws', {
    compression: 0, // uWS.DISABLED (a type-only export in the typings): JPEG does not compress
    // Above the protocol limit, so an oversized message gets an error reply rather than a close.
    maxPayloadLength: MAX_CLIENT_MESSAGE_BYTES * 2,
    maxBackpressure: 64 * 1024 * 1024,
    closeOnBackpressureLimit: false,
    idleTimeout: 32,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      res.upgrade<UserData>(
        { id: nextId++, helloed: false, viewer: fanout.makeViewer() },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open: (ws) => {
      sockets.add(ws);
      counters.inc('ws.opened');
      const user = ws.getUserData();
      user.viewer.attach(ws);
      send(ws, { type: 'hello', version: PROTOCOL_VERSION, capabilities: CAPABILITIES, agent: BRIDGE_AGENT });
      send(ws, relay.status());
      send(ws, { type: 'leds', leds: relay.currentLeds() });
      send(ws, videoStatus);
      fanout.add(user.viewer);
    },
    message: (ws, message, isBinary) => {
      counters.inc('ws.messages');
      if (!isBinary)
        return refuse(ws, 'malformed', 'text frames are not part of the protocol; send MessagePack binary');
      // decode() copies what outlives this callback (uWS reuses `message` afterwards).
      const result = decode(new Uint8Array(message), MAX_CLIENT_MESSAGE_BYTES);
      if (!result.ok) return refuse(ws, result.error.code, result.error.message);
      try {
        handle(ws, result.message);
      } catch (e) {
        refuse(
          ws,
          'internal',
          `bridge failed on ${result.message.type}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    },
    drain: (ws) => ws.getUserData().viewer.drained(),
    close: (ws, code) => {
      sockets.delete(ws);
      counters.inc('ws.closed');
      if (code === 1009) counters.inc('ws.error.oversized_close');
      const user = ws.getUserData();
      fanout.remove(user.viewer);
      relay.clientGone(user.id);
    },
  });

  mountApi(app, {
    auth,
    tls: Boolean(config.tls),
    log: limited,
    routes: [
      {
        method: 'get',
        path: /^\/api\/stats$/,
        access: 'viewer',
        handler: () => ({
          status: 200,
          body: {
            clients: sockets.size,
            hid: relay.status(),
            leds: relay.currentLeds(),
            video: { ...videoStatus, source: video.stats() },
            counters: counters.snapshot(),
            memory: process.memoryUsage(),
          },
        }),
      },
    ],
  });
  mountStatic(app, files, { tls: Boolean(config.tls), hostAllowed: (h) => auth.hosts.hostAllowed(h), counters });

  // uWS binds without SO_REUSEADDR, so after a restart the port stays taken while the previous
  // run's connections sit in TIME_WAIT (up to 60 s). Keep trying rather than give up.
  const listen = () =>
    new Promise<uWS.us_listen_socket | false>((resolve) => app.listen(config.host, config.port, resolve));
  let token = await listen();
  for (const end = Date.now() + (opts.listenRetryMs ?? 0); !token && Date.now() < end; token = await listen()) {
    counters.inc('http.listen_retry');
    limited('listen', `port ${config.port} busy (TIME_WAIT from a previous run?); retrying`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (!token) {
    relay.close();
    video.stop();
    disposeAuth();
    throw new Error(`cannot listen on ${config.host}:${config.port} (port in use? set PORT)`);
  }
  const port = uWS.us_socket_local_port(token);
  auth.bind(port, Boolean(config.tls));
  log(`listening on ${config.tls ? 'https' : 'http'}://${config.host}:${port}`);

  return {
    port,
    counters,
    relay,
    auth,
    oneTimeLogin: (o) => auth.oneTimeLogin(o),
    clients: () => sockets.size,
    close: async () => {
      video.stop();
      relay.releaseAll();
      relay.close();
      for (const ws of [...sockets]) ws.end(1001, 'bridge stopping');
      uWS.us_listen_socket_close(token);
      // Also drops idle HTTP keep-alive connections, so the port can be bound again at once.
      app.close();
      disposeAuth();
    },
  };
}
