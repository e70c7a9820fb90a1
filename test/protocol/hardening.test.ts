import { describe, expect, it } from 'vitest';
import { Packr } from 'msgpackr';
import { decode, decodeClient, MAX_CLIENT_MESSAGE_BYTES } from '../../protocol/index.ts';

// Hostile input the protocol's own encoder never emits; this Packr has msgpackr's extensions on.
const hostile = new Packr({ useRecords: true, moreTypes: true, structuredClone: true, useBigIntExtension: true });
const MiB = 1024 * 1024;

/** A MessagePack ext header for `len` payload bytes of ext type `type` (spec: "ext format family"). */
function ext(type: number, payload: Uint8Array): Uint8Array {
  const fixed: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
  const n = payload.byteLength;
  const head =
    fixed[n] !== undefined
      ? [fixed[n]!, type]
      : n < 0x100
        ? [0xc7, n, type]
        : n < 0x10000
          ? [0xc8, n >> 8, n & 0xff, type]
          : [0xc9, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff, type];
  return Uint8Array.from([...head, ...payload]);
}
/** `[0x10, <value>]`: a keyboard message whose report is the given raw MessagePack value. */
const asReport = (value: Uint8Array): Uint8Array => Uint8Array.from([0x92, 0x10, ...value]);

describe('decode never interprets a MessagePack extension', () => {
  it.each([
    ['undefined (0)', 0x00, 1],
    ['BigInt (0x42)', 0x42, 8],
    ['Error (0x65)', 0x65, 1],
    ['structured-clone id (0x69)', 0x69, 4],
    ['structured-clone pointer (0x70)', 0x70, 4],
    ['record (0x72)', 0x72, 1],
    ['Set (0x73)', 0x73, 1],
    ['typed array (0x74)', 0x74, 9],
    ['RegExp (0x78)', 0x78, 1],
    ['bundled strings (0x62)', 0x62, 4],
    ['timestamp / Date (-1)', 0xff, 4],
    ['timestamp 96 (-1)', 0xff, 12],
    ['an unregistered type (0x10)', 0x10, 2],
  ])('refuses ext %s as malformed', (_what, type, n) => {
    for (const bytes of [ext(type, new Uint8Array(n)), asReport(ext(type, new Uint8Array(n)))]) {
      const r = decode(bytes, MAX_CLIENT_MESSAGE_BYTES);
      expect(!r.ok && r.error.code).toBe('malformed');
    }
  });

  it.each([
    ['a BigInt', 2n ** 70n],
    ['a Date', new Date(0)],
    ['a Set', new Set([1])],
    ['a RegExp', /x/],
    ['an Error', new Error('x')],
    ['a typed array', new Float64Array(2)],
    ['a record', [{ a: 1 }, { a: 2 }]],
  ])('refuses %s packed by a Packr with extensions on', (_what, value) => {
    const r = decode(hostile.pack([0x10, value]), MAX_CLIENT_MESSAGE_BYTES);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(['malformed', 'bad-field']).toContain(r.error.code);
  });

  it('refuses a 1 MiB BigInt ext fast, with a short error text', () => {
    const bytes = asReport(ext(0x42, new Uint8Array(MiB - 16).fill(0x7f)));
    const t0 = performance.now();
    const r = decode(bytes, MAX_CLIENT_MESSAGE_BYTES);
    const ms = performance.now() - t0;
    expect(!r.ok && r.error.code).toBe('malformed');
    expect(ms).toBeLessThan(50);
    expect(!r.ok && r.error.message.length).toBeLessThan(120);
  });
});

describe('error texts never carry the bad value', () => {
  const big = 'A'.repeat(MiB - 64);
  it.each([
    ['a 1 MiB string as a report', [0x10, big]],
    ['a 1 MiB string as a tag', [big]],
    ['a 1 MiB string as a ping id', [0x02, big, 0]],
    ['a 1 MiB string as the batch-end outcome', [0x15, 1, big, 0, '']],
    ['a 1 MiB string as the host state', [0x20, true, true, true, big]],
    ['a 1 MiB string as a control role', [0x42, 0, '', 1, big, []]],
    ['a 100 000-item array as a report', [0x10, Array.from({ length: 100_000 }, () => 1)]],
  ])('%s', (_what, value) => {
    const bytes = hostile.pack(value);
    const t0 = performance.now();
    const r = decode(bytes, MAX_CLIENT_MESSAGE_BYTES);
    const ms = performance.now() - t0;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message.length).toBeLessThan(160);
    expect(r.error.message).not.toContain('AAAA');
    expect(ms).toBeLessThan(50);
  });
});

