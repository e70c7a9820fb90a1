import { describe, expect, it } from 'vitest';
import { boundaryFromContentType, MultipartParser, type Part } from '../../../bridge/src/video/multipart.ts';
import type { VideoError } from '../../../bridge/src/video/errors.ts';

interface Spec {
  headers?: Record<string, string>;
  body: Buffer;
}
interface Layout {
  boundary?: string;
  eol?: string;
  preamble?: string;
  close?: boolean;
  lengths?: boolean;
  padding?: string;
}

/** Serialises parts the way uStreamer and ffmpeg do: `--B EOL headers EOL EOL body EOL --B ...`. */
function serialise(parts: Spec[], l: Layout = {}): Buffer {
  const b = l.boundary ?? 'boundarydonotcross';
  const eol = l.eol ?? '\r\n';
  const out: Buffer[] = [Buffer.from(`${l.preamble ?? ''}--${b}${l.padding ?? ''}${eol}`, 'latin1')];
  for (const [i, p] of parts.entries()) {
    let head = 'Content-Type: image/jpeg' + eol;
    if (l.lengths ?? true) head += `Content-Length: ${p.body.length}${eol}`;
    for (const [k, v] of Object.entries(p.headers ?? {})) head += `${k}: ${v}${eol}`;
    out.push(Buffer.from(head + eol, 'latin1'), p.body);
    const last = i === parts.length - 1;
    out.push(Buffer.from(`${eol}--${b}${last && l.close ? '--' : ''}${l.padding ?? ''}${eol}`, 'latin1'));
  }
  return Buffer.concat(out);
}

function collect(opts: ConstructorParameters<typeof MultipartParser>[1] = {}) {
  const parts: Part[] = [];
  const errors: VideoError[] = [];
  const parser = new MultipartParser({ onPart: (p) => parts.push(p), onError: (e) => errors.push(e) }, opts);
  return { parser, parts, errors };
}

/** Bodies with bytes that look like framing: CR, LF, `--`, a boundary prefix, a blank line. */
const BODIES = [
  Buffer.from([0xff, 0xd8, 0x0d, 0x0a, 0x2d, 0x2d, 0x62, 0x6f, 0x75, 0xff, 0xd9]),
  Buffer.from('\r\n\r\n--boundarydonotcros\n-', 'latin1'),
  Buffer.from('x', 'latin1'),
  Buffer.from('line\r', 'latin1'),
];
const SPECS: Spec[] = BODIES.map((body, i) => ({ body, headers: { 'X-Timestamp': `1700000000.${i}` } }));

