/**
 * The phone's own keyboard as an input source (issue 9 §3): a hidden text field whose edits are
 * typed on the target in its layout, the way paste is (layouts/planner.ts), through the one
 * input controller as source 'text-field'.
 *
 * How edits become keystrokes (after noVNC's value diffing and Guacamole's padded field, see
 * shared/research/kvm-anchors-wave2.md §1c):
 * - The field holds {@link PAD} plus what was typed since the last commit. On every committed
 *   change the new value is diffed against the last one: removed code points become Backspace
 *   taps, added text is planned for the target layout (planText) and typed. Then the field is
 *   reset to PAD, so it stays short and each diff is cheap; PAD gives Backspace something to
 *   delete, so a soft keyboard still reports it.
 * - Android (keydown keyCode 229, key 'Unidentified'): nothing is typed while an IME composition
 *   is open; its committed text is diffed at `compositionend`.
 * - iOS and others: `beforeinput`/`input` with insertText, insertReplacementText (autocorrect or
 *   a suggestion), deleteContentBackward, insertLineBreak: all are diffs of the field.
 * - Keys that do not edit text (Enter, Tab, Esc, the arrows, Home/End, Delete, F-keys) and
 *   shortcuts (Ctrl/Alt/Meta held, from a tablet's hardware keyboard) arrive as real keydowns:
 *   they are held on the target by HID usage while held, and the field keeps its value.
 * - Bounds: one commit types at most {@link MAX_COMMIT_CHARS} UTF-16 units and
 *   {@link MAX_COMMIT_REPORTS} reports (the bridge queues 1024 per device); a longer insert (a
 *   1 MB paste into the field) is refused before it reaches the field where the browser lets us,
 *   and in any case nothing of it is typed, and `onNotice` says so.
 * - Characters the layout lacks follow the paste setting (skip, or the target OS's Unicode
 *   entry); skipped ones are reported through `onNotice`.
 *
 * Keys other sources hold (an on-screen Ctrl, say) stay held through the typed reports, so an
 * on-screen Ctrl plus a typed `c` is Ctrl+C on the target.
 */
import { isModifierUsage, keyboardReport } from '../../../../../protocol/index.ts';
import { planText, type Layout, type UnicodeFallback } from '../../layouts/index.ts';
import type { InputController } from '../controller.ts';
import { hidUsageForCode } from '../keycodes.ts';

/** The field's content after every reset: zero-width spaces (invisible, never a word or a space). */
export const PAD = '\u200b'.repeat(8);
/** Longest text one commit types, UTF-16 units; longer text is not typed at all (use Paste). */
export const MAX_COMMIT_CHARS = 256;
/** Most reports one commit sends (Backspaces included); the bridge queues at most 1024. */
export const MAX_COMMIT_REPORTS = 768;
/** The field's maxlength, UTF-16 units: what the browser lets into it at all. */
export const FIELD_MAX_LENGTH = 1024;

export type TextInputNoticeCode = 'too-long' | 'untypable' | 'no-layout';

/** Something typed into the field that was not (or not wholly) typed on the target. */
export interface TextInputNotice {
  code: TextInputNoticeCode;
  message: string;
  /** untypable: the characters skipped (unique, in order). */
  chars?: string[];
  /** too-long: the length of the refused text, UTF-16 units. */
  length?: number;
}

/** How text is typed: the target layout, its Caps Lock and Num Lock LEDs, the paste fallback. */
export interface TextTyping {
  layout: Layout;
  capsLock: boolean;
  numLock: boolean;
  unicodeFallback: UnicodeFallback;
}

/** What the source needs of the field: an `<input>` or `<textarea>` (tests pass a fake). */
export interface TextField extends EventTarget {
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
  setSelectionRange(start: number, end: number): void;
}

export interface TextInputOptions {
  /** Null while the target layout is not loaded (nothing is typed then, and it is reported). */
  typing(): TextTyping | null;
  onNotice?(n: TextInputNotice): void;
}

export interface TextInputSource {
  /** Empties the field to PAD (no keystrokes). */
  reset(): void;
  dispose(): void;
}

