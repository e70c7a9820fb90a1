import { beforeAll, describe, expect, it } from 'vitest';
import type { BatchStep } from '../../../protocol/hid.ts';
import type { ClientMessage } from '../../../protocol/index.ts';
import { makeInputController } from '../../../web/src/lib/input/controller.ts';
import {
  attachTextInputSource,
  diffText,
  MAX_COMMIT_CHARS,
  PAD,
  type TextInputNotice,
} from '../../../web/src/lib/input/sources/text-input.ts';
import { loadLayout } from '../../../web/src/lib/layouts/catalogue.ts';
import type { Layout } from '../../../web/src/lib/layouts/layout.ts';
import { describeReport, typeOnModel } from '../layouts/helpers.ts';

/** A text field as a browser edits it: value and caret, the edit applied unless beforeinput is prevented. */
class FakeField extends EventTarget {
  value = '';
  selectionStart: number | null = 0;
  selectionEnd: number | null = 0;
  setSelectionRange(start: number, end: number): void {
    this.selectionStart = start;
    this.selectionEnd = end;
  }
  private fire(type: string, init: Record<string, unknown>, cancelable = false): boolean {
    return this.dispatchEvent(Object.assign(new Event(type, { cancelable }), init));
  }
  /** beforeinput, then (unless prevented) the edit at the caret and input. */
  edit(inputType: string, data: string | null, edit: (before: string) => string, composing = false): boolean {
    const cancelable = !inputType.includes('Composition');
    if (!this.fire('beforeinput', { inputType, data, isComposing: composing }, cancelable)) return false;
    this.value = edit(this.value);
    this.setSelectionRange(this.value.length, this.value.length);
    this.fire('input', { inputType, data, isComposing: composing });
    return true;
  }
  key(type: 'keydown' | 'keyup', key: string, code = '', mods: Record<string, unknown> = {}): boolean {
    const keyCode = key === 'Unidentified' ? 229 : 0;
    const init = {
      key,
      code,
      keyCode,
      isComposing: false,
      repeat: false,
      ctrlKey: false,
      altKey: false,
      shiftKey: false,
      metaKey: false,
      getModifierState: () => false,
      ...mods,
    };
    return this.fire(type, init, true);
  }
  /** Android (Gboard): keydown 229, the composition grows, keyup 229. */
  compose(texts: string[], commit?: string): void {
    let base: string | undefined;
    this.fire('compositionstart', {});
    for (const t of texts) {
      this.key('keydown', 'Unidentified');
      base ??= this.value;
      this.edit('insertCompositionText', t, () => base! + t, true);
      this.key('keyup', 'Unidentified');
    }
    if (commit !== undefined) this.value = base! + commit;
    this.fire('compositionend', { data: commit ?? texts[texts.length - 1] });
  }
  /** iOS: a real keydown (not prevented by the source), then insertText. */
  iosType(text: string): void {
    for (const ch of text) {
      this.key('keydown', ch, '');
      this.edit('insertText', ch, (v) => v + ch);
      this.key('keyup', ch, '');
    }
  }
  backspace229(): void {
    this.key('keydown', 'Unidentified');
    this.edit('deleteContentBackward', null, (v) => v.slice(0, -1));
    this.key('keyup', 'Unidentified');
  }
}

let fr: Layout;
let us: Layout;
let de: Layout;
beforeAll(async () => {
  [fr, us, de] = await Promise.all([loadLayout('fr'), loadLayout('us'), loadLayout('de')]);
});

function setup(layout: () => Layout, opts: { mayInput?: () => boolean } = {}) {
  const reports: Uint8Array[] = [];
  const notices: TextInputNotice[] = [];
  let blocked = 0;
  const ctl = makeInputController({
    send: (m: ClientMessage) => {
      if (m.type === 'keyboard') reports.push(m.report);
      return true;
    },
    mayInput: opts.mayInput ?? (() => true),
    batchActive: () => false,
    blockedInput: () => blocked++,
  });
  const field = new FakeField();
  const source = attachTextInputSource(field, ctl, {
    typing: () => ({ layout: layout(), capsLock: false, numLock: true, unicodeFallback: 'skip' }),
    onNotice: (n) => notices.push(n),
  });
  /** What the target shows after the reports: typed by the layout model, Backspace deletes. */
  const text = (): string => {
    let out = '';
    let chunk: BatchStep[] = [];
    let prevBackspace = false;
    const flush = (): void => {
      const r = typeOnModel(chunk, layout(), { capsLock: false });
      expect(r.violations).toEqual([]);
      out += r.text;
      chunk = [];
    };
    for (const report of reports) {
      const backspace = report.subarray(2).includes(0x2a);
      if (backspace && !prevBackspace) {
        flush();
        out = [...out].slice(0, -1).join('');
      } else if (!backspace) chunk.push({ device: 'keyboard', report, delayMs: 0 });
      prevBackspace = backspace;
    }
    flush();
    return out;
  };
  return { ctl, field, source, reports, notices, text, blocked: () => blocked };
}