describe('integers must be encoded as integers', () => {
  const f64 = (v: number) => {
    const b = new Uint8Array(9);
    b[0] = 0xcb;
    new DataView(b.buffer).setFloat64(1, v);
    return [...b];
  };
  it.each([
    ['a float tag', [0x91, ...f64(0x17)], 'malformed'],
    ['leds as 2.0', [0x92, 0x21, ...f64(2)], 'bad-field'],
    ['batch-cancel id as 1.0', [0x92, 0x16, ...f64(1)], 'bad-field'],
    ['hello version as 2.0', [0x95, 0x01, ...f64(2), 0x90, 0xa0, 0xa0], 'bad-field'],
    [
      'a batch step delay as 5.0',
      [0x93, 0x13, 0x01, 0x91, 0x93, 0x00, 0xc4, 8, 0, 0, 4, 0, 0, 0, 0, 0, ...f64(5)],
      'bad-field',
    ],
  ])('refuses %s', (_what, bytes, code) => {
    const r = decode(Uint8Array.from(bytes), MAX_CLIENT_MESSAGE_BYTES);
    expect(!r.ok && r.error.code).toBe(code);
  });

  it('accepts float timestamps and integer timestamps', () => {
    expect(decode(Uint8Array.from([0x93, 0x02, 0x07, ...f64(1.5)]), 1024).ok).toBe(true);
    expect(decode(Uint8Array.from([0x93, 0x02, 0x07, 0x05]), 1024).ok).toBe(true);
  });
});

describe('hello across versions', () => {
  it('decodes a protocol 1 hello (no token) so the receiver can answer version', () => {
    const r = decodeClient(new Packr({ useRecords: false }).pack([0x01, 1, [], 'old']), 1024);
    expect(r.ok && r.message).toEqual({ type: 'hello', version: 1, capabilities: [], agent: 'old', token: '' });
  });

  it.each([65536, 2 ** 32, 2 ** 53 + 2])('decodes version %d (above 65535) for the receiver to refuse', (version) => {
    const r = decodeClient(
      new Packr({ useRecords: false, int64AsType: 'number' }).pack([0x01, version, [], 'x', 't']),
      1024,
    );
    expect(r.ok && r.message.type === 'hello' && r.message.version).toBe(version);
  });

  it('refuses a token over 256 chars', () => {
    const r = decodeClient(new Packr({ useRecords: false }).pack([0x01, 2, [], 'x', 't'.repeat(257)]), 1024);
    expect(!r.ok && r.error.code).toBe('bad-field');
  });
});

describe('structure limits', () => {
  it('refuses deep nesting without recursion', () => {
    const bytes = new Uint8Array(MiB).fill(0x91);
    const r = decode(bytes, MAX_CLIENT_MESSAGE_BYTES);
    expect(!r.ok && r.error.code).toBe('malformed');
  });

  it.each([
    ['a message of 17 fields', Uint8Array.from([0xdc, 0x00, 0x11, 0x10, ...new Array<number>(16).fill(0)])],
    [
      'a list of a million items',
      Uint8Array.from([0x93, 0x13, 0x01, 0xdd, 0x00, 0x0f, 0x42, 0x40, ...new Array<number>(1_000_000).fill(0)]),
    ],
    [
      'a step of 17 fields',
      Uint8Array.from([0x93, 0x13, 0x01, 0x91, 0xdc, 0x00, 0x11, ...new Array<number>(17).fill(0)]),
    ],
  ])('refuses %s before building it', (_name, bytes) => {
    const r = decode(bytes, 2 * MiB);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('bad-field');
    expect(!r.ok && r.error.message).toMatch(/at most \d+ at depth/);
  });

  it('refuses a map anywhere', () => {
    expect(decode(hostile.pack([0x13, 1, [{ a: 1 }]]), MiB).ok).toBe(false);
  });
});
