import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { baseUrl, sessionToken, TEST_AUTH_OPTIONS } from '../../../bridge/src/auth/testing.ts';
import type { HidFs } from '../../../bridge/src/hid/device.ts';
import type { ViewerStats } from '../../../bridge/src/fanout.ts';
import { startBridge, type Bridge } from '../../../bridge/src/server.ts';
import type { VideoSourceConfig } from '../../../bridge/src/video/source.ts';
import {
  decode,
  encodeClient,
  keyboardReport,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ErrorMsg,
  type Message,
} from '../../../protocol/index.ts';

// A real ffmpeg writing multipart MJPEG at 15 fps: frames through the whole bridge.
const FFMPEG: VideoSourceConfig = {
  kind: 'command',
  argv: [
    'ffmpeg',
    '-hide_banner',
    '-loglevel',
    'error',
    '-re',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=160x120:rate=15',
    '-q:v',
    '5',
    '-f',
    'mpjpeg',
    '-',
  ],
};
const IDLE: VideoSourceConfig = { kind: 'command', argv: ['sleep', '600'] };

/** HID device nodes that record every write. */
function recordingFs() {
  const writes: number[][] = [];
  const fs: HidFs = {
    openSync: () => 10,
    writeSync: (_fd, buf) => (writes.push([...buf]), buf.length),
    readSync: () => {
      throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    },
    closeSync: () => undefined,
  };
  return { fs, writes };
}

let bridge: Bridge | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await bridge?.close();
  bridge = undefined;
});

async function start(video: VideoSourceConfig = FFMPEG, fs = recordingFs().fs): Promise<Bridge> {
  bridge = await startBridge(
    {
      port: 0,
      host: '127.0.0.1',
      staticDir: '/nonexistent',
      hid: { keyboard: '/kbd', mouse: '/mouse', mouseRel: '/rel' },
      video,
    },
    { log: () => undefined, hidFs: fs, auth: TEST_AUTH_OPTIONS },
  );
  sessionToken(bridge); // the first admin: before it exists every upgrade is refused
  return bridge;
}

interface Client {
  ws: WebSocket;
  inbox: Message[];
  send(m: ClientMessage): void;
  closed: Promise<{ code: number; reason: string }>;
  errors(): ErrorMsg[];
  frames(): Extract<Message, { type: 'frame' }>[];
}

/** Opens `path` and sends hello with `token` (default: a fresh admin session; null: no hello). */
async function open(
  b: Bridge,
  path: '/ws' | '/ws/video',
  opts: { token?: string | null; capabilities?: string[]; version?: number } = {},
): Promise<Client> {
  const token = opts.token === undefined ? sessionToken(b) : opts.token;
  const ws = new WebSocket(`ws://127.0.0.1:${b.port}${path}`);
  sockets.push(ws);
  const inbox: Message[] = [];
  ws.on('message', (data: Buffer) => {
    const r = decode(new Uint8Array(data), 64 * 1024 * 1024);
    if (r.ok) inbox.push(r.message);
  });
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const send = (m: ClientMessage) => ws.send(encodeClient(m));
  if (token !== null)
    send({
      type: 'hello',
      version: opts.version ?? PROTOCOL_VERSION,
      capabilities: opts.capabilities ?? [],
      agent: 'test',
      token,
    });
  return {
    ws,
    inbox,
    send,
    closed,
    errors: () => inbox.filter((m): m is ErrorMsg => m.type === 'error'),
    frames: () => inbox.filter((m): m is Extract<Message, { type: 'frame' }> => m.type === 'frame'),
  };
}

