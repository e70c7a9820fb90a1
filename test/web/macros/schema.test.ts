import { describe, expect, it } from 'vitest';
import { BUILTINS } from '../../../web/src/lib/macros/builtins.ts';
import { MacroError } from '../../../web/src/lib/macros/errors.ts';
import type { MacroBody } from '../../../web/src/lib/macros/model.ts';
import {
  checkImportSize,
  MAX_IMPORT_BYTES,
  parseExport,
  toExport,
  validateBody,
} from '../../../web/src/lib/macros/schema.ts';

const good: MacroBody = {
  name: 'Login',
  tags: ['bios'],
  repeat: 2,
  steps: [
    { kind: 'key-down', usage: 0xe0 },
    { kind: 'delay', ms: 60_000 },
    { kind: 'key-up', usage: 0xe0 },
    { kind: 'text', text: 'hunter2\n' },
    { kind: 'mouse-move', x: 0, y: 32767 },
    { kind: 'mouse-click', button: 'middle' },
  ],
};
const file = (macros: unknown[], head: Record<string, unknown> = {}) =>
  JSON.stringify({ format: 'webkvm-macros', version: 1, macros, ...head });
const withStep = (step: unknown) => file([{ ...good, steps: [step] }]);

describe('parseExport', () => {
  it('round-trips an export', () => {
    const text = toExport([good, { ...good, name: 'Loop', repeat: 'until-stopped' }], new Date(0));
    expect(parseExport(text)).toEqual([good, { ...good, name: 'Loop', repeat: 'until-stopped' }]);
  });

  it('round-trips every built-in', () => {
    const bodies = BUILTINS.map((b) => b.body);
    expect(parseExport(toExport(bodies, new Date()))).toEqual(bodies);
  });

  it('trims names and tags', () => {
    expect(parseExport(file([{ ...good, name: '  x ', tags: [' a '] }]))).toEqual([
      { ...good, name: 'x', tags: ['a'] },
    ]);
  });

  it.each<[string, string, string, string]>([
    ['not JSON', '{"format": "webkvm-macros",', 'bad-json', ''],
    ['empty', '', 'bad-json', ''],
    ['JSON but not an object', '[1, 2]', 'bad-format', 'format'],
    ['another format', JSON.stringify({ format: 'pikvm', version: 1, macros: [] }), 'bad-format', 'format'],
    ['a newer version', file([], { version: 2 }), 'bad-version', 'version'],
    ['a version as text', file([], { version: '1' }), 'bad-version', 'version'],
    ['no macros list', JSON.stringify({ format: 'webkvm-macros', version: 1 }), 'invalid', 'macros'],
    ['an unknown top-level field', file([], { extra: true }), 'invalid', 'extra'],
    ['an unknown HID usage', withStep({ kind: 'key-down', usage: 0xa5 }), 'invalid', 'macros[0].steps[0].usage'],
    ['a reserved usage 0xE8', withStep({ kind: 'key-up', usage: 0xe8 }), 'invalid', 'macros[0].steps[0].usage'],
    ['an error-code usage 0x01', withStep({ kind: 'key-down', usage: 1 }), 'invalid', 'macros[0].steps[0].usage'],
    ['a usage over 255', withStep({ kind: 'key-down', usage: 300 }), 'invalid', 'macros[0].steps[0].usage'],
    ['a fractional usage', withStep({ kind: 'key-down', usage: 4.5 }), 'invalid', 'macros[0].steps[0].usage'],
    ['a usage as text', withStep({ kind: 'key-down', usage: '4' }), 'invalid', 'macros[0].steps[0].usage'],
    ['a negative delay', withStep({ kind: 'delay', ms: -5 }), 'invalid', 'macros[0].steps[0].ms'],
    ['a huge delay', withStep({ kind: 'delay', ms: 1e12 }), 'invalid', 'macros[0].steps[0].ms'],
    ['a delay of 60001 ms', withStep({ kind: 'delay', ms: 60_001 }), 'invalid', 'macros[0].steps[0].ms'],
    ['x past 32767', withStep({ kind: 'mouse-move', x: 32768, y: 0 }), 'invalid', 'macros[0].steps[0].x'],
    ['a negative y', withStep({ kind: 'mouse-move', x: 0, y: -1 }), 'invalid', 'macros[0].steps[0].y'],
    ['an unknown button', withStep({ kind: 'mouse-click', button: 'side' }), 'invalid', 'macros[0].steps[0].button'],
    ['an unknown step kind', withStep({ kind: 'gpio', pin: 1 }), 'invalid', 'macros[0].steps[0].kind'],
    ['an extra step field', withStep({ kind: 'delay', ms: 1, jitter: 3 }), 'invalid', 'macros[0].steps[0].jitter'],
    ['an empty name', file([{ ...good, name: '   ' }]), 'invalid', 'macros[0].name'],
    ['a repeat of 0', file([{ ...good, repeat: 0 }]), 'invalid', 'macros[0].repeat'],
    ['a repeat of "forever"', file([{ ...good, repeat: 'forever' }]), 'invalid', 'macros[0].repeat'],
    ['a bad second macro', file([good, { ...good, steps: 'none' }]), 'invalid', 'macros[1].steps'],
  ])('refuses %s with its path', (_, text, code, path) => {
    const r = parseExport(text);
    expect(r).toBeInstanceOf(MacroError);
    expect({ code: (r as MacroError).code, path: (r as MacroError).path }).toEqual({ code, path });
    expect((r as MacroError).message.length).toBeGreaterThan(path.length + 2);
  });

  it.each([
    ['an unknown HID usage', withStep({ kind: 'key-down', usage: 0xa5 }), 'unknown HID usage 0xa5'],
    ['a huge delay', withStep({ kind: 'delay', ms: 1e12 }), 'at most 60000'],
    ['a newer version', file([], { version: 2 }), 'version 2 is not supported'],
  ])('says why for %s', (_, text, reason) => {
    expect((parseExport(text) as MacroError).message).toContain(reason);
  });

  it('refuses 10 MB of junk by its size, before parsing', () => {
    const junk = 'x'.repeat(10 * 1024 * 1024);
    expect(checkImportSize(junk.length)?.code).toBe('too-large');
    expect((parseExport(junk) as MacroError).code).toBe('too-large');
    expect(checkImportSize(MAX_IMPORT_BYTES)).toBeUndefined();
  });
});

describe('validateBody', () => {
  it('accepts a good body and names the bad field of a bad one', () => {
    expect(validateBody(good)).toEqual(good);
    const r = validateBody({
      ...good,
      steps: [
        { kind: 'delay', ms: 1 },
        { kind: 'key-down', usage: 0 },
      ],
    });
    expect((r as MacroError).path).toBe('steps[1].usage');
  });
});
