/**
 * The fuzzer's hostile messages, from a seeded PRNG so a run can be repeated (FUZZ_SEED). Each
 * message comes with a kind (for the tally) and what the bridge must answer, predicted with the
 * protocol's own decodeClient: an error code, a close, or nothing certain (a valid message).
 */
import { decodeClient, MAX_BATCH_STEPS, MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION } from '../../protocol/index.ts';
import {
  arr,
  arrHeader,
  bin,
  binHeader,
  cat,
  ext,
  f32,
  f64,
  FALSE,
  hex,
  int,
  mapHeader,
  NIL,
  str,
  strHeader,
  TRUE,
  uint,
  type Raw,
} from './msgpack-raw.ts';

/** Every vector of protocol/README.md, valid and invalid, either direction. */
export const VECTORS: Raw[] = [
  '95 01 02 91 a5 62 61 74 63 68 a3 70 77 61 a3 61 62 63',
  '95 01 02 90 a6 62 72 69 64 67 65 a0',
  '93 02 07 cb 42 78 bc fe 56 80 08 00',
  '94 03 07 cb 42 78 bc fe 56 80 08 00 cb 42 78 bc fe 56 80 14 00',
  '92 10 c4 08 02 00 04 00 00 00 00 00',
  '92 11 c4 07 01 ff 3f 00 20 00 00',
  '92 12 c4 04 00 05 fb 00',
  '93 13 01 92 93 00 c4 08 00 00 04 00 00 00 00 00 0a 93 00 c4 08 00 00 00 00 00 00 00 00 0a',
  '94 14 01 01 02',
  '95 15 01 a4 64 6f 6e 65 02 a0',
  '92 16 01',
  '91 17',
  '95 20 c3 c3 c2 a9 63 6f 6e 6e 65 63 74 65 64',
  '92 21 02',
  '96 22 c3 cd 05 00 cd 02 d0 1e a0',
  '95 30 01 cb 42 78 bc fe 56 80 00 00 cb 42 78 bc fe 56 80 c8 00 c4 04 ff d8 ff d9',
  '92 40 c2',
  '92 40 c3',
  '91 41',
  '96 42 03 a3 61 6e 6e 05 a8 6f 70 65 72 61 74 6f 72 91 a3 62 6f 62',
  '96 42 00 a0 01 a6 76 69 65 77 65 72 90',
  '93 7f ae 6e 6f 74 2d 63 6f 6e 74 72 6f 6c 6c 65 72 b1 61 6e 6e 20 69 73 20 69 6e 20 63 6f 6e 74 72 6f 6c',
  'c1',
  '92 10',
  '81 a1 74 10',
  '92 55 01',
  '91 10',
  '92 10 c4 02 00 00',
  '91 17 91 17',
  'd4 42 01',
  '92 10 d6 ff 00 00 00 00',
  '92 10 c7 01 73 90',
  '91 d5 72 00 00',
  'dc ff ff 17',
  '93 13 01 91 91 91 00',
  '92 10 80',
  '91 cb 3f f0 00 00 00 00 00 00',
  '92 21 cb 40 00 00 00 00 00 00 00',
  '92 16 ca 3f 80 00 00',
  '92 40 01',
  '93 13 01 91 93 00 c4 08 00 00 04 00 00 00 00 00 cb 40 24 00 00 00 00 00 00',
  '95 01 02 90 a0 c3',
  '92 02 07',
].map(hex);

/** Tags the protocol defines (either direction), and a few it does not. */
const TAGS = [
  0x01, 0x02, 0x03, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x20, 0x21, 0x22, 0x30, 0x40, 0x41, 0x42, 0x7f,
  0x00, 0x55, 0xff,
];
/** Bytes that mean something special to a MessagePack reader. */
const INTERESTING = [
  0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc4, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcf, 0xd3, 0xd4,
  0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff,
];
/** msgpackr's own extension types (its registry is global and on by default): the ones that froze the bridge. */
const MSGPACKR_EXTS = [0x00, 0x42, 0x62, 0x65, 0x69, 0x70, 0x72, 0x73, 0x74, 0x78, 0xff];

export type Expect =
  | { kind: 'error'; code: string; closes: boolean }
  /** Over uWS's own maxPayloadLength (2 MiB): closed with 1006 and no reply. */
  | { kind: 'close-silently' }
  | { kind: 'valid'; type: string };

