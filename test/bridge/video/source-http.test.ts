import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startVideoSource, type VideoSource } from '../../../bridge/src/video/source.ts';
import { makeJpeg, recorder, sleep, waitFor } from './helpers.ts';

const B = 'boundarydonotcross';
let big: Buffer; // 320x240
let small: Buffer; // 160x120
beforeAll(() => {
  big = makeJpeg('320x240');
  small = makeJpeg('160x120');
});

type Behaviour = (res: http.ServerResponse) => void;

/** A local node:http server whose GET behaviour the test swaps; `close()` also cuts open streams. */
async function serve(behave: { fn: Behaviour }, port = 0) {
  const server = http.createServer((_req, res) => behave.fn(res));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** uStreamer's framing: the first delimiter with the headers, each part followed by CRLF--B CRLF. */
function startStream(res: http.ServerResponse): void {
  res.writeHead(200, { 'Content-Type': `multipart/x-mixed-replace;boundary=${B}` });
  res.write(`--${B}\r\n`);
}
function writePart(res: http.ServerResponse, body: Buffer, headers: Record<string, string | number> = {}): void {
  const head = Object.entries({ 'Content-Type': 'image/jpeg', 'Content-Length': body.length, ...headers }).map(
    ([k, v]) => `${k}: ${v}\r\n`,
  );
  res.write(Buffer.concat([Buffer.from(head.join('') + '\r\n'), body, Buffer.from(`\r\n--${B}\r\n`)]));
}

const fast = { backoffMs: { initial: 20, max: 100 }, noSignalAfterMs: 1_000 };
let source: VideoSource | undefined;
afterEach(() => source?.stop());

describe('HTTP video source', () => {
  it('carries frames and sizes, reports the loss once, and resumes when the server returns', async () => {
    const behave = {
      fn: ((res) => {
        startStream(res);
        writePart(res, big, { 'X-Timestamp': '1700000000.123456' });
        writePart(res, Buffer.from('not a jpeg'), { 'X-Timestamp': '1700000000.150000' });
        writePart(res, big, { 'X-Timestamp': '1700000000.223456' });
        writePart(res, small, { 'X-Timestamp': '1700000000.323456' });
      }) as Behaviour,
    };
    let srv = await serve(behave);
    const r = recorder();
    source = startVideoSource({ kind: 'http', url: `http://127.0.0.1:${srv.port}/stream` }, r.handlers, fast);

    await waitFor('three frames', () => r.frames.length >= 3);
    expect(r.frames.map((f) => [f.seq, f.width, f.height])).toEqual([
      [1, 320, 240],
      [2, 320, 240],
      [3, 160, 120],
    ]);
    // X-Timestamp alone is uStreamer's send time, not a capture time: the receive time stands in.
    expect(r.frames.map((f) => [f.captureSource, f.timestamp === f.receivedAt])).toEqual([
      [0, true],
      [0, true],
      [0, true],
    ]);
    expect(r.frames[0]!.jpeg.equals(big)).toBe(true);
    expect(Math.abs(r.frames[0]!.receivedAt - Date.now())).toBeLessThan(1_000);
    expect(r.signals).toEqual([
      { present: true, width: 320, height: 240, fps: 0 },
      expect.objectContaining({ present: true, width: 160, height: 120 }),
    ]);
    expect(source.stats()).toMatchObject({ frames: 3, badParts: 1, reconnects: 0, connected: true });

    await srv.close();
    await waitFor('present:false', () => r.signals.some((s) => !s.present));
    await waitFor('some failed reconnects', () => source!.stats().reconnects >= 3);
    const lost = r.signals.filter((s) => !s.present);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toMatch(/^stream-ended: /);
    expect(source.stats().connected).toBe(false);
    expect(r.logs.some((l) => l.includes('ECONNREFUSED'))).toBe(true);

    behave.fn = (res) => (startStream(res), writePart(res, small));
    srv = await serve(behave, srv.port);
    await waitFor('a frame after the server came back', () => r.frames.length >= 4);
    expect(r.frames[3]!.seq).toBe(4);
    // Without X-Timestamp the source time is the receive time.
    expect(r.frames[3]!.timestamp).toBe(r.frames[3]!.receivedAt);
    expect(r.signals.at(-1)).toEqual({ present: true, width: 160, height: 120, fps: 0 });
    expect(source.stats().connected).toBe(true);
    source.stop();
    await srv.close();
  });

  it("puts uStreamer's grab time (extra headers, CLOCK_MONOTONIC on this host) on the bridge clock", async () => {
    const sec = (ms: number): string => (ms / 1000).toFixed(6);
    const srv = await serve({
      fn: (res) => {
        startStream(res);
        const mono = Number(process.hrtime.bigint()) / 1e6; // what uStreamer's CLOCK_MONOTONIC reads here
        writePart(res, big, {
          'X-Timestamp': sec(Date.now()),
          'X-UStreamer-Online': 'true',
          'X-UStreamer-Grab-Begin-Time': sec(mono - 40),
          'X-UStreamer-Grab-End-Time': sec(mono - 35),
          'X-UStreamer-Encode-Begin-Time': sec(mono - 30),
          'X-UStreamer-Encode-End-Time': sec(mono - 10),
          'X-UStreamer-Send-Time': sec(mono),
        });
      },
    });
    const r = recorder();
    source = startVideoSource({ kind: 'http', url: `http://127.0.0.1:${srv.port}/stream` }, r.handlers, fast);
    await waitFor('a frame', () => r.frames.length >= 1);
    const f = r.frames[0]!;
    expect([f.captureSource, f.grabMs, f.encodeMs]).toEqual([1, 5, 20]);
    // Capture was 40 ms before the send, which was before the bridge had the whole part.
    expect(f.receivedAt - f.timestamp).toBeGreaterThanOrEqual(39);
    expect(f.receivedAt - f.timestamp).toBeLessThan(1_000);
    expect(source.stats().captureClock).toEqual({ monotonic: 1, realtime: 0, none: 0 });
    source.stop();
    await srv.close();
  });

  it.each([
    ['a 404', 'http-status', ((res) => res.writeHead(404).end('no')) as Behaviour],
    [
      'an HTML page',
      'not-multipart',
      ((res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>')) as Behaviour,
    ],
    ['a stream that never sends a frame', 'no-frames', ((res) => startStream(res)) as Behaviour],
    [
      'a stream of parts that are not JPEGs',
      'no-frames',
      ((res) => (startStream(res), writePart(res, Buffer.from('hello')))) as Behaviour,
    ],
  ])('treats %s as no signal (%s) and keeps retrying', async (_name, code, fn) => {
    const srv = await serve({ fn });
    const r = recorder();
    source = startVideoSource({ kind: 'http', url: `http://127.0.0.1:${srv.port}/stream` }, r.handlers, {
      ...fast,
      noSignalAfterMs: 300,
    });
    await waitFor('two reconnects', () => source!.stats().reconnects >= 2);
    expect(r.signals).toEqual([
      { present: false, width: 0, height: 0, fps: 0, reason: expect.stringMatching(new RegExp(`^${code}: `)) },
    ]);
    expect(r.frames).toEqual([]);
    source.stop();
    await srv.close();
  });

  it('starts over when the server sends the close delimiter but keeps the connection open', async () => {
    const srv = await serve({
      fn: (res) => (
        startStream(res),
        res.write(
          Buffer.concat([
            Buffer.from(`Content-Length: ${small.length}\r\n\r\n`),
            small,
            Buffer.from(`\r\n--${B}--\r\n`),
          ]),
        )
      ),
    });
    const r = recorder();
    source = startVideoSource({ kind: 'http', url: `http://127.0.0.1:${srv.port}/stream` }, r.handlers, fast);
    await waitFor('a reconnect', () => source!.stats().reconnects >= 1);
    expect(r.signals.slice(0, 2).map((s) => s.reason ?? s.present)).toEqual([
      true,
      'stream-ended: the source sent the close delimiter',
    ]);
    source.stop();
    await srv.close();
  });

  it.each([
    ['not a URL', 'bad-config'],
    ['ftp://127.0.0.1/stream', 'bad-config'],
    ['http://127.0.0.1:1/stream', 'connect-failed'],
  ])('reports %s as %s without throwing', async (url, code) => {
    const r = recorder();
    source = startVideoSource({ kind: 'http', url }, r.handlers, fast);
    await waitFor('present:false', () => r.signals.length === 1);
    expect(r.signals[0]!.reason).toMatch(new RegExp(`^${code}: `));
  });

  it('calls no handler after stop(), even mid-stream', async () => {
    let timer: NodeJS.Timeout | undefined;
    const srv = await serve({
      fn: (res) => {
        startStream(res);
        timer = setInterval(() => writePart(res, small), 5);
      },
    });
    const r = recorder();
    source = startVideoSource({ kind: 'http', url: `http://127.0.0.1:${srv.port}/stream` }, r.handlers, fast);
    await waitFor('frames', () => r.frames.length >= 5);
    source.stop();
    const calls = r.rec.calls;
    await sleep(100);
    expect(r.rec.calls).toBe(calls);
    expect(source.stats().connected).toBe(false);
    clearInterval(timer);
    await srv.close();
  });

  it('keeps streaming when a handler throws', async () => {
    const srv = await serve({ fn: (res) => (startStream(res), writePart(res, small), writePart(res, small)) });
    const r = recorder();
    const handlers = {
      ...r.handlers,
      onFrame: (f: (typeof r.frames)[number]) => (
        r.frames.push(f),
        (() => {
          throw new Error('viewer bug');
        })()
      ),
    };
    source = startVideoSource({ kind: 'http', url: `http://127.0.0.1:${srv.port}/stream` }, handlers, fast);
    await waitFor('two frames', () => r.frames.length >= 2);
    expect(r.logs.some((l) => l.includes('handler-threw') && l.includes('viewer bug'))).toBe(true);
    source.stop();
    await srv.close();
  });

  it('reports no signal while uStreamer says its capture is offline, and keeps the picture coming', async () => {
    let res: http.ServerResponse | undefined;
    const server = await serve({ fn: (r) => ((res = r), startStream(r)) });
    const rec = recorder();
    source = startVideoSource({ kind: 'http', url: `http://127.0.0.1:${server.port}/stream` }, rec.handlers, fast);
    await waitFor('the stream', () => res);
    writePart(res!, big, { 'X-UStreamer-Online': 'true' });
    await waitFor('present', () => rec.signals.some((s) => s.present));
    for (let i = 0; i < 3; i++) writePart(res!, small, { 'X-UStreamer-Online': 'false' });
    await waitFor('three more frames', () => rec.frames.length === 4);
    expect(rec.signals.filter((s) => !s.present)).toHaveLength(1);
    expect(rec.signals.at(-1)).toMatchObject({ present: false, reason: expect.stringContaining('no HDMI signal') });
    writePart(res!, big, { 'X-UStreamer-Online': 'true' });
    await waitFor('present again', () => rec.signals.at(-1)?.present === true);
    expect(rec.signals.at(-1)).toMatchObject({ present: true, width: 320, height: 240 });
    await server.close();
  });
});