const until = async (what: string, cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function stats(b: Bridge): Promise<{ viewers: ViewerStats[]; counters: Record<string, number> }> {
  const r = await fetch(`${baseUrl(b)}/api/stats`, { headers: { authorization: `Bearer ${sessionToken(b)}` } });
  expect(r.status).toBe(200);
  return (await r.json()) as { viewers: ViewerStats[]; counters: Record<string, number> };
}

describe('GET /ws/video: the video-only socket', () => {
  it('refuses a foreign Origin with 403 before the upgrade, as /ws does', async () => {
    const b = await start(IDLE);
    const ws = new WebSocket(`ws://127.0.0.1:${b.port}/ws/video`, { origin: 'https://evil.example' });
    sockets.push(ws);
    ws.on('error', (e) => expect(e.message).toMatch(/closed before the connection|Unexpected server response/));
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
    });
    expect(status).toBe(403);
    expect(b.counters.get('ws.video.refused_origin')).toBe(1);
    expect(b.counters.get('ws.video.opened')).toBe(0);
  });

  it.each([
    ['no hello', null, PROTOCOL_VERSION, 4001, 'unauthorized'],
    ['a bad token', 'A'.repeat(43), PROTOCOL_VERSION, 4001, 'unauthorized'],
    ['an empty token', '', PROTOCOL_VERSION, 4001, 'unauthorized'],
    ['protocol 2', undefined, 2, 4000, 'version'],
  ])('closes a socket with %s and sends it no frames', async (_name, token, version, close, code) => {
    const b = await start();
    const c = await open(b, '/ws/video', { ...(token !== undefined && { token }), version });
    if (token === null) c.send({ type: 'ping', id: 1, sentAt: Date.now() }); // anything but hello
    expect((await c.closed).code).toBe(close);
    expect(c.errors().map((e) => e.code)).toEqual([code]);
    expect(c.inbox.map((m) => m.type)).toEqual(['hello', 'error']);
  });

  it('after a good hello sends only video-status and frames, with stage times, and answers ping', async () => {
    const b = await start();
    const c = await open(b, '/ws/video');
    await until('5 frames', () => c.frames().length >= 5);
    c.send({ type: 'ping', id: 9, sentAt: 1_700_000_000_000.5 });
    await until('the pong', () => c.inbox.some((m) => m.type === 'pong'));
    expect(new Set(c.inbox.map((m) => m.type))).toEqual(new Set(['hello', 'video-status', 'frame', 'pong']));
    expect(c.inbox.slice(0, 2).map((m) => m.type)).toEqual(['hello', 'video-status']);
    const f = c.frames().at(-1)!;
    // ffmpeg's stdout carries no capture time: the receive time stands in.
    expect(f).toMatchObject({ captureSource: 0, grabMs: 0, encodeMs: 0, skipped: 0 });
    expect(f.timestamp).toBe(f.receivedAt);
    expect(f.sentAt).toBeGreaterThanOrEqual(f.receivedAt);
    expect(f.sentAt - f.receivedAt).toBeLessThan(1_000);
    expect(c.inbox.find((m) => m.type === 'pong')).toMatchObject({ id: 9, sentAt: 1_700_000_000_000.5 });
  });

  it.each<[string, ClientMessage]>([
    ['keyboard', { type: 'keyboard', report: keyboardReport({ modifiers: 0, keys: [4] }) }],
    ['release-all', { type: 'release-all' }],
    ['control-request', { type: 'control-request', take: true }],
    ['hello again', { type: 'hello', version: PROTOCOL_VERSION, capabilities: [], agent: 't', token: 'x' }],
  ])('refuses %s with not-allowed, counts it, and reaches no device', async (_name, m) => {
    const rec = recordingFs();
    const b = await start(IDLE, rec.fs);
    const c = await open(b, '/ws/video');
    await until('video-status', () => c.inbox.some((x) => x.type === 'video-status'));
    c.send(m);
    await until('the error', () => c.errors().length >= 1);
    expect(c.errors().map((e) => e.code)).toEqual(['not-allowed']);
    expect(b.counters.get('ws.video.error.not-allowed')).toBe(1);
    expect(rec.writes).toEqual([]);
    expect(c.ws.readyState).toBe(WebSocket.OPEN); // refused, not closed
  });

  it('never takes control: a video socket is no controller and its page keeps control on /ws', async () => {
    const b = await start(IDLE);
    const token = sessionToken(b);
    const main = await open(b, '/ws', { token, capabilities: ['no-video'] });
    await until('control-status', () => main.inbox.some((m) => m.type === 'control-status'));
    const video = await open(b, '/ws/video', { token });
    await until('video-status', () => video.inbox.some((m) => m.type === 'video-status'));
    video.ws.close();
    await video.closed;
    const last = main.inbox.filter((m) => m.type === 'control-status').at(-1);
    expect(last).toMatchObject({ controllerUser: 'local' });
    expect(video.inbox.some((m) => m.type === 'control-status')).toBe(false);
  });

  it('closes with 4001 when the session is revoked, like /ws', async () => {
    const b = await start(IDLE);
    const token = sessionToken(b);
    const c = await open(b, '/ws/video', { token });
    await until('video-status', () => c.inbox.some((m) => m.type === 'video-status'));
    b.auth.sessions.revoke(b.auth.verify(token)!.sessionId, 'logout');
    expect((await c.closed).code).toBe(4001);
    expect(b.counters.get('ws.video.closed_revoked')).toBe(1);
  });
});