/** The edit from `before` to `after`: code points removed at the end of the common prefix, text added there. */
export function diffText(before: string, after: string): { removed: number; added: string } {
  const max = Math.min(before.length, after.length);
  let p = 0;
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  // Never cut a surrogate pair.
  if (p > 0 && p < max && isHighSurrogate(before.charCodeAt(p - 1))) p--;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  if (s > 0 && s < max - p && isLowSurrogate(after.charCodeAt(after.length - s))) s--;
  return { removed: codePoints(before, p, before.length - s), added: after.slice(p, after.length - s) };
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
function codePoints(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (!isLowSurrogate(s.charCodeAt(i)) || i === from) n++;
  return n;
}

/** Keys a soft keyboard may send with an empty `code`: their usage by `key`. */
const KEY_USAGE: Record<string, number> = {
  Enter: 0x28,
  Escape: 0x29,
  Backspace: 0x2a,
  Tab: 0x2b,
  Delete: 0x4c,
  Home: 0x4a,
  End: 0x4d,
  PageUp: 0x4b,
  PageDown: 0x4e,
  ArrowRight: 0x4f,
  ArrowLeft: 0x50,
  ArrowDown: 0x51,
  ArrowUp: 0x52,
};
const BARE_MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'OS', 'CapsLock', 'NumLock', 'Fn']);
const BACKSPACE = 0x2a;
const DELETE = 0x4c;
const LEFT_CTRL = 0xe0;
const LEFT_SHIFT = 0xe1;
const LEFT_ALT = 0xe2;
const LEFT_META = 0xe3;

const ALL_UP = keyboardReport({ modifiers: 0, keys: [] });

/** Reports with what other sources hold kept down in each (held modifiers OR'd, held keys first). */
function overHeld(reports: Uint8Array[], held: readonly number[]): Uint8Array[] {
  if (held.length === 0) return reports;
  let mods = 0;
  const keys: number[] = [];
  for (const u of held) {
    if (isModifierUsage(u)) mods |= 1 << (u - 0xe0);
    else keys.push(u);
  }
  return reports.map((r) => {
    const own = [...r.subarray(2)].filter((u) => u !== 0 && !keys.includes(u));
    return keyboardReport({ modifiers: r[0]! | mods, keys: [...keys, ...own] });
  });
}

/**
 * Feeds `field`'s edits and key presses to `ctl` until `dispose()`. The field should have
 * autocomplete, autocorrect, autocapitalize and spellcheck off and maxlength
 * {@link FIELD_MAX_LENGTH} (components/PhoneKeyboard.tsx).
 */
