/**
 * Translated typing: the user's key press is re-typed as the *character* it made (`key`) on the
 * target's layout, so a French AZERTY user typing `a` into a German target gets `a`, whatever
 * key that is there. Pure.
 *
 * What stays positional (the key at the same place, by `code`, held while held):
 * - shortcuts: any press with Ctrl, Alt or Meta (Ctrl+C is about the key, not the letter), except
 *   AltGr, which browsers on Windows report as Ctrl+Alt: pass `altGraph`
 *   (`e.getModifierState('AltGraph')`) and AltGr characters are translated;
 * - keys that are not characters: Enter, Tab, Backspace, arrows, F-keys, modifiers, and the
 *   numpad (same meaning on every layout).
 *
 * A `Dead` key press makes nothing yet: the browser reports the composed character with the next
 * key press, which is then typed (as a dead-key pair on the target if need be). `Process`
 * (an IME composing) is ignored the same way.
 */
import type { BatchStep } from '../../../../protocol/hid.ts';
import { hidUsageForCode } from '../input/keycodes.ts';
import { strokesFor } from './keystrokes.ts';
import type { Layout } from './layout.ts';
import { sequenceToSteps, type StepTiming } from './sequence.ts';
import { strokeOn } from './unicode-input.ts';

/** The fields of a KeyboardEvent that matter here. */
export interface KeyEventLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  /** `e.getModifierState('AltGraph')`: Ctrl+Alt is AltGr, not a shortcut. */
  altGraph?: boolean;
}

export type Translation =
  /** Send as today: press/hold/release HID usage `usage` (page 0x07) by position. */
  | { kind: 'positional'; usage: number }
  /** A complete press-and-release sequence (starts and ends all-up); swallow the key's keyup. */
  | { kind: 'type'; char: string; steps: BatchStep[] }
  /** A character the target layout cannot type; nothing to send. */
  | { kind: 'untypable'; char: string }
  /** Nothing to send (dead key or IME composing, or a code with no HID usage). */
  | { kind: 'ignore' };

export interface TranslateOptions extends Partial<StepTiming> {
  /** The target's Caps Lock LED is on. */
  capsLock: boolean;
}

const COMPOSING_KEYS = new Set(['Dead', 'Process']);

/** A single printable code point (not a named key like `Enter`, not a control character). */
function printable(key: string): boolean {
  const cp = key.codePointAt(0);
  return cp !== undefined && String.fromCodePoint(cp) === key && cp >= 0x20 && !(cp >= 0x7f && cp < 0xa0);
}

export function translateKey(e: KeyEventLike, layout: Layout, opts: TranslateOptions): Translation {
  const positional = (): Translation => {
    const usage = hidUsageForCode(e.code);
    return usage === undefined ? { kind: 'ignore' } : { kind: 'positional', usage };
  };
  if (COMPOSING_KEYS.has(e.key)) return { kind: 'ignore' };
  const altGr = e.altGraph === true;
  const shortcut = e.metaKey || (!altGr && (e.ctrlKey || e.altKey));
  if (shortcut || !printable(e.key) || e.code.startsWith('Numpad')) return positional();
  const strokes = strokesFor(layout, e.key, { capsLock: opts.capsLock });
  if (!strokes) return { kind: 'untypable', char: e.key };
  const units = [{ strokes: strokes.map((k) => strokeOn(layout, k)) }];
  return {
    kind: 'type',
    char: e.key,
    steps: sequenceToSteps(units, { reportDelayMs: opts.reportDelayMs ?? 0, charDelayMs: opts.charDelayMs ?? 0 }),
  };
}
