import { describe, expect, it } from 'vitest';
import {
  HID_USAGE_BY_CODE,
  LEGACY_CODE_ALIASES,
  UNSUPPORTED_CODES,
  codeForHidUsage,
  hidUsageForCode,
  isModifierCode,
} from '../../../web/src/lib/input/keycodes.ts';

const entries = Object.entries(HID_USAGE_BY_CODE);

describe('HID_USAGE_BY_CODE', () => {
  it.each(entries)('%s maps to a Keyboard/Keypad usage in 0x04..0xE7', (code, usage) => {
    expect(hidUsageForCode(code)).toBe(usage);
    expect(usage).toBeGreaterThanOrEqual(0x04);
    expect(usage).toBeLessThanOrEqual(0xe7);
  });

  it.each(entries)('%s round-trips through codeForHidUsage', (code, usage) => {
    expect(codeForHidUsage(usage)).toBe(code);
  });

  it('gives every code its own usage', () => {
    expect(new Set(entries.map(([, u]) => u)).size).toBe(entries.length);
  });

  it('covers the whole standard block 0x04..0x67 except the unreachable ISO 0x32', () => {
    for (let u = 0x04; u <= 0x67; u++) {
      if (u === 0x32) continue;
      expect(codeForHidUsage(u), `usage 0x${u.toString(16)}`).toBeDefined();
    }
  });
});

describe('spot checks against HUT 1.12 / Chromium / keycodemapdb', () => {
  it.each([
    ['KeyA', 0x04],
    ['KeyZ', 0x1d],
    ['Digit1', 0x1e],
    ['Digit0', 0x27],
    ['Enter', 0x28],
    ['Space', 0x2c],
    ['Backquote', 0x35],
    ['Minus', 0x2d],
    ['Equal', 0x2e],
    ['BracketLeft', 0x2f],
    ['BracketRight', 0x30],
    ['Backslash', 0x31],
    ['Semicolon', 0x33],
    ['Quote', 0x34],
    ['Comma', 0x36],
    ['Period', 0x37],
    ['Slash', 0x38],
    ['CapsLock', 0x39],
    ['F1', 0x3a],
    ['F12', 0x45],
    ['PrintScreen', 0x46],
    ['ScrollLock', 0x47],
    ['Pause', 0x48],
    ['Insert', 0x49],
    ['Delete', 0x4c],
    ['ArrowUp', 0x52],
    ['NumLock', 0x53],
    ['NumpadEnter', 0x58],
    ['Numpad0', 0x62],
    ['NumpadDecimal', 0x63],
    ['ContextMenu', 0x65],
    ['Power', 0x66],
    ['NumpadEqual', 0x67],
    ['Help', 0x75],
    ['Open', 0x74],
    ['Select', 0x77],
    ['Again', 0x79],
    ['Undo', 0x7a],
    ['Cut', 0x7b],
    ['Copy', 0x7c],
    ['Paste', 0x7d],
    ['Find', 0x7e],
    ['Props', 0xa3],
    ['AudioVolumeMute', 0x7f],
    ['AudioVolumeUp', 0x80],
    ['AudioVolumeDown', 0x81],
    ['NumpadComma', 0x85],
    ['NumpadParenLeft', 0xb6],
    ['NumpadParenRight', 0xb7],
  ])('%s → %i', (code, usage) => {
    expect(hidUsageForCode(code)).toBe(usage);
  });

  it.each([
    ['IntlBackslash', 0x64],
    ['IntlRo', 0x87],
    ['KanaMode', 0x88],
    ['IntlYen', 0x89],
    ['Convert', 0x8a],
    ['NonConvert', 0x8b],
    ['Lang1', 0x90],
    ['Lang2', 0x91],
    ['Lang3', 0x92],
    ['Lang4', 0x93],
    ['Lang5', 0x94],
  ])('international key %s → %i', (code, usage) => {
    expect(hidUsageForCode(code)).toBe(usage);
  });

  it.each(Array.from({ length: 12 }, (_, i) => [`F${13 + i}`, 0x68 + i] as const))('%s → %i', (code, usage) => {
    expect(hidUsageForCode(code)).toBe(usage);
  });

  it.each([
    ['ControlLeft', 0xe0],
    ['ShiftLeft', 0xe1],
    ['AltLeft', 0xe2],
    ['MetaLeft', 0xe3],
    ['ControlRight', 0xe4],
    ['ShiftRight', 0xe5],
    ['AltRight', 0xe6],
    ['MetaRight', 0xe7],
  ])('modifier %s → %i', (code, usage) => {
    expect(hidUsageForCode(code)).toBe(usage);
    expect(isModifierCode(code)).toBe(true);
  });

  it.each(['KeyA', 'CapsLock', 'NumLock', 'ContextMenu', 'Nope'])('%s is not a modifier', (code) => {
    expect(isModifierCode(code)).toBe(false);
  });
});

describe('aliases and unsupported codes', () => {
  it.each(Object.entries(LEGACY_CODE_ALIASES))('%s is read as %s', (alias, code) => {
    expect(hidUsageForCode(alias)).toBe(hidUsageForCode(code));
    expect(codeForHidUsage(hidUsageForCode(alias)!)).toBe(code);
  });

  it('treats Firefox OSLeft/OSRight as Meta modifiers', () => {
    expect(isModifierCode('OSLeft')).toBe(true);
    expect(hidUsageForCode('OSRight')).toBe(0xe7);
  });

  it('labels the ISO Non-US # usage as Backslash, which is what browsers report for it', () => {
    expect(codeForHidUsage(0x32)).toBe('Backslash');
  });

  it.each([...UNSUPPORTED_CODES])('%s has no page-0x07 usage', (code) => {
    expect(hidUsageForCode(code)).toBeUndefined();
    expect(code in HID_USAGE_BY_CODE).toBe(false);
  });

  it.each(['', 'keya', 'toString', 'constructor', '__proto__'])('unknown %j → undefined', (code) => {
    expect(hidUsageForCode(code)).toBeUndefined();
  });

  it.each([0x00, 0x01, 0x03, 0x78, 0xe8, 0x100, -1])('usage %i has no code', (usage) => {
    expect(codeForHidUsage(usage)).toBeUndefined();
  });
});
