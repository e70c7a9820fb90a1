import { afterEach, describe, expect, it } from 'vitest';
import { Packr } from 'msgpackr';
import WebSocket from 'ws';
import { Counters } from '../../bridge/src/counters.ts';
import { FrameFanout, type FrameSink } from '../../bridge/src/fanout.ts';
import type { HidFs } from '../../bridge/src/hid/device.ts';
import { startBridge, type Bridge } from '../../bridge/src/server.ts';
import type { VideoSourceConfig } from '../../bridge/src/video/source.ts';
import { sessionToken, TEST_AUTH_OPTIONS } from '../../bridge/src/auth/testing.ts';
import type { BridgeConfig } from '../../bridge/src/config.ts';
import type { Limits } from '../../bridge/src/control/limits.ts';
import {
  decode,
  encode,
  encodeClient,
  keyboardReport,
  mouseAbsReport,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ErrorMsg,
  type Message,
} from '../../protocol/index.ts';

/** Device nodes that record what the bridge wrote, per path. */
function recordingFs(opts: { eagain?: boolean } = {}) {
  const byFd = new Map<number, string>();
  const writes: Record<string, number[][]> = {};
  let next = 10;
  const fs: HidFs = {
    openSync: (path) => {
      byFd.set(next, path);
      writes[path] ??= [];
      return next++;
    },
    writeSync: (fd, buf) => {
      if (opts.eagain) throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
      writes[byFd.get(fd)!]!.push([...buf]);
      return buf.length;
    },
    readSync: () => {
      throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    },
    closeSync: () => undefined,
  };
  return { fs, writes };
}

const NO_VIDEO: VideoSourceConfig = { kind: 'command', argv: ['sleep', '600'] };
const hid = { keyboard: '/kbd', mouse: '/mouse', mouseRel: '/rel' };
let bridge: Bridge | undefined;
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await bridge?.close();
  bridge = undefined;
});

async function start(opts: { fs?: HidFs; video?: VideoSourceConfig; limits?: Partial<Limits> } = {}): Promise<Bridge> {
  const config: BridgeConfig = {
    port: 0,
    host: '127.0.0.1',
    staticDir: '/nonexistent',
    hid,
    video: opts.video ?? NO_VIDEO,
    ...(opts.limits && { limits: opts.limits }),
  };
  bridge = await startBridge(config, {
    log: () => undefined,
    hidFs: opts.fs ?? recordingFs().fs,
    auth: TEST_AUTH_OPTIONS,
  });
  sessionToken(bridge); // makes the admin 'local': while no admin exists, the upgrade is refused
  return bridge;
}

interface Client {
  ws: WebSocket;
  inbox: Message[];
  send: (m: ClientMessage) => void;
  closed: Promise<{ code: number; reason: string }>;
  errors: () => ErrorMsg[];
}

/**
 * Opens /ws. `token`: a session token for hello (default: a fresh admin session for 'local'),
 * or null to send no hello.
 */