export interface Hostile {
  kind: string;
  /** A string goes as a text frame. */
  data: Raw | string;
  expect: Expect;
}

/** mulberry32: small, fast, seeded. */
export function makeRng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number): Raw => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  return { next, int, pick, bytes };
}
type Rng = ReturnType<typeof makeRng>;

/** Predicts the bridge's answer to `data` from an authenticated client (protocol/README.md). */
export function predict(data: Raw | string): Expect {
  if (typeof data === 'string') {
    const n = Buffer.byteLength(data);
    if (n > 2 * MAX_CLIENT_MESSAGE_BYTES) return { kind: 'close-silently' };
    if (n > MAX_CLIENT_MESSAGE_BYTES) return { kind: 'error', code: 'oversized', closes: true };
    return { kind: 'error', code: 'malformed', closes: false };
  }
  if (data.length > 2 * MAX_CLIENT_MESSAGE_BYTES) return { kind: 'close-silently' };
  const r = decodeClient(data, MAX_CLIENT_MESSAGE_BYTES);
  if (!r.ok) return { kind: 'error', code: r.error.code, closes: r.error.code === 'oversized' };
  // A second hello is refused as such, whatever its version: the version check (error version,
  // close 4000) belongs to the first hello, which the unauthenticated sockets exercise.
  if (r.message.type === 'hello') return { kind: 'error', code: 'not-allowed', closes: false };
  return { kind: 'valid', type: r.message.type };
}

/** A random MessagePack value of any type, possibly nested, small. */
function anyValue(g: Rng, depth = 0): Raw {
  switch (g.int(depth > 2 ? 12 : 15)) {
    case 0:
      return uint(g.int(2) ? g.int(256) : g.int(2 ** 32));
    case 1:
      return int(-1 - g.int(2 ** 31));
    case 2:
      return f64(g.pick([0, 1, 2, -0, NaN, Infinity, -Infinity, 1e308, 2 ** 53, 1.5, 0.1]));
    case 3:
      return f32(g.pick([1, 2, NaN, -1, 3.4e38]));
    case 4:
      return str(g.pick(['', 'a', 'keyboard', 'done', 'x'.repeat(65), 'é€😀', '\u0000', '\ud800']));
    case 5:
      return bin(g.bytes(g.pick([0, 1, 4, 7, 8, 9, 64])));
    case 6:
      return g.pick([NIL, TRUE, FALSE]);
    case 7:
      return ext(g.int(256), g.bytes(g.pick([1, 2, 4, 8, 16, 0, 3, 33])));
    case 8:
      return Uint8Array.of(0xc1);
    case 9:
      return strHeader(g.int(2 ** 32)); // a str that lies about its length
    case 10:
      return binHeader(g.int(2 ** 32));
    case 11:
      return uint(2 ** 53 + g.int(2 ** 10)); // uint64 beyond safe integers
    case 12:
      return arr(...Array.from({ length: g.int(4) }, () => anyValue(g, depth + 1)));
    case 13:
      return cat(mapHeader(1), anyValue(g, depth + 1), anyValue(g, depth + 1));
    default:
      return cat(arrHeader(g.int(2 ** 32)), anyValue(g, depth + 1)); // an array that lies about its count
  }
}

function mutate(g: Rng, v: Raw): Raw {
  const b = Uint8Array.from(v);
  switch (g.int(6)) {
    case 0: {
      // bit flips
      for (let i = 0, n = 1 + g.int(4); i < n && b.length; i++) b[g.int(b.length)]! ^= 1 << g.int(8);
      return b;
    }
    case 1:
      return b.slice(0, g.int(b.length)); // truncation
    case 2: {
      // splice: head of one vector, tail of another
      const o = g.pick(VECTORS);
      return cat(b.slice(0, g.int(b.length + 1)), o.slice(g.int(o.length + 1)));
    }
    case 3: {
      if (b.length) b[g.int(b.length)] = g.pick(INTERESTING);
      return b;
    }
    case 4: {
      const at = g.int(b.length + 1);
      return cat(b.slice(0, at), g.bytes(1 + g.int(8)), b.slice(at)); // insertion
    }
    default: {
      const at = g.int(b.length + 1);
      return cat(b.slice(0, at), b.slice(at + 1 + g.int(4))); // deletion
    }
  }
}

