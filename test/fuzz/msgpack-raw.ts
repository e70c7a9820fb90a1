/**
 * MessagePack written by hand, byte for byte (spec: github.com/msgpack/msgpack spec.md), for the
 * fuzzer: it must produce what no well-behaved encoder would (float-encoded integers, ext types,
 * counts that lie, maps, 0xc1), so it cannot use the protocol's Packr.
 */
export type Raw = Uint8Array;

export const cat = (...parts: (Raw | readonly number[])[]): Raw => {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const be = (n: number, bytes: number): number[] => {
  const out: number[] = [];
  for (let i = bytes - 1; i >= 0; i--) out.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
  return out;
};

/** Smallest encoding of a non-negative integer (fixint, cc, cd, ce, cf). */
export function uint(n: number): Raw {
  if (n < 0x80) return Uint8Array.of(n);
  if (n < 0x100) return Uint8Array.of(0xcc, n);
  if (n < 0x10000) return Uint8Array.of(0xcd, ...be(n, 2));
  if (n < 0x100000000) return Uint8Array.of(0xce, ...be(n, 4));
  const b = new Uint8Array(9);
  b[0] = 0xcf;
  new DataView(b.buffer).setBigUint64(1, BigInt(n));
  return b;
}

/** Negative integers (negative fixint, d0..d3). */
export function int(n: number): Raw {
  if (n >= 0) return uint(n);
  if (n >= -32) return Uint8Array.of(n & 0xff);
  const b = new Uint8Array(9);
  b[0] = 0xd3;
  new DataView(b.buffer).setBigInt64(1, BigInt(n));
  return b;
}

export function f64(x: number): Raw {
  const b = new Uint8Array(9);
  b[0] = 0xcb;
  new DataView(b.buffer).setFloat64(1, x);
  return b;
}

export function f32(x: number): Raw {
  const b = new Uint8Array(5);
  b[0] = 0xca;
  new DataView(b.buffer).setFloat32(1, x);
  return b;
}

/** A str header declaring `len` bytes (fixstr, d9, da, db). */
export function strHeader(len: number): Raw {
  if (len < 32) return Uint8Array.of(0xa0 | len);
  if (len < 0x100) return Uint8Array.of(0xd9, len);
  if (len < 0x10000) return Uint8Array.of(0xda, ...be(len, 2));
  return Uint8Array.of(0xdb, ...be(len, 4));
}

export const str = (s: string): Raw => {
  const b = new TextEncoder().encode(s);
  return cat(strHeader(b.length), b);
};

export function binHeader(len: number): Raw {
  if (len < 0x100) return Uint8Array.of(0xc4, len);
  if (len < 0x10000) return Uint8Array.of(0xc5, ...be(len, 2));
  return Uint8Array.of(0xc6, ...be(len, 4));
}

export const bin = (b: Raw): Raw => cat(binHeader(b.length), b);

export function arrHeader(count: number): Raw {
  if (count < 16) return Uint8Array.of(0x90 | count);
  if (count < 0x10000) return Uint8Array.of(0xdc, ...be(count, 2));
  return Uint8Array.of(0xdd, ...be(count, 4));
}

export const arr = (...items: Raw[]): Raw => cat(arrHeader(items.length), ...items);

export function mapHeader(count: number): Raw {
  if (count < 16) return Uint8Array.of(0x80 | count);
  if (count < 0x10000) return Uint8Array.of(0xde, ...be(count, 2));
  return Uint8Array.of(0xdf, ...be(count, 4));
}

/** An ext value of `type` (0..255, i.e. int8 as a byte) with `payload`: fixext 1/2/4/8/16 where the size fits, else ext 8/16/32. */
export function ext(type: number, payload: Raw, forceVariable = false): Raw {
  const fixed: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
  const f = fixed[payload.length];
  if (f !== undefined && !forceVariable) return cat([f, type & 0xff], payload);
  if (payload.length < 0x100) return cat([0xc7, payload.length, type & 0xff], payload);
  if (payload.length < 0x10000) return cat([0xc8, ...be(payload.length, 2), type & 0xff], payload);
  return cat([0xc9, ...be(payload.length, 4), type & 0xff], payload);
}

export const NIL = Uint8Array.of(0xc0);
export const TRUE = Uint8Array.of(0xc3);
export const FALSE = Uint8Array.of(0xc2);

export const hex = (s: string): Raw => Uint8Array.from(s.trim().split(/\s+/), (h) => parseInt(h, 16));
