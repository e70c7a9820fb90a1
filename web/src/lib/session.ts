import { createSignal, onCleanup, type Accessor } from 'solid-js';
import {
  assertNever,
  type BatchEnd,
  type BatchProgress,
  type ClientMessage,
  type ControlStatus,
  type ErrorMsg,
  type Frame,
  type HidStatus,
  type ServerMessage,
  type VideoStatus,
} from '../../../protocol/index.ts';
import type { VideoTransport } from '../video/api.ts';
import { INITIAL_INFO, makeConnection, type ConnectionInfo } from './connection.ts';

export interface KvmSession {
  info: Accessor<ConnectionInfo>;
  hid: Accessor<HidStatus>;
  /** LED bit mask: Num 0x01, Caps 0x02, Scroll 0x04, Compose 0x08, Kana 0x10. */
  leds: Accessor<number>;
  video: Accessor<VideoStatus>;
  /** Who controls the target, as the bridge last said (null before the first control-status). */
  control: Accessor<ControlStatus | null>;
  /** The last error the bridge reported, as "code: message" ('' if none). */
  lastError: Accessor<string>;
  /** Subscribes to every error message the bridge sends; returns an unsubscribe function. */
  onError(fn: (m: ErrorMsg) => void): () => void;
  /** Sends if connected; returns false (message dropped, never replayed) otherwise. */
  send(m: ClientMessage): boolean;
  /** Connects now, leaving a refusal or a retry wait. */
  reconnect(): void;
  /** A batch this page started is playing on the bridge (until its batch-end or a disconnect). */
  batchActive(): boolean;
  /** Subscribes to batch progress and ends (paste, macros); returns an unsubscribe function. */
  onBatch(fn: (m: BatchProgress | BatchEnd) => void): () => void;
  decodeErrors(): Record<string, number>;
  /** Where frames come from (issue 11 §3): 'page', on this socket; 'worker', the video worker's own `videoUrl`. */
  videoTransport: VideoTransport;
  /** The video-only WebSocket (`/ws/video`) next to this session's URL. */
  videoUrl: string;
  /** The session token the hellos carry. */
  token: () => string;
}

/** The WebSocket URL of the bridge that served this page. */
export function bridgeUrl(loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/ws`;
}

/**
 * One session with the bridge, bound to the current Solid owner (closed on cleanup). Status
 * messages become signals; frames go straight to `onFrame` without touching reactive state.
 */
export function createKvmSession(opts: {
  url: string;
  /** The session token for the hello (read at every connection attempt). */
  token: () => string;
  onFrame: (f: Frame) => void;
  /** Default 'page'. 'worker': this socket's hello says 'no-video' and gets no frames. */
  videoTransport?: VideoTransport;
}): KvmSession {
  const videoTransport = opts.videoTransport ?? 'page';
  const [info, setInfo] = createSignal<ConnectionInfo>(INITIAL_INFO);
  const [hid, setHid] = createSignal<HidStatus>({
    type: 'hid-status',
    keyboard: false,
    mouse: false,
    mouseRel: false,
    host: 'unknown',
  });
  const [leds, setLeds] = createSignal(0);
  const [video, setVideo] = createSignal<VideoStatus>({
    type: 'video-status',
    present: false,
    width: 0,
    height: 0,
    fps: 0,
    reason: 'connecting',
  });
  const [control, setControl] = createSignal<ControlStatus | null>(null);
  const [lastError, setLastError] = createSignal('');
  const errorListeners = new Set<(m: ErrorMsg) => void>();
  const batchListeners = new Set<(m: BatchProgress | BatchEnd) => void>();
  const activeBatches = new Set<number>();

  const onMessage = (m: ServerMessage): void => {
    switch (m.type) {
      case 'frame':
        opts.onFrame(m);
        return;
      case 'hid-status':
        setHid(m);
        return;
      case 'leds':
        setLeds(m.leds);
        return;
      case 'video-status':
        setVideo(m);
        return;
      case 'control-status':
        setControl(m);
        return;
      case 'error':
        setLastError(`${m.code}: ${m.message}`);
        for (const fn of errorListeners) fn(m);
        return;
      case 'batch-progress':
      case 'batch-end':
        if (m.type === 'batch-end') activeBatches.delete(m.id);
        for (const fn of batchListeners) fn(m);
        return;
      case 'hello':
      case 'ping':
      case 'pong':
        return; // the connection handles these
      default:
        assertNever(m);
    }
  };

  const conn = makeConnection({
    url: opts.url,
    token: opts.token,
    capabilities: videoTransport === 'worker' ? ['batch', 'no-video'] : ['batch', 'video'],
    onMessage,
    onInfo: (i) => {
      setInfo(i);
      if (i.state === 'open') return;
      activeBatches.clear();
      setControl(null);
      setHid({ type: 'hid-status', keyboard: false, mouse: false, mouseRel: false, host: 'unknown' });
    },
  });
  onCleanup(() => conn.dispose());
  return {
    info,
    hid,
    leds,
    video,
    control,
    lastError,
    onError: (fn) => {
      errorListeners.add(fn);
      return () => errorListeners.delete(fn);
    },
    reconnect: conn.reconnect,
    send: (m) => {
      const sent = conn.send(m);
      if (sent && m.type === 'batch') activeBatches.add(m.id);
      return sent;
    },
    batchActive: () => activeBatches.size > 0,
    onBatch: (fn) => {
      batchListeners.add(fn);
      return () => batchListeners.delete(fn);
    },
    decodeErrors: conn.decodeErrors,
    videoTransport,
    videoUrl: opts.url.replace(/\/ws$/, '/ws/video'),
    token: opts.token,
  };
}
