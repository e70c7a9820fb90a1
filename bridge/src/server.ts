import * as uWS from 'uWebSockets.js';
import type { VideoStatus } from '../../protocol/index.ts';
import { authForBridge } from './auth/bridge.ts';
import type { AuthOptions, AuthService, Role } from './auth/index.ts';
import { mountApi } from './auth/routes.ts';
import type { BridgeConfig } from './config.ts';
import { resolveLimits } from './control/limits.ts';
import { makeLoopMonitor } from './control/loop.ts';
import { makeEndpoint, type UserData } from './control/socket.ts';
import { Counters, makeRateLimitedLog, makeSafeLog } from './counters.ts';
import { FrameFanout } from './fanout.ts';
import type { HidFs } from './hid/device.ts';
import { HidRelay } from './hid/relay.ts';
import { loadStatic, mountStatic } from './static.ts';
import { makeVideoEndpoint } from './video/socket.ts';
import { startVideoSource, type VideoSource } from './video/source.ts';

export const BRIDGE_AGENT = 'bridge/0.1.0';
/** 'video-socket': GET /ws/video serves frames to a page's worker (CONTRACT "Video-only socket"). */
export const CAPABILITIES = ['batch', 'mouse-rel', 'leds', 'video', 'video-socket'];

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
  const log = makeSafeLog(opts.log ?? ((line: string) => console.log(`[bridge] ${line}`)));
  const limited = makeRateLimitedLog(log);
  const limits = resolveLimits(config.limits);
  const loop = makeLoopMonitor();
  const counters = new Counters();
  const { auth, dispose: disposeAuth } = authForBridge(config.auth, { ...opts.auth, counters, log });
  const files = loadStatic(config.staticDir);
  if (files.size === 0) log(`no PWA build in ${config.staticDir}: run "npm run build"`);
  let videoStatus: VideoStatus = {
    type: 'video-status',
    present: false,
    width: 0,
    height: 0,
    fps: 0,
    reason: 'starting',
  };

  const relay = new HidRelay({
    paths: config.hid,
    counters,
    log,
    onStatus: (s) => endpoint.broadcast(s),
    onLeds: (leds) => endpoint.broadcast({ type: 'leds', leds }),
    ...(opts.hidFs && { fs: opts.hidFs }),
    ...opts.hidTimings,
    maxQueue: limits.hidQueue,
    maxBatchMs: limits.maxBatchMs,
  });
  const fanout = new FrameFanout(counters);
  const video: VideoSource = startVideoSource(config.video, {
    onFrame: (f) =>
      fanout.publish({
        seq: f.seq,
        timestamp: f.timestamp,
        jpeg: f.jpeg,
        captureSource: f.captureSource,
        grabMs: f.grabMs,
        encodeMs: f.encodeMs,
        receivedAt: f.receivedAt,
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
      endpoint.broadcast(videoStatus);
      videoEndpoint.broadcast(videoStatus);
    },
    log: (line) => limited('video', `video: ${line}`),
  });

  let nextClientId = 1;
  const nextId = (): number => nextClientId++;
  const endpoint = makeEndpoint({
    auth,
    relay,
    fanout,
    counters,
    limited,
    limits,
    agent: BRIDGE_AGENT,
    capabilities: CAPABILITIES,
    currentStatus: () => [relay.status(), { type: 'leds', leds: relay.currentLeds() }, videoStatus],
    nextId,
  });
  const videoEndpoint = makeVideoEndpoint({
    auth,
    fanout,
    counters,
    limited,
    limits,
    agent: BRIDGE_AGENT,
    capabilities: CAPABILITIES,
    currentStatus: () => videoStatus,
    nextId,
  });

  // Browsers give secure contexts only to https (or localhost): WebCodecs' ImageDecoder and the
  // service worker need one when the PWA is opened by the Pi's address.
  const app = config.tls
    ? uWS.SSLApp({ cert_file_name: config.tls.certFile, key_file_name: config.tls.keyFile })
    : uWS.App();
  app.ws<UserData>('/ws', endpoint.behavior);
  app.ws<UserData>('/ws/video', videoEndpoint.behavior);

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
            clients: endpoint.clients(),
            viewers: fanout.stats(),
            ws: endpoint.stats(),
            wsVideo: videoEndpoint.stats(),
            eventLoop: loop.stats(),
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
    endpoint.dispose();
    videoEndpoint.dispose();
    loop.dispose();
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
    clients: () => endpoint.clients() + videoEndpoint.clients(),
    close: async () => {
      video.stop();
      endpoint.closeAll(1001, 'bridge stopping');
      videoEndpoint.closeAll(1001, 'bridge stopping');
      endpoint.dispose();
      videoEndpoint.dispose();
      loop.dispose();
      relay.releaseAll();
      relay.close();
      uWS.us_listen_socket_close(token);
      // Also drops idle HTTP keep-alive connections, so the port can be bound again at once.
      app.close();
      disposeAuth();
    },
  };
}