describe('skipped on the wire', () => {
  it('accounts for every seq gap of a slow viewer: next.seq - prev.seq - 1 = next.skipped', async () => {
    const b = await start({
      kind: 'command',
      argv: [
        'ffmpeg',
        '-hide_banner',
        '-loglevel',
        'error',
        '-re',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=1280x720:rate=20,noise=alls=60:allf=t',
        '-q:v',
        '3',
        '-f',
        'mpjpeg',
        '-',
      ],
    });
    const slow = await open(b, '/ws/video');
    await until('a first frame', () => slow.frames().length >= 1, 20_000);
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause(); // stop reading: TCP backs up, the bridge skips frames for this viewer
    await until('frames skipped', () => b.counters.get('video.skipped_backpressure') >= 10, 20_000);
    socket.resume();
    // What TCP had buffered arrives first; the frame the bridge kept for the drain says how many it skipped.
    const skippedSum = () => slow.frames().reduce((n, f) => n + f.skipped, 0);
    await until('the frame that reports the skips', () => skippedSum() >= 10, 20_000);
    const frames = slow.frames();
    for (let i = 1; i < frames.length; i++)
      expect(frames[i]!.seq - frames[i - 1]!.seq - 1, `frame ${frames[i]!.seq}`).toBe(frames[i]!.skipped);
    const total = frames.reduce((n, f) => n + f.skipped, 0);
    expect(total).toBeGreaterThanOrEqual(10);
    const [viewer] = (await stats(b)).viewers;
    expect(viewer!.framesSkipped + viewer!.framesDropped).toBeGreaterThanOrEqual(total);
  });
});

describe("the main socket's 'no-video' capability and per-viewer stats", () => {
  it("gives a 'no-video' /ws no frames while its /ws/video and a plain /ws get them; /api/stats lists both viewers", async () => {
    const b = await start();
    const token = sessionToken(b);
    const quiet = await open(b, '/ws', { token, capabilities: ['batch', 'no-video'] });
    const video = await open(b, '/ws/video', { token });
    const plain = await open(b, '/ws', { token: sessionToken(b, { user: 'bob', role: 'viewer' }) });
    await until(
      'frames on /ws/video and the plain /ws',
      () => video.frames().length >= 5 && plain.frames().length >= 5,
    );
    expect(quiet.frames()).toEqual([]);
    expect(new Set(quiet.inbox.map((m) => m.type))).toEqual(
      new Set(['hello', 'hid-status', 'leds', 'video-status', 'control-status']),
    );
    expect(b.counters.get('ws.no_video')).toBe(1);

    const s = await stats(b);
    expect(s.viewers.map((v) => [v.user, v.transport]).sort()).toEqual([
      ['bob', 'main'],
      ['local', 'video'],
    ]);
    for (const v of s.viewers) {
      expect(v.framesSent).toBeGreaterThanOrEqual(5);
      expect(v.bytesSent).toBeGreaterThan(v.framesSent * 100);
      expect(v.bandwidthBps).toBeGreaterThan(0);
      expect(v.relayMs.p99).toBeGreaterThanOrEqual(v.relayMs.p50);
      expect(v.relayMs.p99).toBeLessThan(1_000);
      expect(v.id).toBeGreaterThan(0);
    }
    expect(new Set(s.viewers.map((v) => v.id)).size).toBe(2); // one id sequence over /ws and /ws/video
    expect(s.counters['ws.video.authenticated']).toBe(1);
  });
});