describe('MultipartParser', () => {
  it.each<[string, Layout]>([
    ['Content-Length, CRLF', { lengths: true }],
    ['no Content-Length, CRLF', { lengths: false }],
    ['Content-Length, bare LF', { lengths: true, eol: '\n' }],
    ['no Content-Length, bare LF', { lengths: false, eol: '\n' }],
    ['a preamble and a close delimiter', { preamble: 'This is a preamble.\r\n--not-it\r\n\r\n', close: true }],
    ['transport padding after the boundary', { lengths: false, padding: ' \t' }],
  ])('parses a stream split at every byte offset with %s', (_name, layout) => {
    const data = serialise(SPECS, layout);
    // Every split into two chunks, then every single-byte chunk.
    const splits: Buffer[][] = [];
    for (let at = 0; at <= data.length; at++) splits.push([data.subarray(0, at), data.subarray(at)]);
    splits.push([...data].map((b) => Buffer.from([b])));
    for (const chunks of splits) {
      const { parser, parts, errors } = collect({ boundary: 'boundarydonotcross' });
      for (const c of chunks) parser.push(c);
      expect(errors).toEqual([]);
      // Without a length a body's trailing CR is indistinguishable from the CR of a CRLF delimiter.
      const ambiguous = layout.eol === '\n' && layout.lengths === false;
      const bodies = BODIES.map((b) => b.toString('latin1').replace(ambiguous ? /\r$/ : /$^/, ''));
      expect(parts.map((p) => p.body.toString('latin1'))).toEqual(bodies);
      expect(parts.map((p) => p.headers.get('x-timestamp'))).toEqual(SPECS.map((s) => s.headers!['X-Timestamp']));
      expect(parser.closed).toBe(layout.close ?? false);
    }
  });

  it('emits a Content-Length part as soon as its last byte arrives, before the next delimiter', () => {
    const { parser, parts } = collect({ boundary: 'b' });
    parser.push(Buffer.from('--b\r\nContent-Length: 3\r\n\r\nabc'));
    expect(parts.map((p) => p.body.toString())).toEqual(['abc']);
  });

  it('learns the boundary from the first line starting with -- (ffmpeg -f mpjpeg)', () => {
    const { parser, parts } = collect();
    parser.push(serialise(SPECS, { boundary: 'ffmpeg', preamble: 'junk\n' }));
    expect(parser.boundary).toBe('ffmpeg');
    expect(parts).toHaveLength(SPECS.length);
  });

  it('keeps several parts per chunk and lower-cases header names', () => {
    const { parser, parts } = collect({ boundary: 'boundarydonotcross' });
    parser.push(serialise(SPECS, {}));
    expect(parts).toHaveLength(4);
    expect([...parts[0]!.headers.keys()]).toEqual(['content-type', 'content-length', 'x-timestamp']);
  });

  it('copies each body out of the chunks, so later reuse of a chunk does not change it', () => {
    const { parser, parts } = collect({ boundary: 'b' });
    const chunk = Buffer.from('--b\r\nContent-Length: 3\r\n\r\nabc\r\n--b\r\n');
    parser.push(chunk);
    chunk.fill(0);
    expect(parts[0]!.body.toString()).toBe('abc');
  });

  it.each([
    ['with Content-Length', true],
    ['without Content-Length', false],
  ])('counts an oversized part %s as an error and resyncs to the next part', (_name, lengths) => {
    const big = Buffer.alloc(100, 0x41);
    const data = serialise([{ body: Buffer.from('ok1') }, { body: big }, { body: Buffer.from('ok2') }], {
      boundary: 'b',
      lengths,
    });
    for (const size of [1, 7, 64, data.length]) {
      const { parser, parts, errors } = collect({ boundary: 'b', maxPartBytes: 50 });
      for (let i = 0; i < data.length; i += size) parser.push(data.subarray(i, i + size));
      expect(parts.map((p) => p.body.toString())).toEqual(['ok1', 'ok2']);
      expect(errors.map((e) => e.code)).toEqual(['part-too-large']);
      expect(parser.errors.get('part-too-large')).toBe(1);
    }
  });

  it('counts a header block over the limit as an error and resyncs', () => {
    const { parser, parts, errors } = collect({ boundary: 'b', maxHeaderBytes: 64 });
    parser.push(
      serialise([{ body: Buffer.from('a'), headers: { 'X-Pad': 'p'.repeat(200) } }, { body: Buffer.from('b') }], {
        boundary: 'b',
      }),
    );
    expect(parts.map((p) => p.body.toString())).toEqual(['b']);
    expect(errors.map((e) => e.code)).toEqual(['headers-too-large']);
  });

  it('never holds more than the limits when fed endless garbage', () => {
    const { parser, parts, errors } = collect({ boundary: 'b', maxPartBytes: 1024 });
    parser.push(Buffer.from('--b\r\n\r\n'));
    const junk = Buffer.alloc(4096, 0x41);
    for (let i = 0; i < 100; i++) parser.push(junk);
    expect(parts).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['part-too-large']);
  });

  it('reports a Content-Length that lied and recovers at the next boundary', () => {
    const { parser, parts, errors } = collect({ boundary: 'b' });
    parser.push(Buffer.from('--b\r\nContent-Length: 2\r\n\r\nabcdef\r\n--b\r\nContent-Length: 1\r\n\r\nz\r\n--b\r\n'));
    expect(parts.map((p) => p.body.toString())).toEqual(['ab', 'z']);
    expect(errors.map((e) => e.code)).toEqual(['bad-delimiter']);
  });

  it('falls back to the boundary for a Content-Length that is not a number', () => {
    const { parser, parts, errors } = collect({ boundary: 'b' });
    parser.push(Buffer.from('--b\r\nContent-Length: 12x\r\n\r\nabc\r\n--b\r\n'));
    expect(parts.map((p) => p.body.toString())).toEqual(['abc']);
    expect(errors.map((e) => e.code)).toEqual(['bad-content-length']);
  });

  it.each([
    [
      'an open delimiter restarts the part',
      '--b\r\nX-A: 1\r\n--b\r\nContent-Length: 2\r\n\r\nok\r\n--b\r\n',
      ['ok'],
      false,
    ],
    ['a close delimiter ends the body', '--b\r\nX-A: 1\r\n--b--\r\n--b\r\nContent-Length: 2\r\n\r\nno\r\n', [], true],
  ])('follows a delimiter met among the headers: %s', (_name, text, bodies, closed) => {
    const { parser, parts, errors } = collect({ boundary: 'b' });
    parser.push(Buffer.from(text));
    expect(parts.map((p) => p.body.toString())).toEqual(bodies);
    expect(parser.closed).toBe(closed);
    expect(errors).toEqual([]);
  });

  it('ignores a line that only starts with the boundary', () => {
    const { parser, parts } = collect({ boundary: 'b' });
    parser.push(Buffer.from('--bc\r\nX: 1\r\n\r\nno\r\n--b\r\nContent-Length: 3\r\n\r\nyes\r\n--b--\r\n'));
    expect(parts.map((p) => p.body.toString())).toEqual(['yes']);
  });
});

