import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../../web/src/lib/layouts/catalogue.ts';
import { translateKey, type KeyEventLike } from '../../../web/src/lib/layouts/translate.ts';
import { describeSteps } from './helpers.ts';

const ev = (key: string, code: string, mods: Partial<KeyEventLike> = {}): KeyEventLike => ({
  key,
  code,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

const translate = async (target: string, e: KeyEventLike, capsLock = false) => {
  const t = translateKey(e, await loadLayout(target), { capsLock });
  return t.kind === 'type' ? { kind: t.kind, reports: describeSteps(t.steps) } : t;
};

describe('translateKey', () => {
  it.each([
    // A French AZERTY user presses the key marked A (code KeyQ): a German target still gets a.
    ['de', ev('a', 'KeyQ'), ['0x04', '-']],
    // y on a German target is the key US calls Z (0x1D).
    ['de', ev('y', 'KeyY'), ['0x1d', '-']],
    ['de', ev('Y', 'KeyY', { shiftKey: true }), ['LShift', 'LShift+0x1d', '-']],
    // A US user's @ (Shift+2) becomes AltGr+Q on de.
    ['de', ev('@', 'Digit2', { shiftKey: true }), ['RAlt', 'RAlt+0x14', '-']],
    // é composed locally (the browser reports the finished character) is a dead-key pair on de.
    ['de', ev('é', 'Digit2'), ['0x2e', '-', '0x08', '-']],
    // AltGr on Windows reads as Ctrl+Alt; with altGraph set it is a character, not a shortcut.
    ['fr', ev('€', 'KeyE', { ctrlKey: true, altKey: true, altGraph: true }), ['RAlt', 'RAlt+0x08', '-']],
    ['us', ev('q', 'KeyA'), ['0x14', '-']],
    ['us', ev(' ', 'Space'), ['0x2c', '-']],
  ])('%s target: %j types %j', async (target, e, reports) => {
    expect(await translate(target, e)).toEqual({ kind: 'type', reports });
  });

  it('follows the target Caps Lock: a types Shift+A when it is on', async () => {
    expect(await translate('us', ev('a', 'KeyA'), true)).toEqual({
      kind: 'type',
      reports: ['LShift', 'LShift+0x04', '-'],
    });
  });

  it.each([
    ['Ctrl+C stays on the key pressed', ev('c', 'KeyC', { ctrlKey: true }), 0x06],
    ['Ctrl+Z on AZERTY (code KeyW) stays KeyW', ev('z', 'KeyW', { ctrlKey: true }), 0x1a],
    ['Alt+F', ev('f', 'KeyF', { altKey: true }), 0x09],
    ['Meta+L', ev('l', 'KeyL', { metaKey: true }), 0x0f],
    ['Enter', ev('Enter', 'Enter'), 0x28],
    ['Backspace', ev('Backspace', 'Backspace'), 0x2a],
    ['Tab', ev('Tab', 'Tab'), 0x2b],
    ['ArrowLeft', ev('ArrowLeft', 'ArrowLeft'), 0x50],
    ['F5', ev('F5', 'F5'), 0x3e],
    ['Shift alone', ev('Shift', 'ShiftLeft', { shiftKey: true }), 0xe1],
    ['AltGraph alone', ev('AltGraph', 'AltRight'), 0xe6],
    ['CapsLock', ev('CapsLock', 'CapsLock'), 0x39],
    ['Numpad 1', ev('1', 'Numpad1'), 0x59],
  ])('%s is positional', async (_, e, usage) => {
    expect(await translate('de', e)).toEqual({ kind: 'positional', usage });
  });

  it.each([
    ['Dead', ev('Dead', 'BracketLeft')],
    ['Process (IME)', ev('Process', 'KeyA')],
    ['a code with no HID usage', ev('MediaPlayPause', 'MediaPlayPause')],
  ])('ignores %s', async (_, e) => {
    expect(await translate('de', e)).toEqual({ kind: 'ignore' });
  });

  it('reports characters the target cannot type', async () => {
    expect(await translate('us', ev('ü', 'BracketLeft'))).toEqual({ kind: 'untypable', char: 'ü' });
    expect(await translate('ru', ev('q', 'KeyQ'))).toEqual({ kind: 'untypable', char: 'q' });
  });
});
