import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Counters } from '../../bridge/src/counters.ts';
import { FrameFanout, type FrameSink } from '../../bridge/src/fanout.ts';
import type { HidFs } from '../../bridge/src/hid/device.ts';
import { startBridge, type Bridge } from '../../bridge/src/server.ts';
import type { VideoSourceConfig } from '../../bridge/src/video/source.ts';
import {
  decode,
  encode,
  keyboardReport,
  mouseAbsReport,
  PROTOCOL_VERSION,
  type Message,
} from '../../protocol/index.ts';

/** Device nodes that record what the bridge wrote, per path. */
function recordingFs() {
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

async function connect(
  port: number,
  hello = true,
): Promise<{ ws: WebSocket; inbox: Message[]; send: (m: Message) => void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  clients.push(ws);
  const inbox: Message[] = [];
  ws.on('message', (data: Buffer) => {
    const r = decode(new Uint8Array(data), 64 * 1024 * 1024);
    if (r.ok) inbox.push(r.message);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const send = (m: Message) => ws.send(encode(m));
  if (hello) send({ type: 'hello', version: PROTOCOL_VERSION, capabilities: [], agent: 'test' });
  return { ws, inbox, send };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('bridge WebSocket endpoint', () => {
  it('greets a client with hello and the current status', async () => {
    const rec = recordingFs();
    bridge = await startBridge(
      { port: 0, host: '127.0.0.1', staticDir: '/nonexistent', hid, video: NO_VIDEO },
      { log: () => undefined, hidFs: rec.fs },
    );
    const c = await connect(bridge.port);
    await until(() => c.inbox.length >= 4);
    expect(c.inbox.map((m) => m.type)).toEqual(['hello', 'hid-status', 'leds', 'video-status']);
    expect(c.inbox[1]).toMatchObject({ keyboard: true, mouse: true, mouseRel: true });
  });

  it('releases all keys and buttons when the controlling client disconnects', async () => {
    const rec = recordingFs();
    bridge = await startBridge(
      { port: 0, host: '127.0.0.1', staticDir: '/nonexistent', hid, video: NO_VIDEO },
      { log: () => undefined, hidFs: rec.fs },
    );
    const viewer = await connect(bridge.port);
    const c = await connect(bridge.port);
    c.send({ type: 'keyboard', report: keyboardReport({ modifiers: 0x02, keys: [4] }) });
    c.send({ type: 'mouse', report: mouseAbsReport({ buttons: 1, x: 1000, y: 2000, wheel: 0, pan: 0 }) });
    await until(() => (rec.writes['/kbd']?.length ?? 0) === 1 && (rec.writes['/mouse']?.length ?? 0) === 1);
    viewer.ws.close(); // a viewer leaving changes nothing
    await new Promise((r) => setTimeout(r, 200));
    expect(rec.writes['/kbd']).toHaveLength(1);
    c.ws.terminate(); // the controller vanishing (no close handshake) releases everything
    await until(() => rec.writes['/kbd']!.length === 2);
    expect(rec.writes['/kbd']![1]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(rec.writes['/mouse']![1]).toEqual([0, 0xe8, 0x03, 0xd0, 0x07, 0, 0]); // buttons up, pointer stays
    expect(rec.writes['/rel']![0]).toEqual([0, 0, 0, 0]);
  });

  it.each([
    ['text frame', (ws: WebSocket) => ws.send('hello'), 'malformed'],
    ['garbage bytes', (ws: WebSocket) => ws.send(Buffer.from([0xc1, 0x00])), 'malformed'],
    ['unknown tag', (ws: WebSocket) => ws.send(Buffer.from([0x92, 0x55, 0x01])), 'unknown-type'],
    ['short keyboard report', (ws: WebSocket) => ws.send(Buffer.from([0x92, 0x10, 0xc4, 0x02, 0, 0])), 'bad-field'],
    ['oversized message', (ws: WebSocket) => ws.send(Buffer.alloc(1024 * 1024 + 10)), 'oversized'],
    ['server-only message', (ws: WebSocket) => ws.send(encode({ type: 'leds', leds: 1 })), 'not-allowed'],
  ])('answers a %s with an error, counts it, and keeps serving', async (_what, act, code) => {
    const rec = recordingFs();
    bridge = await startBridge(
      { port: 0, host: '127.0.0.1', staticDir: '/nonexistent', hid, video: NO_VIDEO },
      { log: () => undefined, hidFs: rec.fs },
    );
    const c = await connect(bridge.port);
    act(c.ws);
    await until(() => c.inbox.some((m) => m.type === 'error'));
    expect(c.inbox.find((m) => m.type === 'error')).toMatchObject({ code });
    expect(bridge.counters.get(`ws.error.${code}`)).toBe(1);
    c.send({ type: 'keyboard', report: keyboardReport({ modifiers: 0, keys: [5] }) });
    await until(() => (rec.writes['/kbd']?.length ?? 0) === 1);
  });

  it('refuses another protocol version and closes', async () => {
    bridge = await startBridge(
      { port: 0, host: '127.0.0.1', staticDir: '/nonexistent', hid, video: NO_VIDEO },
      { log: () => undefined, hidFs: recordingFs().fs },
    );
    const c = await connect(bridge.port, false);
    const closed = new Promise<number>((r) => c.ws.once('close', r));
    c.send({ type: 'hello', version: PROTOCOL_VERSION + 1, capabilities: [], agent: 'future' });
    expect(await closed).toBe(4000);
    expect(c.inbox.find((m) => m.type === 'error')).toMatchObject({ code: 'version' });
  });

  it('plays a batch in order with progress, then releases', async () => {
    const rec = recordingFs();
    bridge = await startBridge(
      { port: 0, host: '127.0.0.1', staticDir: '/nonexistent', hid, video: NO_VIDEO },
      { log: () => undefined, hidFs: rec.fs },
    );
    const c = await connect(bridge.port);
    const steps = [4, 0, 5, 0, 6, 0].map((k) => ({
      device: 'keyboard' as const,
      report: keyboardReport({ modifiers: 0, keys: k ? [k] : [] }),
      delayMs: 5,
    }));
    c.send({ type: 'batch', id: 3, steps });
    await until(() => c.inbox.some((m) => m.type === 'batch-end'));
    expect(c.inbox.find((m) => m.type === 'batch-end')).toMatchObject({ id: 3, outcome: 'done', sent: 6 });
    expect(rec.writes['/kbd']!.map((w) => w[2])).toEqual([4, 0, 5, 0, 6, 0, 0]);
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
      fanout.publish({ type: 'frame', seq, timestamp: 0, sentAt: 0, jpeg: new Uint8Array(10) });
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
    bridge = await startBridge(
      { port: 0, host: '127.0.0.1', staticDir: '/nonexistent', hid, video: { kind: 'command', argv: ffmpeg } },
      { log: () => undefined, hidFs: recordingFs().fs },
    );
    const fast = await connect(bridge.port);
    const slow = await connect(bridge.port);
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // stop reading: TCP backs up
    await until(() => fast.inbox.filter((m) => m.type === 'frame').length >= 40, 20_000);
    const frames = fast.inbox.filter((m) => m.type === 'frame');
    const seqs = frames.map((m) => (m.type === 'frame' ? m.seq : 0));
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length); // no gaps for the fast viewer
    expect(bridge.counters.get('video.skipped_backpressure')).toBeGreaterThan(10);
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
