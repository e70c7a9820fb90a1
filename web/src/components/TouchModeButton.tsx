import { Show } from 'solid-js';
import type { TouchMode } from '../lib/input/sources/touch.ts';

/** True on a device with a touch screen (Pointer Events 3 `maxTouchPoints`, or a coarse pointer). */
export function hasTouch(): boolean {
  return navigator.maxTouchPoints > 0 || matchMedia('(any-pointer: coarse)').matches;
}

const LABEL: Record<TouchMode, string> = { direct: 'Touch: direct', trackpad: 'Touch: trackpad' };
const TITLE: Record<TouchMode, string> = {
  direct:
    'Taps click where they land; long press right-clicks; double tap and drag drags; two fingers scroll, pinch zooms. Tap to use the screen as a trackpad.',
  trackpad:
    'One finger moves the pointer like a trackpad; tap clicks; two fingers scroll, pinch zooms. Tap to click where you touch instead.',
};

/** The toolbar's touch mode toggle (Direct ↔ Trackpad), shown only on touch devices. */
export function TouchModeButton(props: { mode: TouchMode; onChange: (m: TouchMode) => void }) {
  return (
    <Show when={hasTouch()}>
      <button
        data-testid="touch-mode"
        data-mode={props.mode}
        title={TITLE[props.mode]}
        onClick={() => props.onChange(props.mode === 'direct' ? 'trackpad' : 'direct')}
      >
        {LABEL[props.mode]}
      </button>
    </Show>
  );
}