/** A message with a defined tag and fields of random types and counts. */
function wrongTypes(g: Rng): Raw {
  const fields = Array.from({ length: g.int(7) }, () => anyValue(g));
  return arr(g.int(8) ? uint(g.pick(TAGS)) : anyValue(g), ...fields);
}

function extCase(g: Rng): Raw {
  const type = g.int(4) ? g.int(256) : g.pick(MSGPACKR_EXTS);
  const size = g.int(50) ? g.pick([0, 1, 2, 3, 4, 8, 9, 16, 17, 100]) : 1000 + g.int(60_000);
  const e = ext(type, g.bytes(size), g.int(4) === 0);
  switch (g.int(4)) {
    case 0:
      return e; // the whole message
    case 1:
      return arr(uint(g.pick(TAGS)), e); // as a field
    case 2:
      return arr(uint(0x13), uint(1), arr(arr(uint(0), e, uint(0)))); // inside a batch step
    default:
      return arr(uint(0x01), uint(2), arr(e), str('x'), str('')); // in hello's capabilities
  }
}

/** Big generated values, built once each: generating them per message would slow the fuzzer, not the bridge. */
const cache = new Map<string, Raw>();
const cached = (key: string, make: () => Raw): Raw => {
  let v = cache.get(key);
  if (!v) cache.set(key, (v = make()));
  return v;
};

function nested(g: Rng): Raw {
  const depth = g.pick([4, 5, 16, 100, 1000, 100_000]);
  const long = g.int(3) === 0;
  const maps = g.int(4) === 0;
  return cached(`nested:${depth}:${long}:${maps}`, () => {
    const parts: Raw[] = [];
    for (let i = 0; i < depth; i++)
      parts.push(maps && i % 7 === 3 ? mapHeader(1) : long ? Uint8Array.of(0xdc, 0, 1) : Uint8Array.of(0x91));
    parts.push(uint(0x17));
    return cat(...parts);
  });
}

/** Large declared or real sizes, all within the 1 MiB limit (the bridge must stay linear). */
function huge(g: Rng): Raw {
  const n = g.pick([65_536, 262_144, MAX_CLIENT_MESSAGE_BYTES - 32]);
  const variant = g.int(6);
  return cached(`huge:${n}:${variant}`, () => hugeVariant(g, n, variant));
}

function hugeVariant(g: Rng, n: number, variant: number): Raw {
  switch (variant) {
    case 0:
      return arr(uint(0x7f), str('bad-field'), cat(strHeader(n), new Uint8Array(n).fill(0x61)));
    case 1:
      return arr(uint(0x10), cat(binHeader(n), g.bytes(n)));
    case 2: {
      // a bigint ext filling the message: the 1 MiB input that froze the bridge for seconds
      return ext(0x42, new Uint8Array(n).fill(0xff));
    }
    case 3: {
      const count = Math.floor(n / 1);
      return cat(arrHeader(count), new Uint8Array(count).fill(0x00));
    }
    case 4: {
      const count = Math.floor(n / 2);
      const pairs = new Uint8Array(count * 2).fill(0x01);
      return cat(mapHeader(count), pairs);
    }
    default:
      return arr(
        uint(0x01),
        uint(2),
        cat(arrHeader(32), ...Array.from({ length: 32 }, () => str('c'))),
        str('a'),
        str('t'.repeat(300)),
      );
  }
}

/** A valid batch of MAX_BATCH_STEPS steps with no delay: the most steps a batch may have. */
function longBatch(g: Rng): Raw {
  const steps = cached('long-batch', () => {
    const step = arr(uint(0), bin(new Uint8Array(8)), uint(0));
    return cat(arrHeader(MAX_BATCH_STEPS), ...Array.from({ length: MAX_BATCH_STEPS }, () => step));
  });
  return arr(uint(0x13), uint(g.int(2 ** 32)), steps);
}

/** Integer fields encoded as floats (1.0, not 1), which the spec refuses. */
function floatInts(g: Rng): Raw {
  const fl = (n: number): Raw => (g.int(2) ? f64(n) : f32(n));
  switch (g.int(6)) {
    case 0:
      return arr(fl(0x17));
    case 1:
      return arr(uint(0x16), fl(g.int(1000)));
    case 2:
      return arr(uint(0x13), uint(1), arr(arr(fl(0), bin(new Uint8Array(8)), uint(0))));
    case 3:
      return arr(uint(0x13), uint(1), arr(arr(uint(0), bin(new Uint8Array(8)), fl(10))));
    case 4:
      return arr(uint(0x02), fl(7), f64(Date.now()));
    default:
      return arr(uint(0x01), fl(2), arr(), str('a'), str(''));
  }
}

