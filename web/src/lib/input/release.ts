/**
 * Releasing everything the page holds on the target when the page stops receiving input.
 *
 * Once the page loses focus, its keyups and pointerups go to another window, so a key or button
 * left down on the target would stay down there (and a key would auto-repeat) until something
 * else releases it. The page therefore releases all it holds on each of:
 * - `blur` on the window (another window or tab took the focus, or the focus moved into a frame);
 * - `pagehide` on the window (navigation, reload, tab closed, or the page entering the bfcache);
 * - `visibilitychange` on the document while `document.hidden` (tab switched, window minimised,
 *   phone locked). Page Visibility Level 2 §4; HTML §7.4.4.1 for pagehide.
 */
import { mouseAbsReport, RELEASE_MOUSE_REL, type ClientMessage } from '../../../../protocol/index.ts';

export type FocusLossReason = 'blur' | 'pagehide' | 'hidden';

/**
 * Calls `onLoss` once per focus loss event (see the module comment). `doc.hidden` is read at the
 * time of a visibilitychange; becoming visible again is not a loss.
 * @returns a function removing the listeners
 */
export function watchFocusLoss(
  win: EventTarget,
  doc: EventTarget & { readonly hidden: boolean },
  onLoss: (reason: FocusLossReason) => void,
): () => void {
  const onBlur = (): void => onLoss('blur');
  const onPageHide = (): void => onLoss('pagehide');
  const onVisibility = (): void => {
    if (doc.hidden) onLoss('hidden');
  };
  win.addEventListener('blur', onBlur);
  win.addEventListener('pagehide', onPageHide);
  doc.addEventListener('visibilitychange', onVisibility);
  return () => {
    win.removeEventListener('blur', onBlur);
    win.removeEventListener('pagehide', onPageHide);
    doc.removeEventListener('visibilitychange', onVisibility);
  };
}

/** What the page believes it holds on the target. */
export interface HeldInput {
  /** Keys held (any count; only zero vs. non-zero matters here). */
  keysHeld: number;
  /** HID Button page bits held on the absolute mouse, and where the pointer is (0..32767). */
  mouse: { buttons: number; x: number; y: number };
  /** HID Button page bits held on the relative mouse (pointer lock); 0 if omitted. */
  relButtons?: number;
  /** A batch (paste) is playing on the bridge: it owns the keyboard and releases at its end. */
  batchActive: boolean;
}

/**
 * The messages that release `held`, in order.
 * - Normally one `release-all` (protocol/hid.ts): the bridge writes all-keys-up and
 *   all-buttons-up on every device, keeping the pointer where it is. It is sent even when the
 *   page thinks nothing is held, since it is idempotent and the page may be wrong (a key pressed
 *   in a window that never told us).
 * - While a batch plays, `release-all` would cut into it (a Shift step released under a
 *   character) and a keyboard report is refused 'busy', so only held mouse buttons are released:
 *   with an absolute report at the same position and no buttons, and a relative report with no
 *   motion and no buttons.
 */
export function releaseMessages(held: HeldInput): ClientMessage[] {
  if (!held.batchActive) return [{ type: 'release-all' }];
  const out: ClientMessage[] = [];
  if (held.mouse.buttons !== 0)
    out.push({
      type: 'mouse',
      report: mouseAbsReport({ buttons: 0, x: held.mouse.x, y: held.mouse.y, wheel: 0, pan: 0 }),
    });
  if (held.relButtons) out.push({ type: 'mouse-rel', report: new Uint8Array(RELEASE_MOUSE_REL) });
  return out;
}