describe('boundaryFromContentType', () => {
  it.each([
    ['multipart/x-mixed-replace;boundary=boundarydonotcross', 'boundarydonotcross'],
    ['multipart/x-mixed-replace; boundary="with space;semi"', 'with space;semi'],
    ['multipart/x-mixed-replace; charset=x; BOUNDARY=ffmpeg', 'ffmpeg'],
    ['multipart/x-mixed-replace; boundary="a\\"b"', 'a"b'],
    ['multipart/x-mixed-replace', undefined],
    ['image/jpeg; boundary=', undefined],
  ])('reads %j as %j', (ct, expected) => {
    expect(boundaryFromContentType(ct)).toBe(expected);
  });
});

describe('MultipartParser on hostile input', () => {
  /** Deterministic PRNG (mulberry32) so a failure reproduces. */
  function rng(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('never throws and recovers the parts after random garbage (seed %i)', (seed) => {
    const rand = rng(seed);
    const noise = (n: number) =>
      Buffer.from(
        Array.from({ length: n }, () => [0x0a, 0x0d, 0x2d, 0x62, Math.floor(rand() * 256)][Math.floor(rand() * 5)]!),
      );
    const good = serialise([{ body: Buffer.from('good-1') }, { body: Buffer.from('good-2') }], { boundary: 'b' });
    // A close delimiter in the noise would legitimately end the body (RFC 2046: the epilogue is ignored).
    const garbage = Buffer.from(noise(3000).toString('latin1').replaceAll('b--', 'b-x'), 'latin1');
    const data = Buffer.concat([garbage, good]);
    const { parser, parts } = collect({ boundary: 'b', maxPartBytes: 256, maxHeaderBytes: 128 });
    for (let i = 0; i < data.length;) {
      const n = 1 + Math.floor(rand() * 300);
      parser.push(data.subarray(i, i + n));
      i += n;
    }
    // Garbage may end in a half-open part that swallows what follows; the last good part always survives.
    expect(parts.at(-1)?.body.toString()).toBe('good-2');
    for (const p of parts) expect(p.body.length).toBeLessThanOrEqual(256);
  });
});
