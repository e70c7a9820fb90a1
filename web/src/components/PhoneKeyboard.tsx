import { createSignal, onCleanup, Show } from 'solid-js';
import type { InputController } from '../lib/input/controller.ts';
import type { TextInputNotice, TextInputSource, TextTyping } from '../lib/input/sources/text-input.ts';
import type { Settings } from '../lib/settings.ts';
import { UnicodeFallbackSelect } from './UnicodeFallbackSelect.tsx';

/**
 * The phone's own keyboard (issue 9 §3): a button that focuses a hidden text field, whose edits
 * lib/input/sources/text-input.ts types on the target in its layout. That module loads on the
 * first tap (it is not needed to show the picture); the focus itself happens in the tap, as iOS
 * only opens its keyboard from a user gesture. What could not be typed is shown under the bar,
 * with the same choice for missing characters that paste offers.
 */
export function PhoneKeyboard(props: {
  /** The one input controller, once the screen exists. */
  controller: InputController | undefined;
  /** The target layout and LEDs, or null while the layout loads. */
  typing: () => TextTyping | null;
  settings: Settings;
  update: (p: Partial<Settings>) => void;
}) {
  let field!: HTMLTextAreaElement;
  let source: TextInputSource | undefined;
  let loading = false;
  const [focused, setFocused] = createSignal(false);
  const [notice, setNotice] = createSignal<TextInputNotice | null>(null);
  const attach = (): void => {
    const ctl = props.controller;
    if (source || loading || !ctl) return;
    loading = true;
    import('../lib/input/sources/text-input.ts').then(
      (m) => {
        field.maxLength = m.FIELD_MAX_LENGTH;
        source = m.attachTextInputSource(field, ctl, { typing: () => props.typing(), onNotice: setNotice });
      },
      (e: unknown) => {
        loading = false;
        setNotice({ code: 'no-layout', message: `The keyboard field failed to load: ${String(e)}` });
      },
    );
  };
  onCleanup(() => source?.dispose());
  const toggle = (): void => {
    if (document.activeElement === field) return field.blur();
    field.focus({ preventScroll: true });
    attach();
  };
  return (
    <>
      <button
        class="phone-keyboard-button"
        data-testid="phone-keyboard"
        title="Type with this device's own keyboard (the phone's or tablet's), in the target's layout"
        aria-pressed={focused()}
        disabled={!props.controller}
        // Keep the focus in the field: a tap on the button must not close the soft keyboard first.
        onPointerDown={(e) => {
          if (focused()) e.preventDefault();
        }}
        onClick={toggle}
      >
        ✎ Type
      </button>
      <textarea
        ref={field}
        class="phone-keyboard-field"
        data-testid="phone-keyboard-field"
        aria-label="Text typed on the target"
        rows={1}
        autocomplete="off"
        autocorrect="off"
        autocapitalize="off"
        spellcheck={false}
        inputmode="text"
        enterkeyhint="enter"
        onFocus={() => {
          setFocused(true);
          attach();
        }}
        onBlur={() => setFocused(false)}
      />
      <Show when={notice()}>
        {(n) => (
          <div class="phone-keyboard-notice" role="status" data-testid="phone-keyboard-notice" data-code={n().code}>
            <span>{n().message}</span>
            <Show when={n().code === 'untypable'}>
              <UnicodeFallbackSelect
                testId="phone-keyboard-fallback"
                value={props.settings.unicodeFallback}
                onChange={(f) => props.update({ unicodeFallback: f })}
              />
            </Show>
            <button aria-label="Dismiss" onPointerDown={(e) => e.preventDefault()} onClick={() => setNotice(null)}>
              ×
            </button>
          </div>
        )}
      </Show>
    </>
  );
}