async function connect(
  b: Bridge,
  opts: { token?: string | null; user?: string; role?: 'admin' | 'operator' | 'viewer'; origin?: string } = {},
): Promise<Client> {
  const token =
    opts.token === undefined
      ? sessionToken(b, { user: opts.user ?? 'local', ...(opts.role && { role: opts.role }) })
      : opts.token;
  const ws = new WebSocket(`ws://127.0.0.1:${b.port}/ws`, opts.origin ? { origin: opts.origin } : {});
  clients.push(ws);
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
  if (token !== null) send({ type: 'hello', version: PROTOCOL_VERSION, capabilities: [], agent: 'test', token });
  const errors = () => inbox.filter((m): m is ErrorMsg => m.type === 'error');
  return { ws, inbox, send, closed, errors };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const press = (k: number) => ({
  type: 'keyboard' as const,
  report: keyboardReport({ modifiers: 0, keys: k ? [k] : [] }),
});

describe('bridge WebSocket endpoint: hello and auth', () => {
  it('sends only its hello until the client authenticates, then the status', async () => {
    const b = await start();
    const c = await connect(b, { token: null });
    await sleep(200);
    expect(c.inbox.map((m) => m.type)).toEqual(['hello']);
    expect(c.inbox[0]).toMatchObject({ version: PROTOCOL_VERSION, token: '' });
    c.send({ type: 'hello', version: PROTOCOL_VERSION, capabilities: [], agent: 't', token: sessionToken(b) });
    await until(() => c.inbox.length >= 5);
    expect(c.inbox.map((m) => m.type)).toEqual(['hello', 'hid-status', 'leds', 'video-status', 'control-status']);
    expect(c.inbox[1]).toMatchObject({ keyboard: true, mouse: true, mouseRel: true });
    expect(c.inbox[4]).toMatchObject({ controllerUser: 'local', role: 'admin' });
  });

  it.each([
    ['no token', ''],
    ['a made-up token', 'x'.repeat(43)],
  ])('refuses a hello with %s: unauthorized, close 4001', async (_what, token) => {
    const b = await start();
    const c = await connect(b, { token });
    expect(await c.closed).toEqual({ code: 4001, reason: 'unauthorized' });
    expect(c.errors().map((e) => e.code)).toEqual(['unauthorized']);
    expect(c.inbox.map((m) => m.type)).toEqual(['hello', 'error']);
  });

  it.each([
    ['input', (c: Client) => c.send(press(4))],
    ['garbage', (c: Client) => c.ws.send(Buffer.from([0xc1]))],
    ['a text frame', (c: Client) => c.ws.send('hello')],
  ])('closes with 4001 on %s before hello, and writes nothing', async (_what, act) => {
    const rec = recordingFs();
    const b = await start({ fs: rec.fs });
    const c = await connect(b, { token: null });
    act(c);
    expect((await c.closed).code).toBe(4001);
    expect(rec.writes['/kbd'] ?? []).toEqual([]);
  });

  it.each([1, 2, 4, 70_000, 2 ** 32])('refuses protocol version %d with version and close 4000', async (version) => {
    const b = await start();
    const c = await connect(b, { token: null });
    const raw = new Packr({ useRecords: false }).pack([0x01, version, [], 'old', sessionToken(b)]);
    c.ws.send(raw);
    expect((await c.closed).code).toBe(4000);
    expect(c.errors().map((e) => e.code)).toEqual(['version']);
  });

  it('closes the sockets of a revoked session with 4001 at once', async () => {
    const b = await start();
    const token = sessionToken(b);
    const c = await connect(b, { token });
    const other = await connect(b, { user: 'bob', role: 'operator' });
    await until(() => other.inbox.some((m) => m.type === 'control-status'));
    b.auth.sessions.revoke(b.auth.verify(token)!.sessionId, 'logout');
    expect((await c.closed).code).toBe(4001);
    expect(c.errors().at(-1)).toMatchObject({ code: 'unauthorized' });
    // No reconnect grace for a revoked controller: nobody waits, so control is free at once.
    await until(() =>
      other.inbox.some((m) => m.type === 'control-status' && m.controller === 0 && m.controllerUser === ''),
    );
  });

  it('refuses the upgrade with 403 for a foreign Origin', async () => {
    const b = await start();
    sessionToken(b); // an admin exists, so setup is not what refuses
    const ws = new WebSocket(`ws://127.0.0.1:${b.port}/ws`, { origin: 'https://evil.example' });
    clients.push(ws);
    ws.on('error', (e) => expect(e.message).toMatch(/closed before the connection|Unexpected server response/));
    const status = await new Promise<number>((resolve) =>
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(403);
    expect(b.counters.get('ws.refused_origin')).toBe(1);
  });

  it('refuses the upgrade with 503 over the client limit', async () => {
    const b = await start({ limits: { maxClients: 2 } });
    await connect(b);
    await connect(b);
    const ws = new WebSocket(`ws://127.0.0.1:${b.port}/ws`);
    clients.push(ws);
    ws.on('error', (e) => expect(e.message).toMatch(/closed before the connection|Unexpected server response/));
    const status = await new Promise<number>((resolve) =>
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(503);
  });
});

describe('bridge WebSocket endpoint: control', () => {
  it('releases all keys and buttons when the controlling client disconnects', async () => {
    const rec = recordingFs();
    const b = await start({ fs: rec.fs });
    const c = await connect(b);
    await until(() => c.inbox.some((m) => m.type === 'control-status'));
    const viewer = await connect(b, { user: 'v', role: 'viewer' });
    c.send({ type: 'keyboard', report: keyboardReport({ modifiers: 0x02, keys: [4] }) });
    c.send({ type: 'mouse', report: mouseAbsReport({ buttons: 1, x: 1000, y: 2000, wheel: 0, pan: 0 }) });
    await until(() => (rec.writes['/kbd']?.length ?? 0) === 1 && (rec.writes['/mouse']?.length ?? 0) === 1);
    viewer.ws.close(); // a viewer leaving changes nothing
    await sleep(200);
    expect(rec.writes['/kbd']).toHaveLength(1);
    c.ws.terminate(); // the controller vanishing (no close handshake) releases everything
    await until(() => rec.writes['/kbd']!.length === 2);
    expect(rec.writes['/kbd']![1]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(rec.writes['/mouse']![1]).toEqual([0, 0xe8, 0x03, 0xd0, 0x07, 0, 0]); // buttons up, pointer stays
    expect(rec.writes['/rel']![0]).toEqual([0, 0, 0, 0]);
  });

  it('refuses input from anyone but the controller with not-controller, naming the controller', async () => {
    const rec = recordingFs();
    const b = await start({ fs: rec.fs });
    const ann = await connect(b, { user: 'ann', role: 'operator' });
    await until(() => ann.inbox.some((m) => m.type === 'control-status'));
    const bob = await connect(b, { user: 'bob', role: 'operator' });
    const vic = await connect(b, { user: 'vic', role: 'viewer' });
    for (const c of [bob, vic]) {
      c.send(press(5));
      c.send({ type: 'release-all' });
      c.send({ type: 'batch', id: 1, steps: [{ device: 'keyboard', report: new Uint8Array(8), delayMs: 0 }] });
    }
    await until(() => bob.errors().length === 3 && vic.errors().length === 3);
    for (const e of [...bob.errors(), ...vic.errors()]) {
      expect(e.code).toBe('not-controller');
      expect(e.message).toContain('ann');
    }
    expect(rec.writes['/kbd'] ?? []).toEqual([]);
    vic.send({ type: 'control-request', take: true });
    await until(() => vic.errors().length === 4);
    expect(vic.errors()[3]).toMatchObject({ code: 'not-allowed' });
  });

  it('hands control over on release, releasing keys first, and tells everyone', async () => {
    const rec = recordingFs();
    const b = await start({ fs: rec.fs });
    const ann = await connect(b, { user: 'ann', role: 'operator' });
    await until(() => ann.inbox.some((m) => m.type === 'control-status'));
    const bob = await connect(b, { user: 'bob', role: 'operator' });
    ann.send({ type: 'keyboard', report: keyboardReport({ modifiers: 0x02, keys: [4] }) });
    bob.send({ type: 'control-request', take: false });
    await until(() => ann.inbox.some((m) => m.type === 'control-status' && m.waiting.includes('bob')));
    ann.send({ type: 'control-release' });
    await until(() => bob.inbox.some((m) => m.type === 'control-status' && m.controllerUser === 'bob'));
    expect(rec.writes['/kbd']).toEqual([
      [2, 0, 4, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    bob.send(press(6));
    await until(() => rec.writes['/kbd']!.length === 3);
    const status = ann.inbox.filter((m) => m.type === 'control-status').at(-1);
    expect(status).toMatchObject({ controllerUser: 'bob', waiting: [] });
  });

  it('keeps control for a controller that reconnects with the same session', async () => {
    const b = await start();
    const token = sessionToken(b, { user: 'ann', role: 'operator' });
    const first = await connect(b, { token });
    await until(() => first.inbox.some((m) => m.type === 'control-status'));
    const bob = await connect(b, { user: 'bob', role: 'operator' });
    first.ws.terminate();
    await until(() =>
      bob.inbox.some((m) => m.type === 'control-status' && m.controller === 0 && m.controllerUser === 'ann'),
    );
    const again = await connect(b, { token });
    await until(() => again.inbox.some((m) => m.type === 'control-status' && m.controller === m.you && m.you > 0));
  });
});

describe('bridge WebSocket endpoint: liveness', () => {
  it('closes a socket that sends no hello in time with 4001', async () => {
    const b = await start({ limits: { helloTimeoutMs: 200 } });
    const c = await connect(b, { token: null });
    expect(await c.closed).toEqual({ code: 4001, reason: 'unauthorized' });
  });

  it('releases the keys of a controller that stops answering pings, then takes control away', async () => {
    const rec = recordingFs();
    const b = await start({ fs: rec.fs });
    const token = sessionToken(b, { user: 'ann', role: 'operator' });
    // A client that never answers WebSocket pings, like one whose network went away.
    const ws = new WebSocket(`ws://127.0.0.1:${b.port}/ws`, { autoPong: false });
    clients.push(ws);
    const inbox: Message[] = [];
    ws.on('message', (d: Buffer) => {
      const r = decode(new Uint8Array(d), 64 << 20);
      if (r.ok) inbox.push(r.message);
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(encodeClient({ type: 'hello', version: PROTOCOL_VERSION, capabilities: [], agent: 't', token }));
    await until(() => inbox.some((m) => m.type === 'control-status'));
    ws.send(encodeClient({ type: 'keyboard', report: keyboardReport({ modifiers: 0x02, keys: [4] }) }));
    await until(() => (rec.writes['/kbd']?.length ?? 0) === 1);
    const t0 = Date.now();
    await until(() => rec.writes['/kbd']!.length === 2, 6000);
    const ms = Date.now() - t0;
    expect(rec.writes['/kbd']![1]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ms).toBeGreaterThan(1500);
    expect(ms).toBeLessThan(3500);
    await until(() => inbox.some((m) => m.type === 'control-status' && m.controller === 0));
    expect(b.counters.get('ws.control_pings')).toBeGreaterThanOrEqual(2);
  });

  it('cuts off a client whose send buffer stays full', async () => {
    const ffmpeg = ['ffmpeg', '-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i'];
    ffmpeg.push('testsrc2=size=1280x720:rate=20,noise=alls=60:allf=t', '-q:v', '3', '-f', 'mpjpeg', '-');
    const b = await start({
      video: { kind: 'command', argv: ffmpeg },
      limits: { maxBackpressure: 64 * 1024, slowClientMs: 1000 },
    });
    const fast = await connect(b);
    const slow = await connect(b);
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await until(() => b.counters.get('ws.closed_slow') === 1, 10_000);
    expect(fast.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('bridge WebSocket endpoint: refusals', () => {
  it.each([
    ['text frame', (ws: WebSocket) => ws.send('hello'), 'malformed'],
    ['garbage bytes', (ws: WebSocket) => ws.send(Buffer.from([0xc1, 0x00])), 'malformed'],
    ['bigint ext', (ws: WebSocket) => ws.send(Buffer.from([0x92, 0x10, 0xd4, 0x42, 0x01])), 'malformed'],
    ['unknown tag', (ws: WebSocket) => ws.send(Buffer.from([0x92, 0x55, 0x01])), 'unknown-type'],
    ['short keyboard report', (ws: WebSocket) => ws.send(Buffer.from([0x92, 0x10, 0xc4, 0x02, 0, 0])), 'bad-field'],
    ['server-only message', (ws: WebSocket) => ws.send(encode({ type: 'leds', leds: 1 })), 'not-allowed'],
  ])('answers a %s with an error, counts it, and keeps serving', async (_what, act, code) => {
    const rec = recordingFs();
    const b = await start({ fs: rec.fs });
    const c = await connect(b);
    await until(() => c.inbox.some((m) => m.type === 'control-status'));
    act(c.ws);
    await until(() => c.errors().length > 0);
    expect(c.errors()[0]).toMatchObject({ code });
    expect(b.counters.get(`ws.error.${code}`)).toBe(1);
    c.send(press(5));
    await until(() => (rec.writes['/kbd']?.length ?? 0) === 1);
  });

  it.each([
    ['just over the limit', 1024 * 1024 + 10, true],
    ['over twice the limit (uWS closes by itself)', 3 * 1024 * 1024, false],
  ])('closes on a message %s and counts it', async (_what, size, replied) => {
    const b = await start();
    const c = await connect(b);
    await until(() => c.inbox.some((m) => m.type === 'control-status'));
    c.ws.send(Buffer.alloc(size));
    const closed = await c.closed;
    expect(closed.code).toBe(replied ? 1009 : 1006);
    expect(c.errors().some((e) => e.code === 'oversized')).toBe(replied);
    await until(() => b.counters.get('ws.error.oversized') === 1);
  });

  it('refuses input over the rate with rate-limited, and reports how many', async () => {
    const rec = recordingFs();
    const b = await start({ fs: rec.fs, limits: { inputRate: 1, inputBurst: 20 } });
    const c = await connect(b);
    await until(() => c.inbox.some((m) => m.type === 'control-status'));
    for (let i = 0; i < 100; i++) c.send(press(i % 2 ? 4 : 0));
    // The hello took one token. Refusals are reported at once, then coalesced: "<n> messages refused".
    const refused = () => c.errors().reduce((n, e) => n + Number(/^(\d+) messages? refused/.exec(e.message)?.[1]), 0);
    await until(() => refused() === 81);
    expect(c.errors().every((e) => e.code === 'rate-limited')).toBe(true);
    expect(c.errors().length).toBeLessThan(10);
    expect(rec.writes['/kbd']).toHaveLength(19);
    expect(b.counters.get('ws.error.rate-limited')).toBe(81);
  });

  it('disconnects a client that floods far beyond its rate (1008), after telling it', async () => {
    const b = await start({ limits: { inputRate: 1, inputBurst: 5, floodCloseRefused: 200 } });
    const c = await connect(b);
    await until(() => c.inbox.some((m) => m.type === 'control-status'));
    for (let i = 0; i < 1000; i++) c.send(press(4));
    expect(await c.closed).toEqual({ code: 1008, reason: 'input flood' });
    expect(c.errors().at(-1)).toMatchObject({ code: 'rate-limited', message: expect.stringContaining('closing') });
    expect(b.counters.get('ws.closed_flood')).toBe(1);
  });

  it('answers busy when the HID queue is full instead of dropping the oldest report', async () => {
    const rec = recordingFs({ eagain: true }); // the host never polls
    const b = await start({ fs: rec.fs, limits: { hidQueue: 5 } });
    const c = await connect(b);
    await until(() => c.inbox.some((m) => m.type === 'control-status'));
    for (let i = 0; i < 10; i++) c.send(press(4 + i));
    await until(() => c.errors().length === 5);
    expect(c.errors().every((e) => e.code === 'busy')).toBe(true);
    expect(b.counters.get('hid.keyboard.dropped_overflow')).toBe(0);
    expect(b.relay.status().keyboard).toBe(true);
  });

  it('plays a batch in order with progress, then releases', async () => {
    const rec = recordingFs();
    const b = await start({ fs: rec.fs });
    const c = await connect(b);
    await until(() => c.inbox.some((m) => m.type === 'control-status'));
    const steps = [4, 0, 5, 0, 6, 0].map((k) => ({ device: 'keyboard' as const, report: press(k).report, delayMs: 5 }));
    c.send({ type: 'batch', id: 3, steps });
    await until(() => c.inbox.some((m) => m.type === 'batch-end'));
    expect(c.inbox.find((m) => m.type === 'batch-end')).toMatchObject({ id: 3, outcome: 'done', sent: 6 });
    expect(rec.writes['/kbd']!.map((w) => w[2])).toEqual([4, 0, 5, 0, 6, 0, 0]);
  });

  it('cancels a batch during a 10 s step at once and releases the keys', async () => {
    const rec = recordingFs();
    const b = await start({ fs: rec.fs });
    const c = await connect(b);
    await until(() => c.inbox.some((m) => m.type === 'control-status'));
    const shiftA = keyboardReport({ modifiers: 0x02, keys: [4] });
    c.send({
      type: 'batch',
      id: 4,
      steps: [
        { device: 'keyboard', report: shiftA, delayMs: 10_000 },
        { device: 'keyboard', report: new Uint8Array(8), delayMs: 0 },
      ],
    });
    await until(() => (rec.writes['/kbd']?.length ?? 0) === 1);
    const t0 = Date.now();
    c.send({ type: 'batch-cancel', id: 4 });
    await until(() => c.inbox.some((m) => m.type === 'batch-end'));
    expect(Date.now() - t0).toBeLessThan(100);
    expect(c.inbox.find((m) => m.type === 'batch-end')).toMatchObject({ outcome: 'cancelled', sent: 1 });
    expect(rec.writes['/kbd']!.at(-1)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses a batch whose delays exceed the limit', async () => {
    const b = await start({ limits: { maxBatchMs: 1000 } });
    const c = await connect(b);
    await until(() => c.inbox.some((m) => m.type === 'control-status'));
    c.send({
      type: 'batch',
      id: 5,
      steps: [0, 0].map(() => ({ device: 'keyboard' as const, report: new Uint8Array(8), delayMs: 600 })),
    });
    await until(() => c.errors().length === 1);
    expect(c.errors()[0]).toMatchObject({ code: 'bad-field' });
    await until(() => c.inbox.some((m) => m.type === 'batch-end'));
    expect(c.inbox.find((m) => m.type === 'batch-end')).toMatchObject({ id: 5, outcome: 'failed', sent: 0 });
  });

  it('ends a batch refused as busy with batch-end failed, so the sender never waits forever', async () => {
    const b = await start({});
    const c = await connect(b);
    await until(() => c.inbox.some((m) => m.type === 'control-status'));
    const long = [{ device: 'keyboard' as const, report: new Uint8Array(8), delayMs: 2000 }];
    c.send({ type: 'batch', id: 6, steps: long });
    c.send({ type: 'batch', id: 7, steps: long });
    await until(() => c.inbox.some((m) => m.type === 'batch-end'));
    expect(c.errors()[0]).toMatchObject({ code: 'busy' });
    expect(c.inbox.find((m) => m.type === 'batch-end')).toMatchObject({ id: 7, outcome: 'failed', reason: 'busy' });
    c.send({ type: 'batch-cancel', id: 6 });
    await until(() => c.inbox.filter((m) => m.type === 'batch-end').length === 2);
  });
});

describe('video fan-out', () => {
  it('keeps only the newest frame for a viewer with backpressure and never delays the others', () => {
    const counters = new Counters();
    const fanout = new FrameFanout(counters);
    const sink = (buffered: () => number) => {
      const got: number[] = [];
      const s: FrameSink = { send: (m) => (got.push(decodeSeq(m)), 1), getBufferedAmount: buffered };
      return { s, got };
    };
    let slowBacklog = 0;
    const fast = sink(() => 0);
    const slow = sink(() => slowBacklog);
    const vf = fanout.makeViewer();
    const vs = fanout.makeViewer();
    vf.attach(fast.s);
    vs.attach(slow.s);
    fanout.add(vf);
    fanout.add(vs);
    const frame = (seq: number) =>
      fanout.publish({
        seq,
        timestamp: 0,
        jpeg: new Uint8Array(10),
        captureSource: 0,
        grabMs: 0,
        encodeMs: 0,
        receivedAt: 0,
      });
    frame(1);
    slowBacklog = 500_000;
    for (let seq = 2; seq <= 30; seq++) frame(seq);
    expect(fast.got).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(slow.got).toEqual([1]);
    slowBacklog = 0;
    vs.drained();
    expect(slow.got).toEqual([1, 30]); // the newest frame, not a backlog
    expect(counters.get('video.skipped_backpressure')).toBe(28);
  });

  it('with a real paused socket, a fast viewer gets every frame while the slow one skips', async () => {
    const ffmpeg = [
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
    ];
    const b = await start({ video: { kind: 'command', argv: ffmpeg } });
    const fast = await connect(b);
    const slow = await connect(b);
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // stop reading: TCP backs up
    await until(() => fast.inbox.filter((m) => m.type === 'frame').length >= 40, 20_000);
    const frames = fast.inbox.filter((m) => m.type === 'frame');
    const seqs = frames.map((m) => (m.type === 'frame' ? m.seq : 0));
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length); // no gaps for the fast viewer
    expect(b.counters.get('video.skipped_backpressure')).toBeGreaterThan(10);
    const slowBefore = slow.inbox.filter((m) => m.type === 'frame').length;
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await new Promise((r) => setTimeout(r, 1000));
    const slowFrames = slow.inbox.filter((m) => m.type === 'frame');
    // What was buffered drains, then it is live again: the last frame it got is the current one.
    const latest = fast.inbox.filter((m) => m.type === 'frame').at(-1);
    expect(slowFrames.length - slowBefore).toBeLessThan(40);
    expect(Math.abs((slowFrames.at(-1) as { seq: number }).seq - (latest as { seq: number }).seq)).toBeLessThanOrEqual(
      2,
    );
  });
});

function decodeSeq(bytes: Uint8Array): number {
  const r = decode(bytes, 1 << 20);
  return r.ok && r.message.type === 'frame' ? r.message.seq : -1;
}
