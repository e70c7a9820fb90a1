import { describe, expect, it, vi } from 'vitest';
import { makeKeyboardState } from '../../../web/src/lib/input/keyboard-state.ts';

const bytes = (r: Uint8Array | null): number[] | null => (r ? [...r] : null);

describe('makeKeyboardState', () => {
  it.each([
    ['ControlLeft', 0x01],
    ['ShiftLeft', 0x02],
    ['AltLeft', 0x04],
    ['MetaLeft', 0x08],
    ['ControlRight', 0x10],
    ['ShiftRight', 0x20],
    ['AltRight', 0x40],
    ['MetaRight', 0x80],
    ['OSLeft', 0x08],
    ['OSRight', 0x80],
  ])('%s alone sets modifier bit %i and no key slot', (code, bit) => {
    const kb = makeKeyboardState();
    expect(bytes(kb.down(code))).toEqual([bit, 0, 0, 0, 0, 0, 0, 0]);
    expect(bytes(kb.up(code))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('combines modifiers and keys: Ctrl+Shift+Esc', () => {
    const kb = makeKeyboardState();
    kb.down('ControlLeft');
    kb.down('ShiftLeft');
    expect(bytes(kb.down('Escape'))).toEqual([0x03, 0, 0x29, 0, 0, 0, 0, 0]);
    expect(bytes(kb.up('ControlLeft'))).toEqual([0x02, 0, 0x29, 0, 0, 0, 0, 0]);
  });

  it('keeps keys in press order and closes gaps on release', () => {
    const kb = makeKeyboardState();
    kb.down('KeyC');
    kb.down('KeyA');
    expect(bytes(kb.down('KeyB'))).toEqual([0, 0, 0x06, 0x04, 0x05, 0, 0, 0]);
    expect(bytes(kb.up('KeyA'))).toEqual([0, 0, 0x06, 0x05, 0, 0, 0, 0]);
    expect(bytes(kb.down('KeyA'))).toEqual([0, 0, 0x06, 0x05, 0x04, 0, 0, 0]);
    expect(kb.held()).toEqual(['KeyC', 'KeyB', 'KeyA']);
  });

  it('suppresses auto-repeat keydowns of a held key, and an alias of it', () => {
    const kb = makeKeyboardState();
    expect(kb.down('KeyA')).not.toBeNull();
    expect(kb.down('KeyA')).toBeNull();
    expect(kb.down('KeyA')).toBeNull();
    expect(kb.down('MetaLeft')).not.toBeNull();
    expect(kb.down('OSLeft')).toBeNull();
    expect(kb.held()).toEqual(['KeyA', 'MetaLeft']);
  });

  it('returns null for releasing a key that is not held', () => {
    const kb = makeKeyboardState();
    expect(kb.up('KeyA')).toBeNull();
    kb.down('KeyA');
    kb.up('KeyA');
    expect(kb.up('KeyA')).toBeNull();
  });

  it('reports ErrorRollOver with a 7th key and recovers when it is released', () => {
    const kb = makeKeyboardState();
    kb.down('ShiftLeft');
    const six = ['KeyA', 'KeyS', 'KeyD', 'KeyF', 'KeyG', 'KeyH'];
    let last: Uint8Array | null = null;
    for (const code of six) last = kb.down(code);
    expect(bytes(last)).toEqual([0x02, 0, 0x04, 0x16, 0x07, 0x09, 0x0a, 0x0b]);
    expect(bytes(kb.down('KeyJ'))).toEqual([0x02, 0, 1, 1, 1, 1, 1, 1]);
    expect(kb.held()).toHaveLength(8);
    expect(bytes(kb.up('KeyA'))).toEqual([0x02, 0, 0x16, 0x07, 0x09, 0x0a, 0x0b, 0x0d]);
  });

  it('ignores and counts unknown codes', () => {
    const kb = makeKeyboardState();
    expect(kb.down('MediaPlayPause')).toBeNull();
    expect(kb.down('Unidentified')).toBeNull();
    expect(kb.up('MediaPlayPause')).toBeNull();
    expect(kb.unknownCount).toBe(2);
    expect(kb.held()).toEqual([]);
  });

  it('releaseAll returns the zero report and forgets everything', () => {
    const kb = makeKeyboardState();
    kb.down('ControlLeft');
    kb.down('KeyA');
    expect(bytes(kb.releaseAll())).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(kb.held()).toEqual([]);
    expect(kb.up('KeyA')).toBeNull();
    expect(bytes(kb.down('KeyA'))).toEqual([0, 0, 0x04, 0, 0, 0, 0, 0]);
  });

  it('keeps keys held with no time limit (no auto-release)', () => {
    vi.useFakeTimers();
    try {
      const kb = makeKeyboardState();
      kb.down('KeyA');
      vi.advanceTimersByTime(60_000);
      expect(kb.held()).toEqual(['KeyA']);
    } finally {
      vi.useRealTimers();
    }
  });
});
