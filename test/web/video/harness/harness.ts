/**
 * Page side of the video tests: one VideoClient on #screen, plus hooks the Node test drives via
 * page.evaluate. Frames are wrapped in a larger buffer (a fake message header before, trailing
 * bytes after) so byteOffset/byteLength handling is exercised as with a real WebSocket message.
 */

/**
 * The VideoClient surface the tests use, restated structurally: index.html passes the real
 * makeVideoClient() result, because importing web/src/video here would put it in test/tsconfig's
 * program, which doesn't list it (TS6307).
 */
export interface HarnessClient {
  frame(f: {
    jpeg: Uint8Array;
    seq: number;
    timestamp: number;
    sentAt: number;
    captureSource?: 0 | 1;
    grabMs?: number;
    encodeMs?: number;
    receivedAt?: number;
    skipped?: number;
  }): void;
  setClockOffset(offsetMs: number): void;
  stats(): Promise<unknown>;
  sample(x: number, y: number): Promise<number[]>;
  screenshot(): Promise<Blob>;
  dispose(): void;
}

/** A frame the test sends with chosen wire timing (bridge clock = page clock + offsetMs). */
export interface TimedFrame {
  name: string;
  seq: number;
  /** Capture, bridge received and bridge sent, ms before "now" on the bridge clock. */
  captureAgoMs?: number;
  receivedAgoMs?: number;
  sentAgoMs?: number;
  /** The bridge clock's lead over the page's, ms (what setClockOffset was given). */
  offsetMs?: number;
  skipped?: number;
  grabMs?: number;
  encodeMs?: number;
}

const jpegs = new Map<string, Uint8Array>();

/** A view of `jpeg` inside a fresh 32-byte-prefixed, 7-byte-suffixed buffer, like a decoded message. */
function asMessage(jpeg: Uint8Array): Uint8Array {
  const msg = new Uint8Array(32 + jpeg.byteLength + 7);
  msg.set(jpeg, 32);
  return msg.subarray(32, 32 + jpeg.byteLength);
}

const makeHooks = (client: HarnessClient) => ({
  client,
  /** Fetch fixtures once; resolves to their byte sizes. */
  async load(names: string[]): Promise<number[]> {
    return Promise.all(
      names.map(async (n) => {
        const res = await fetch(`/${n}`);
        if (!res.ok) throw new Error(`fixture ${n}: HTTP ${res.status}`);
        jpegs.set(n, new Uint8Array(await res.arrayBuffer()));
        return jpegs.get(n)!.byteLength;
      }),
    );
  },
  /** Send frames back to back, synchronously; returns each buffer's byteLength after (0 = transferred). */
  send(frames: { name: string; seq: number }[]): number[] {
    const views = frames.map((f) => ({ ...f, view: asMessage(jpegs.get(f.name) ?? new Uint8Array()) }));
    for (const f of views)
      client.frame({
        jpeg: f.view,
        seq: f.seq,
        timestamp: f.seq * 33,
        sentAt: performance.timeOrigin + performance.now(),
      });
    return views.map((f) => f.view.buffer.byteLength);
  },
  /** Send frames back to back with protocol 3 wire timing relative to now on a bridge clock `offsetMs` ahead. */
  sendTimed(frames: TimedFrame[]): void {
    for (const f of frames) {
      const bridgeNow = performance.timeOrigin + performance.now() + (f.offsetMs ?? 0);
      client.frame({
        jpeg: asMessage(jpegs.get(f.name) ?? new Uint8Array()),
        seq: f.seq,
        timestamp: bridgeNow - (f.captureAgoMs ?? 0),
        receivedAt: bridgeNow - (f.receivedAgoMs ?? f.captureAgoMs ?? 0),
        sentAt: bridgeNow - (f.sentAgoMs ?? 0),
        captureSource: 1,
        grabMs: f.grabMs ?? 0,
        encodeMs: f.encodeMs ?? 0,
        skipped: f.skipped ?? 0,
      });
    }
  },
  /** The worker's screenshot(): PNG byte length and decoded size, via createImageBitmap. */
  async screenshot(): Promise<{ type: string; bytes: number; width: number; height: number }> {
    const blob = await client.screenshot();
    const bmp = await createImageBitmap(blob);
    return { type: blob.type, bytes: blob.size, width: bmp.width, height: bmp.height };
  },
  /** Send bytes that start like a JPEG but aren't one. */
  sendCorrupt(seq: number): void {
    const junk = new Uint8Array(4096).map((_, i) => (i * 73 + 11) & 0xff);
    junk.set([0xff, 0xd8, 0xff, 0xe0]);
    client.frame({
      jpeg: asMessage(junk),
      seq,
      timestamp: seq * 33,
      sentAt: performance.timeOrigin + performance.now(),
    });
  },
  /** Reference decode of a fixture through <img> onto a normal canvas: RGBA at each point. */
  async reference(name: string, points: [number, number][]): Promise<number[][]> {
    const img = new Image();
    img.src = `/${name}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(img, 0, 0);
    return points.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data));
  },
  /** The worker's canvas at each point. */
  sample(points: [number, number][]): Promise<number[][]> {
    return Promise.all(points.map(([x, y]) => client.sample(x, y)));
  },
});

export type VideoHooks = ReturnType<typeof makeHooks>;
declare global {
  interface Window {
    video: VideoHooks;
  }
}

export function installHooks(client: HarnessClient): void {
  window.video = makeHooks(client);
}