function hello(g: Rng): Raw {
  const version = g.int(4)
    ? PROTOCOL_VERSION
    : g.pick([0, 1, 3, 65535, 65536, 2 ** 32, 2 ** 53 - 1, 2 ** 53 + 2, 2 ** 64 - 1]);
  const token = g.pick(['', 'x'.repeat(43), 'y'.repeat(256), 'z'.repeat(257)]);
  return arr(uint(0x01), version > 2 ** 53 ? uint(2 ** 53) : uint(version), arr(str('batch')), str('fuzz'), str(token));
}

/** Valid input: exercises the controller path and, for the others, not-controller. */
function validInput(g: Rng): Raw {
  const report = (n: number): Raw => bin(g.int(3) ? new Uint8Array(n) : g.bytes(n));
  switch (g.int(10)) {
    case 0:
    case 1:
      return arr(uint(0x10), report(8));
    case 2:
      return arr(uint(0x11), report(7));
    case 3:
      return arr(uint(0x12), report(4));
    case 4: {
      const steps = Array.from({ length: 1 + g.int(6) }, () => arr(uint(0), report(8), uint(g.int(3))));
      return arr(uint(0x13), uint(g.int(100)), arr(...steps));
    }
    case 5:
      return arr(uint(0x16), uint(g.int(100)));
    case 6:
      return arr(uint(0x17));
    case 7:
      return arr(uint(0x40), g.int(2) ? TRUE : FALSE);
    case 8:
      return arr(uint(0x41));
    default:
      return arr(uint(0x02), uint(g.int(1000)), f64(Date.now()));
  }
}

function oversized(g: Rng): Raw | string {
  const n = g.int(4) ? MAX_CLIENT_MESSAGE_BYTES + 1 : 2 * MAX_CLIENT_MESSAGE_BYTES + 1;
  if (g.int(5) === 0) return 'o'.repeat(n);
  return cached(`oversized:${n}`, () => cat(arrHeader(2), uint(0x10), binHeader(n), new Uint8Array(n - 10)));
}

function text(g: Rng): string {
  return g.pick(['', 'hello', '[1,2,3]', '{"type":"keyboard"}', '\u0000'.repeat(64), 'é'.repeat(1000)]);
}

/**
 * Kinds and weights (per 10 000). Oversized messages close the socket, and wrong-version hellos
 * too: they are rare so that most of the time goes to the decoder, not to reconnecting.
 */
const KINDS: [string, number, (g: Rng) => Raw | string][] = [
  ['vector', 900, (g) => g.pick(VECTORS)],
  ['mutated-vector', 3000, (g) => mutate(g, g.pick(VECTORS))],
  ['wrong-types', 1600, wrongTypes],
  ['ext', 900, extCase],
  ['nested', 300, nested],
  ['random-value', 500, (g) => anyValue(g)],
  ['random-bytes', 400, (g) => g.bytes(g.int(64))],
  ['float-int', 500, floatInts],
  ['hello', 100, hello],
  ['text', 200, text],
  ['valid-input', 1500, validInput],
  ['huge', 5, huge],
  ['long-batch', 1, longBatch],
  ['oversized', 2, oversized],
];
/** The kinds' names, for FUZZ_ONLY / FUZZ_EXCLUDE. */
export const KIND_NAMES: readonly string[] = KINDS.map(([k]) => k);

const predictions = new WeakMap<Raw, Expect>();
/** An endless stream of hostile messages with their predicted answers. `exclude`: kinds left out. */
export function makeHostile(seed: number, exclude: readonly string[] = []) {
  const g = makeRng(seed);
  const kinds = KINDS.filter(([k]) => !exclude.includes(k));
  const TOTAL = kinds.reduce((s, k) => s + k[1], 0);
  return {
    rng: g,
    next(): Hostile {
      let r = g.int(TOTAL);
      for (const [kind, w, make] of kinds) {
        if (r < w) {
          const data = make(g);
          let expect = typeof data === 'string' ? undefined : predictions.get(data);
          if (!expect) {
            expect = predict(data);
            if (typeof data !== 'string' && cache.size) predictions.set(data, expect);
          }
          return { kind, data, expect };
        }
        r -= w;
      }
      throw new Error('unreachable: weights');
    },
  };
}