describe('diffText', () => {
  it.each([
    ['abc', 'abcd', 0, 'd'],
    ['abcd', 'abc', 1, ''],
    ['teh', 'the', 2, 'he'],
    ['x😀', 'x', 1, ''],
    ['x😀', 'x😁', 1, '😁'],
    ['ab', 'ab', 0, ''],
    ['', 'héllo', 0, 'héllo'],
  ])('%j → %j removes %i and adds %j', (before, after, removed, added) => {
    expect(diffText(before, after)).toEqual({ removed, added });
  });
});

describe('text-field source: Android (keyCode 229, composition)', () => {
  it('types nothing before compositionend, then the committed word in the target layout', () => {
    const s = setup(() => fr);
    s.field.compose(['c', 'ca', 'caf', 'café']);
    expect(s.text()).toBe('café');
    s.reports.length = 0;
    s.field.compose(['ç', 'ça']);
    expect(s.text()).toBe('ça');
  });

  it('types nothing while composing, even with 229 keydowns', () => {
    const s = setup(() => fr);
    s.field.dispatchEvent(new Event('compositionstart'));
    s.field.key('keydown', 'Unidentified');
    s.field.edit('insertCompositionText', 'é', (v) => v + 'é', true);
    s.field.key('keyup', 'Unidentified');
    expect(s.reports).toEqual([]);
  });

  it('Backspace in the middle of a composed word edits the word before anything is typed', () => {
    const s = setup(() => de);
    // "grüm" → Backspace → "grü" → "grün"
    s.field.compose(['g', 'gr', 'grü', 'grüm', 'grü', 'grün']);
    expect(s.text()).toBe('grün');
  });

  it('Backspace after a commit deletes on the target, and the field stays short', () => {
    const s = setup(() => de);
    s.field.compose(['T', 'Ta', 'Tas', 'Tase']);
    s.field.edit('insertText', ' ', (v) => v + ' ');
    s.field.backspace229();
    s.field.backspace229();
    s.field.compose(['ß', 'ße']);
    expect(s.text()).toBe('Tasße');
    expect(s.field.value).toBe(PAD);
  });

  it('an autocorrected commit (the IME replaces the composition on commit) types the final text', () => {
    const s = setup(() => us);
    s.field.compose(['t', 'te', 'teh'], 'the');
    expect(s.text()).toBe('the');
  });

  it('Enter from the soft keyboard (keyCode 13) is the Enter key, and the field keeps its value', () => {
    const s = setup(() => us);
    const notPrevented = s.field.key('keydown', 'Enter', 'Enter');
    s.field.key('keyup', 'Enter', 'Enter');
    expect(notPrevented).toBe(false);
    expect(s.reports.map(describeReport)).toEqual(['0x28', '-']);
    expect(s.field.value).toBe(PAD);
  });
});

