/**
 * Fullscreen with Keyboard Lock (WICG Keyboard Lock, `navigator.keyboard.lock()`), so Esc,
 * Alt+Tab, Meta and the like reach the target instead of the local system. Keyboard Lock only
 * takes effect in fullscreen that the page requested, and where the browser has it (Chromium);
 * elsewhere fullscreen still works and those keys stay with the local system. With the lock on,
 * Chromium leaves fullscreen when Esc is held (about 2 s), and a short Esc goes to the target.
 */

/** WICG Keyboard Lock §2 (Keyboard interface), not in TypeScript's lib.dom. */
interface KeyboardLock {
  /** Codes to capture (KeyboardEvent.code values), or all keys when omitted. */
  lock(keyCodes?: string[]): Promise<void>;
  unlock(): void;
}
type NavigatorWithKeyboard = Navigator & { keyboard?: Partial<KeyboardLock> };

/** `navigator.keyboard` when it has lock/unlock, else undefined (feature detection). */
export function keyboardLockApi(nav: Navigator = navigator): KeyboardLock | undefined {
  const k = (nav as NavigatorWithKeyboard).keyboard;
  return k && typeof k.lock === 'function' && typeof k.unlock === 'function' ? (k as KeyboardLock) : undefined;
}

export interface FullscreenState {
  fullscreen: boolean;
  /** Keyboard Lock is active (the system keys reach the target). */
  keyboardLocked: boolean;
}

/** What the UI says about leaving fullscreen. */
export function leaveFullscreenHint(s: FullscreenState): string {
  if (!s.fullscreen) return '';
  return s.keyboardLocked
    ? 'Full screen: Esc, Alt+Tab and the Windows key go to the target. Press and hold Esc to leave full screen.'
    : 'Full screen: press Esc to leave (this browser cannot send Esc, Alt+Tab or the Windows key to the target).';
}

/**
 * Enters fullscreen on `el` and locks the keyboard where available, or leaves if `el` is already
 * fullscreen. Needs a user gesture. Refusals are logged and reported in the returned state.
 */
export async function toggleFullscreen(el: Element, doc: Document = document): Promise<FullscreenState> {
  const kb = keyboardLockApi();
  if (doc.fullscreenElement) {
    kb?.unlock();
    await doc.exitFullscreen().catch((e: unknown) => console.warn('exitFullscreen failed', e));
    return { fullscreen: false, keyboardLocked: false };
  }
  try {
    await el.requestFullscreen({ navigationUI: 'hide' });
  } catch (e) {
    console.warn('requestFullscreen refused', e);
    return { fullscreen: false, keyboardLocked: false };
  }
  if (!kb) return { fullscreen: true, keyboardLocked: false };
  try {
    await kb.lock();
    return { fullscreen: true, keyboardLocked: true };
  } catch (e) {
    console.warn('keyboard lock refused', e);
    return { fullscreen: true, keyboardLocked: false };
  }
}

/** Calls `onChange` on every fullscreenchange; unlocks the keyboard when fullscreen ends. */
export function watchFullscreen(doc: Document, onChange: (fullscreen: boolean) => void): () => void {
  const on = (): void => {
    const fs = doc.fullscreenElement !== null;
    if (!fs) keyboardLockApi()?.unlock();
    onChange(fs);
  };
  doc.addEventListener('fullscreenchange', on);
  return () => doc.removeEventListener('fullscreenchange', on);
}
