import { ProtocolError } from './errors.ts';

/**
 * Field guards used by every family's `fromWire`. Each returns the typed value or throws a
 * ProtocolError('bad-field'); decode() catches it, so nothing escapes to the caller's event loop.
 */
function bad(name: string, want: string, got: unknown): never {
  throw new ProtocolError('bad-field', `${name}: expected ${want}, got ${describe(got)}`);
}

/**
 * Names a decoded value by its type and size only. Error texts never embed the value itself: a
 * 1 MiB string or array turned into text would cost the event loop seconds, and would carry
 * client-sent text into logs.
 */
export function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `bin(${v.byteLength})`;
  if (typeof v === 'string') return `str(${v.length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'number') return Number.isInteger(v) ? (v < 0 ? 'negative int' : 'int') : 'float';
  if (v === null) return 'nil';
  return typeof v; // boolean; nothing else survives scanMessage()
}

/**
 * A non-negative integer up to `max`. A float-encoded integer (e.g. `cb 3ff0…` for 1.0) is refused
 * too, but by decode(), which knows the wire types (see scan.ts), not here.
 */
export function uint(v: unknown, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) bad(name, `integer 0..${max}`, v);
  return v;
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(v: unknown, name: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) bad(name, values.join('|'), v);
  return v as T;
}

/** A finite number, e.g. a timestamp in ms since the Unix epoch. */
export function num(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(name, 'finite number', v);
  return v;
}

export function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') bad(name, 'boolean', v);
  return v;
}

export function str(v: unknown, name: string, maxLength: number): string {
  if (typeof v !== 'string' || v.length > maxLength) bad(name, `string of at most ${maxLength} chars`, v);
  return v;
}

/**
 * A binary field. `length` pins an exact byte length; `maxLength` an upper bound. The result is
 * a view into the decoded input: copy it before the input buffer is reused.
 */
export function bin(v: unknown, name: string, length: { exact?: number; max?: number }): Uint8Array {
  if (!(v instanceof Uint8Array)) bad(name, 'binary', v);
  if (length.exact !== undefined && v.byteLength !== length.exact) bad(name, `binary of ${length.exact} bytes`, v);
  if (length.max !== undefined && v.byteLength > length.max) bad(name, `binary of at most ${length.max} bytes`, v);
  return v;
}

export function list(v: unknown, name: string, maxLength: number): unknown[] {
  if (!Array.isArray(v) || v.length > maxLength) bad(name, `array of at most ${maxLength} items`, v);
  return v;
}

/** Checks the field count of a wire array: `[tag, ...fields]`, allowing trailing optional fields. */
export function arity(wire: readonly unknown[], name: string, min: number, max = min): void {
  const fields = wire.length - 1;
  if (fields < min || fields > max) {
    throw new ProtocolError(
      'bad-field',
      `${name}: expected ${min === max ? min : `${min}..${max}`} fields, got ${fields}`,
    );
  }
}