export function attachTextInputSource(field: TextField, ctl: InputController, opts: TextInputOptions): TextInputSource {
  let composing = false;
  let last = '';
  /** Keys this source holds, by the keydown's code (or key): the usages pressed for it, in order. */
  const held = new Map<string, number[]>();

  const notice = (n: TextInputNotice): void => opts.onNotice?.(n);
  const reset = (): void => {
    field.value = PAD;
    last = PAD;
    field.setSelectionRange(PAD.length, PAD.length);
  };
  const tooLong = (length: number): void =>
    notice({
      code: 'too-long',
      length,
      message: `Not typed: ${length} characters at once is more than the keyboard field types (${MAX_COMMIT_CHARS}); use Paste… for long text.`,
    });

  /** Types the edit from the last synced value to the field's value, then resets the field. */
  const sync = (): void => {
    const value = field.value;
    if (value === last) return;
    const { removed, added } = diffText(last, value);
    reset();
    if (added.length > MAX_COMMIT_CHARS || removed > MAX_COMMIT_CHARS) return tooLong(Math.max(added.length, removed));
    if (!ctl.admit(true)) return;
    const reports: Uint8Array[] = [];
    for (let i = 0; i < removed; i++) reports.push(keyboardReport({ modifiers: 0, keys: [BACKSPACE] }), ALL_UP);
    if (added) {
      const typing = opts.typing();
      if (!typing) {
        notice({ code: 'no-layout', message: 'Not typed: the target layout is still loading.' });
        return;
      }
      const plan = planText(added, typing.layout, {
        capsLock: typing.capsLock,
        numLock: typing.numLock,
        unicodeFallback: typing.unicodeFallback,
        reportDelayMs: 0,
        charDelayMs: 0,
      });
      for (const s of plan.steps) reports.push(s.report);
      if (plan.untypable.length > 0) {
        const chars = [...new Set(plan.untypable.map((c) => c.char))];
        notice({
          code: 'untypable',
          chars,
          message: `Skipped ${chars.join(' ')}: the target layout ${typing.layout.name} cannot type ${chars.length === 1 ? 'it' : 'them'}.`,
        });
      }
    }
    if (reports.length > MAX_COMMIT_REPORTS) return tooLong(added.length);
    if (reports.length > 0) ctl.typeReports(overHeld(reports, ctl.heldKeys()));
  };

  const tap = (usage: number): void => {
    if (ctl.keyDown(usage, 'text-field')) ctl.keyUp(usage, 'text-field');
  };

  const onBeforeInput = (ev: Event): void => {
    const e = ev as InputEvent;
    const data = e.data ?? e.dataTransfer?.getData('text/plain') ?? '';
    if (data.length > MAX_COMMIT_CHARS && e.cancelable) {
      e.preventDefault();
      tooLong(data.length);
      return;
    }
    if (composing || e.isComposing) return;
    // Nothing before (or after) the caret: no input event follows, so the key is sent here.
    const collapsed = field.selectionStart === field.selectionEnd;
    if (e.inputType === 'deleteContentBackward' && collapsed && field.selectionStart === 0) tap(BACKSPACE);
    if (e.inputType === 'deleteContentForward' && collapsed && field.selectionStart === field.value.length) tap(DELETE);
  };
  const onInput = (ev: Event): void => {
    if (composing || (ev as InputEvent).isComposing) return;
    sync();
  };
  const onCompositionStart = (): void => {
    composing = true;
  };
  const onCompositionEnd = (): void => {
    composing = false;
    sync();
  };

  const onKeyDown = (ev: Event): void => {
    const e = ev as KeyboardEvent;
    if (e.isComposing || composing || e.keyCode === 229 || e.key === 'Unidentified' || e.key === 'Process') return;
    if (BARE_MODIFIERS.has(e.key) || e.key === 'Dead') return;
    const id = e.code || e.key;
    if (held.has(id)) {
      e.preventDefault(); // the browser's auto-repeat: the target repeats by itself
      return;
    }
    const shortcut = e.metaKey || ((e.ctrlKey || e.altKey) && !e.getModifierState?.('AltGraph'));
    const named = [...e.key].length > 1;
    if (!shortcut && !named) return; // a character: it edits the field, and the diff types it
    const usage = KEY_USAGE[e.key] ?? hidUsageForCode(e.code);
    if (usage === undefined) return;
    e.preventDefault();
    if (!ctl.admit(true)) return;
    const mods: number[] = [];
    if (e.ctrlKey) mods.push(LEFT_CTRL);
    if (e.shiftKey) mods.push(LEFT_SHIFT);
    if (e.altKey) mods.push(LEFT_ALT);
    if (e.metaKey) mods.push(LEFT_META);
    const pressed = [...mods, usage].filter((u) => ctl.keyDown(u, 'text-field'));
    held.set(id, pressed);
  };
  const onKeyUp = (ev: Event): void => {
    const e = ev as KeyboardEvent;
    const id = e.code || e.key;
    const pressed = held.get(id);
    if (!pressed) return;
    held.delete(id);
    e.preventDefault();
    for (const u of [...pressed].reverse()) ctl.keyUp(u, 'text-field');
  };
  /** The field lost focus (the soft keyboard closed): nothing stays held. */
  const onBlur = (): void => {
    if (composing) {
      composing = false;
      sync();
    }
    for (const pressed of held.values()) for (const u of [...pressed].reverse()) ctl.keyUp(u, 'text-field');
    held.clear();
  };
  const stopRelease = ctl.onRelease(() => held.clear());

  const listeners: [string, (e: Event) => void][] = [
    ['beforeinput', onBeforeInput],
    ['input', onInput],
    ['compositionstart', onCompositionStart],
    ['compositionend', onCompositionEnd],
    ['keydown', onKeyDown],
    ['keyup', onKeyUp],
    ['blur', onBlur],
  ];
  for (const [type, fn] of listeners) field.addEventListener(type, fn);
  // Attached after the field got focus (this module loads on first use): what was typed into
  // it before is typed now.
  if (field.value !== '' && field.value !== PAD) {
    last = field.value.startsWith(PAD) ? PAD : '';
    sync();
  } else reset();
  return {
    reset,
    dispose() {
      onBlur();
      stopRelease();
      for (const [type, fn] of listeners) field.removeEventListener(type, fn);
    },
  };
}