describe('text-field source: iOS (beforeinput)', () => {
  it('insertText types each character at once, in order', () => {
    const s = setup(() => fr);
    s.field.iosType('Où ça?');
    expect(s.text()).toBe('Où ça?');
    expect(s.field.value).toBe(PAD);
  });

  it('deleteContentBackward is Backspace; a real Backspace keydown is sent once, not twice', () => {
    const s = setup(() => us);
    s.field.iosType('abc');
    s.field.edit('deleteContentBackward', null, (v) => v.slice(0, -1));
    // A hardware or iOS keyboard's real Backspace keydown: sent as the key, the field untouched.
    const notPrevented = s.field.key('keydown', 'Backspace', 'Backspace');
    s.field.key('keyup', 'Backspace', 'Backspace');
    expect(notPrevented).toBe(false);
    s.field.iosType('x');
    expect(s.text()).toBe('ax');
  });

  it('insertReplacementText (a suggestion) replaces what it covers', () => {
    const s = setup(() => us);
    s.field.edit('insertReplacementText', 'the', (v) => v.slice(0, -1) + 'the');
    // The replaced pad character is a Backspace on the target, before the text.
    expect(s.reports.map(describeReport).slice(0, 2)).toEqual(['0x2a', '-']);
    expect(s.text()).toBe('the');
  });

  it('insertLineBreak and Tab are Enter and Tab', () => {
    const s = setup(() => us);
    s.field.edit('insertLineBreak', null, (v) => v + '\n');
    s.field.edit('insertText', '\t', (v) => v + '\t');
    expect(s.reports.map(describeReport)).toEqual(['0x28', '-', '0x2b', '-']);
  });

  it('arrows and Tab with an empty code (soft keyboards) are sent by key, held while held', () => {
    const s = setup(() => us);
    s.field.key('keydown', 'ArrowLeft', '');
    expect(s.ctl.heldKeys()).toEqual([0x50]);
    s.field.key('keydown', 'ArrowLeft', '', { repeat: true });
    s.field.key('keyup', 'ArrowLeft', '');
    s.field.key('keydown', 'Tab', 'Tab', { shiftKey: true });
    s.field.key('keyup', 'Tab', 'Tab', { shiftKey: true });
    expect(s.reports.map(describeReport)).toEqual(['0x50', '-', 'LShift', 'LShift+0x2b', 'LShift', '-']);
  });

  it('keeps what other sources hold: an on-screen Ctrl plus a typed c is Ctrl+C', () => {
    const s = setup(() => us);
    s.ctl.keyDown(0xe0, 'on-screen-keyboard');
    s.reports.length = 0;
    s.field.iosType('c');
    expect(s.reports.map(describeReport)).toEqual(['LCtrl+0x06', 'LCtrl']);
  });
});

describe('text-field source: untypable characters and bounds', () => {
  it('skips characters the layout lacks and reports them', () => {
    const s = setup(() => us);
    s.field.iosType('aéb');
    expect(s.text()).toBe('ab');
    expect(s.notices).toEqual([expect.objectContaining({ code: 'untypable', chars: ['é'] })]);
  });

  it('refuses a 1 MB insertText before it reaches the field, quickly, and reports it', () => {
    const s = setup(() => us);
    const big = 'x'.repeat(1 << 20);
    const t0 = performance.now();
    const applied = s.field.edit('insertFromPaste', big, (v) => v + big);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(applied).toBe(false);
    expect(s.field.value).toBe(PAD);
    expect(s.reports).toEqual([]);
    expect(s.notices).toEqual([expect.objectContaining({ code: 'too-long', length: 1 << 20 })]);
  });

  it('types nothing of a 1 MB commit it could not refuse (a composition), and resets the field', () => {
    const s = setup(() => us);
    const big = 'y'.repeat(1 << 20);
    const t0 = performance.now();
    s.field.compose([big]);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(s.reports).toEqual([]);
    expect(s.field.value).toBe(PAD);
    expect(s.notices[0]).toMatchObject({ code: 'too-long' });
  });

  it('types a commit of exactly the limit, and refuses one character more', () => {
    const s = setup(() => us);
    s.field.edit('insertFromPaste', 'a'.repeat(MAX_COMMIT_CHARS), (v) => v + 'a'.repeat(MAX_COMMIT_CHARS));
    expect(s.text()).toBe('a'.repeat(MAX_COMMIT_CHARS));
    s.reports.length = 0;
    s.field.edit('insertFromPaste', 'b'.repeat(MAX_COMMIT_CHARS + 1), (v) => v + 'b');
    expect(s.reports).toEqual([]);
    expect(s.notices.at(-1)).toMatchObject({ code: 'too-long' });
  });

  it('sends nothing while the page may not send input, and asks for control once', () => {
    const s = setup(() => us, { mayInput: () => false });
    s.field.iosType('a');
    expect(s.reports).toEqual([]);
    expect(s.blocked()).toBe(1);
    expect(s.field.value).toBe(PAD);
  });

  it('types what was typed before it attached (the module loads on the first tap)', async () => {
    const reports: Uint8Array[] = [];
    const ctl = makeInputController({
      send: (m) => {
        if (m.type === 'keyboard') reports.push(m.report);
        return true;
      },
      mayInput: () => true,
      batchActive: () => false,
      blockedInput: () => {},
    });
    const field = new FakeField();
    field.value = 'hi';
    attachTextInputSource(field, ctl, {
      typing: () => ({ layout: us, capsLock: false, numLock: true, unicodeFallback: 'skip' }),
    });
    expect(reports.map(describeReport)).toEqual(['0x0b', '-', '0x0c', '-']);
    expect(field.value).toBe(PAD);
    await Promise.resolve();
  });
});
