import type { ClientMessage } from '../../../protocol/index.ts';
import { makeInputController, type InputController, type ReleaseReason } from './input/controller.ts';
import type { Size } from './input/pointer.ts';
import { watchFocusLoss } from './input/release.ts';
import { attachKeyboardSource } from './input/sources/keyboard.ts';
import { attachMouseAbsoluteSource } from './input/sources/mouse-absolute.ts';
import { attachPointerLockSource, type PointerLockSource } from './input/sources/pointer-lock.ts';
import type { Layout } from './layouts/index.ts';
import { addReleaseHook } from '../pwa/release-hooks.ts';

export interface ForwardingTarget {
  /** Sends if connected; false means the input was dropped (never replayed later). */
  send(m: ClientMessage): boolean;
  /**
   * True while input may go to the target: connected, and this page holds control. Otherwise
   * input is dropped here (a viewer's input is never sent; the bridge would refuse it anyway).
   */
  mayInput(): boolean;
  /** A batch (paste) is playing on the bridge. */
  batchActive(): boolean;
  /** A key or button was pressed while input may not be sent (e.g. to ask for control). */
  blockedInput(): void;
  /** The target's screen size in pixels, for letterboxing; 0×0 before the first frame. */
  videoSize(): Size;
  /**
   * Translated typing: the target's layout and its Caps Lock LED, or null for positional typing
   * (KeyboardEvent.code to the same key).
   */
  translation(): { layout: Layout; capsLock: boolean } | null;
  /** Pointer lock was entered or left. */
  onPointerLock?(locked: boolean): void;
}

export interface InputForwarding {
  /** The one controller; future sources (on-screen keyboard, phone text field, touch) attach to it. */
  controller: InputController;
  pointerLock: PointerLockSource;
  /**
   * Input may no longer be sent (disconnect, or control lost): forgets what is held. The bridge
   * has released it on the target already (it releases on every hand-over and disconnect), and a
   * `release-all` from a page that no longer controls would only be refused.
   */
  inputLost(reason: Extract<ReleaseReason, 'disconnect' | 'control-lost'>): void;
  /** Releases what is held and removes every listener. */
  dispose(): void;
}

/**
 * Forwards the keyboard (on `keyRoot`) and the pointer (on `surface`, the video canvas: absolute,
 * or relative under pointer lock) as HID reports through one input controller
 * (input/controller.ts). Keys and buttons stay held while held, and are all released on the
 * target when the page loses focus, is hidden or is left (input/release.ts), and when the mouse
 * source switches (pointer lock entered or left).
 */
export function forwardInput(keyRoot: Window, surface: HTMLElement, target: ForwardingTarget): InputForwarding {
  const controller = makeInputController({
    send: (m) => target.send(m),
    mayInput: () => target.mayInput(),
    batchActive: () => target.batchActive(),
    blockedInput: () => target.blockedInput(),
  });
  const stopKeyboard = attachKeyboardSource(keyRoot, controller, { translation: () => target.translation() });
  const pointerLock = attachPointerLockSource(surface, keyRoot.document, controller, (l) => target.onPointerLock?.(l));
  const stopMouse = attachMouseAbsoluteSource(surface, controller, {
    videoSize: () => target.videoSize(),
    active: () => !pointerLock.locked(),
  });
  const stopWatch = watchFocusLoss(keyRoot, keyRoot.document, (reason) => controller.releaseAll(reason));
  // An update's reload (pwa/register.ts) releases first, before the page is about to be hidden.
  const stopUpdateHook = addReleaseHook(() => controller.releaseAll('pagehide'));
  const noMenu = (e: Event): void => e.preventDefault();
  surface.addEventListener('contextmenu', noMenu);
  return {
    controller,
    pointerLock,
    inputLost: (reason) => controller.releaseAll(reason),
    dispose: () => {
      controller.dispose();
      stopWatch();
      stopUpdateHook();
      stopKeyboard();
      stopMouse();
      pointerLock.dispose();
      surface.removeEventListener('contextmenu', noMenu);
    },
  };
}
