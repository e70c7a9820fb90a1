import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decode,
  decodeClient,
  decodeServer,
  encode,
  MAX_CLIENT_MESSAGE_BYTES,
  MAX_SERVER_MESSAGE_BYTES,
  type Message,
} from '../../protocol/index.ts';

// The vectors live in protocol/README.md so the spec and the tests cannot drift apart.
const readme = readFileSync(new URL('../../protocol/README.md', import.meta.url), 'utf8');
const rows = readme.split('\n').filter((l) => l.startsWith('| ') && l.includes('`'));

const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const revive = (_k: string, v: unknown): unknown =>
  typeof v === 'string' && v.startsWith('hex:') ? fromHex(v.slice(4)) : v;
const cells = (row: string): string[] =>
  row
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim().replace(/^`|`$/g, ''));

const valid = rows.map(cells).filter((c) => c.length === 3 && c[1]!.startsWith('{'));
const invalid = rows.map(cells).filter((c) => c.length === 3 && !c[1]!.startsWith('{'));
const directional = rows.map(cells).filter((c) => c.length === 4 && (c[1] === 'bridge' || c[1] === 'client'));

/** Normalises Buffers (Node's msgpackr output) to plain Uint8Arrays so toEqual compares bytes. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return Uint8Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe('protocol/README.md test vectors', () => {
  it('has a vector for every message type', () => {
    const types = new Set(valid.map((c) => (JSON.parse(c[1]!) as Message).type));
    expect([...types].sort()).toEqual(
      [
        'batch',
        'batch-cancel',
        'batch-end',
        'batch-progress',
        'error',
        'frame',
        'hello',
        'hid-status',
        'keyboard',
        'leds',
        'mouse',
        'mouse-rel',
        'ping',
        'pong',
        'control-request',
        'control-release',
        'control-status',
        'release-all',
        'video-status',
      ].sort(),
    );
  });

  it.each(valid)('encodes %s to the listed bytes', (_name, json, hex) => {
    const message = JSON.parse(json!, revive) as Message;
    expect(Buffer.from(encode(message)).toString('hex')).toBe(hex!.replace(/\s+/g, ''));
  });

  it.each(valid)('decodes the bytes of %s to the listed message', (_name, json, hex) => {
    const result = decode(fromHex(hex!), MAX_CLIENT_MESSAGE_BYTES);
    expect(result.ok).toBe(true);
    if (result.ok) expect(plain(result.message)).toEqual(JSON.parse(json!, revive));
  });

  it.each(invalid)('refuses %s with code %s', (hex, code) => {
    const result = decode(fromHex(hex!), MAX_CLIENT_MESSAGE_BYTES);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });
});

describe('protocol/README.md direction vectors', () => {
  it('has some', () => expect(directional.length).toBeGreaterThan(3));

  it.each(directional)('refuses %s at the %s with code %s', (hex, receiver, code) => {
    const bytes = fromHex(hex!);
    const result =
      receiver === 'bridge'
        ? decodeClient(bytes, MAX_CLIENT_MESSAGE_BYTES)
        : decodeServer(bytes, MAX_SERVER_MESSAGE_BYTES);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it.each(valid)('lets %s through in its own direction', (_name, _json, hex) => {
    const bytes = fromHex(hex!);
    const either = decodeClient(bytes, MAX_CLIENT_MESSAGE_BYTES).ok || decodeServer(bytes, MAX_SERVER_MESSAGE_BYTES).ok;
    expect(either).toBe(true);
  });
});
