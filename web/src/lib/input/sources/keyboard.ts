/**
 * The physical keyboard as an input source: keydown/keyup on the window (capture phase) become
 * keyDown/keyUp of their `KeyboardEvent.code`'s HID usage (keycodes.ts) on the controller, or, in
 * translated typing, whole report sequences for the character the user sees (layouts/translate.ts).
 */
import { translateKey, type Layout } from '../../layouts/index.ts';
import type { InputController } from '../controller.ts';
import { hidUsageForCode } from '../keycodes.ts';
import { isOwnTextField } from './own-field.ts';

export interface KeyboardSourceOptions {
  /**
   * Translated typing: the target's layout and its Caps Lock LED, or null for positional typing
   * (KeyboardEvent.code to the same key).
   */
  translation(): { layout: Layout; capsLock: boolean } | null;
}

/**
 * Listens on `root` until the returned function is called.
 * - Anything with a HID usage belongs to the target, so its default is prevented (Tab, F5, and
 *   Ctrl+W where the browser lets us); browser auto-repeats of a held key are swallowed (the
 *   target's own typematic repeats).
 * - Keys typed into the PWA's own fields stay there.
 * - While input may not be sent, keys keep their browser default and a keydown asks for control.
 */
export function attachKeyboardSource(root: Window, ctl: InputController, opts: KeyboardSourceOptions): () => void {
  /** Keys whose keydown was typed as a whole translated sequence: their keyup is swallowed. */
  const typed = new Set<string>();
  const stopRelease = ctl.onRelease(() => typed.clear());

  const onKey = (e: KeyboardEvent): void => {
    if (isOwnTextField(e.target)) return;
    const down = e.type === 'keydown';
    if (!ctl.admit(down)) return;
    if (!down && typed.delete(e.code)) {
      e.preventDefault();
      return;
    }
    const tr = down ? opts.translation() : null;
    if (tr) {
      const t = translateKey(
        {
          key: e.key,
          code: e.code,
          ctrlKey: e.ctrlKey,
          altKey: e.altKey,
          metaKey: e.metaKey,
          shiftKey: e.shiftKey,
          altGraph: e.getModifierState('AltGraph'),
        },
        tr.layout,
        { capsLock: tr.capsLock },
      );
      if (t.kind !== 'positional') {
        e.preventDefault();
        if (t.kind === 'type') {
          typed.add(e.code);
          ctl.typeReports(t.steps.map((s) => s.report));
        }
        return;
      }
    }
    const usage = hidUsageForCode(e.code);
    if (usage === undefined) {
      if (!down) e.preventDefault();
      return;
    }
    e.preventDefault();
    if (down) ctl.keyDown(usage, 'keyboard');
    else ctl.keyUp(usage, 'keyboard');
  };

  root.addEventListener('keydown', onKey, { capture: true });
  root.addEventListener('keyup', onKey, { capture: true });
  return () => {
    stopRelease();
    root.removeEventListener('keydown', onKey, { capture: true });
    root.removeEventListener('keyup', onKey, { capture: true });
  };
}
