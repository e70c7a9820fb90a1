import { describe, expect, it } from 'vitest';
import {
  decode,
  encode,
  keyboardReport,
  mouseAbsReport,
  MAX_BATCH_STEPS,
  MAX_CLIENT_MESSAGE_BYTES,
  parseKeyboardReport,
  parseMouseAbsReport,
  type Message,
} from '../../protocol/index.ts';
import { Packr } from 'msgpackr';

// A second, independent Packr builds hostile input the protocol's own encoder would never emit.
const raw = new Packr({ useRecords: false });
const rawBytes = (v: unknown): Uint8Array => raw.pack(v);
const plain = (v: unknown): unknown =>
  v instanceof Uint8Array
    ? Array.from(v)
    : Array.isArray(v)
      ? v.map(plain)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
        : v;

describe('codec round trips', () => {
  it.each<Message>([
    { type: 'keyboard', report: keyboardReport({ modifiers: 0x22, keys: [4, 5, 6] }) },
    { type: 'mouse', report: mouseAbsReport({ buttons: 1, x: 32767, y: 0, wheel: -3, pan: 2 }) },
    { type: 'ping', id: 0xffffffff, sentAt: Date.now() + 0.125 },
    {
      type: 'frame',
      seq: 123456,
      timestamp: 1763900000123.456,
      sentAt: 1763900000124,
      jpeg: new Uint8Array(600_000).fill(7),
      captureSource: 1,
      grabMs: 4.25,
      encodeMs: 11,
      receivedAt: 1763900000123.9,
      skipped: 300,
    },
    {
      type: 'batch',
      id: 9,
      steps: Array.from({ length: 1000 }, (_, i) => ({
        device: 'keyboard' as const,
        report: keyboardReport({ modifiers: 0, keys: i % 2 ? [] : [4] }),
        delayMs: 5,
      })),
    },
    { type: 'error', code: 'busy', message: 'a batch is already playing' },
    { type: 'hello', version: 2, capabilities: ['batch'], agent: 'pwa/0.2', token: 'x'.repeat(256) },
    { type: 'control-request', take: true },
    { type: 'control-release' },
    { type: 'control-status', controller: 7, controllerUser: 'ann', you: 9, role: 'admin', waiting: ['bob', 'cy'] },
    { type: 'batch-progress', id: 1, sent: 2 ** 40, total: 2 ** 40 },
  ])('keeps a $type message intact', (m) => {
    const result = decode(encode(m), 16 * 1024 * 1024);
    expect(result.ok).toBe(true);
    if (result.ok) expect(plain(result.message)).toEqual(plain(m));
  });

  it('copies HID reports out of the input so they survive buffer reuse', () => {
    const bytes = encode({ type: 'keyboard', report: keyboardReport({ modifiers: 0, keys: [4] }) });
    const result = decode(bytes, 1024);
    bytes.fill(0);
    expect(result.ok && result.message.type === 'keyboard' && result.message.report[2]).toBe(4);
  });
});

describe('codec refusals', () => {
  it('refuses a message over the size limit before parsing it', () => {
    const result = decode(new Uint8Array(MAX_CLIENT_MESSAGE_BYTES + 1), MAX_CLIENT_MESSAGE_BYTES);
    expect(!result.ok && result.error.code).toBe('oversized');
  });

  it.each([
    ['a string', 'hello', 'malformed'],
    ['an empty array', [], 'malformed'],
    ['a float tag', [1.5], 'malformed'],
    ['a negative tag', [-1], 'malformed'],
    ['an undefined tag', [0x55, 1], 'unknown-type'],
    ['a string in place of a report', [0x10, 'abcdefgh'], 'bad-field'],
    ['an extra field', [0x17, 1], 'bad-field'],
    ['a batch step for an unknown device', [0x13, 1, [[3, new Uint8Array(8), 0]]], 'bad-field'],
    ['a batch step with a mouse-sized keyboard report', [0x13, 1, [[0, new Uint8Array(7), 0]]], 'bad-field'],
    ['a batch delay over 10 s', [0x13, 1, [[0, new Uint8Array(8), 10_001]]], 'bad-field'],
    [
      'a batch over the step limit',
      [0x13, 1, Array.from({ length: MAX_BATCH_STEPS + 1 }, () => [0, new Uint8Array(8), 0])],
      'bad-field',
    ],
    ['LEDs over 0xff', [0x21, 256], 'bad-field'],
    ['a hello with 33 capabilities', [0x01, 1, Array.from({ length: 33 }, () => 'x'), 'a'], 'bad-field'],
    ['a NaN timestamp', [0x02, 1, Number.NaN], 'bad-field'],
  ])('refuses %s', (_what, value, code) => {
    const result = decode(rawBytes(value), 64 * 1024 * 1024);
    expect(!result.ok && result.error.code).toBe(code);
  });

  it('never throws on random bytes', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    for (let n = 0; n < 5000; n++) {
      const bytes = Uint8Array.from({ length: 1 + (n % 40) }, rnd);
      expect(() => decode(bytes, 1024)).not.toThrow();
    }
  });
});

describe('report builders', () => {
  it('sends ErrorRollOver when more than six keys are held', () => {
    expect([...keyboardReport({ modifiers: 2, keys: [4, 5, 6, 7, 8, 9, 10] })]).toEqual([2, 0, 1, 1, 1, 1, 1, 1]);
  });

  it('parses what it builds', () => {
    expect(parseKeyboardReport(keyboardReport({ modifiers: 0x40, keys: [0x87, 0x89] }))).toEqual({
      modifiers: 0x40,
      keys: [0x87, 0x89],
    });
    expect(parseMouseAbsReport(mouseAbsReport({ buttons: 0x1f, x: 40000, y: -4, wheel: 300, pan: -300 }))).toEqual({
      buttons: 0x1f,
      x: 32767,
      y: 0,
      wheel: 127,
      pan: -127,
    });
  });
});
