import { mouseAbsReport, type ClientMessage } from '../../../protocol/index.ts';
import { makeKeyboardState } from './input/keyboard-state.ts';
import { buttonsFromMouseEvent, makeWheelAccumulator, mapToAbsolute, type Size } from './input/pointer.ts';
import { releaseMessages, watchFocusLoss } from './input/release.ts';
import { translateKey, type Layout } from './layouts/index.ts';

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
}

/** Events from elements where the user types into the PWA itself are not forwarded. */
function isOwnTextField(t: EventTarget | null): boolean {
  return (
    t instanceof HTMLElement &&
    (t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')
  );
}

/**
 * Forwards the keyboard (on `keyRoot`) and the pointer (on `surface`, the video canvas) as HID
 * reports. Keys and buttons stay held while held, and are all released on the target when the
 * page loses focus, is hidden or is left (input/release.ts). While input may not be sent
 * (disconnected, or another client controls), it is dropped and the local state cleared, so
 * nothing typed meanwhile is sent later.
 * @returns a function releasing what is held and removing every listener
 */
export function forwardInput(keyRoot: Window, surface: HTMLElement, target: ForwardingTarget): () => void {
  const keys = makeKeyboardState();
  const wheel = makeWheelAccumulator();
  /** Keys whose keydown was typed as a whole translated sequence: their keyup is swallowed. */
  const typed = new Set<string>();
  let last = { buttons: 0, x: 0, y: 0 };
  const sendKeys = (report: Uint8Array | null): void => {
    if (report && !target.send({ type: 'keyboard', report })) keys.releaseAll();
  };
  /** Forgets everything held; tells the target too when this page may still send input. */
  const releaseAll = (): void => {
    const held = { keysHeld: keys.held().length, mouse: { ...last }, batchActive: target.batchActive() };
    keys.releaseAll();
    typed.clear();
    wheel.reset();
    last = { ...last, buttons: 0 };
    if (target.mayInput()) for (const m of releaseMessages(held)) target.send(m);
  };
  const sendMouse = (wheelDetents = 0, pan = 0): void => {
    target.send({ type: 'mouse', report: mouseAbsReport({ ...last, wheel: wheelDetents, pan }) });
  };

  const onKey = (e: KeyboardEvent): void => {
    if (isOwnTextField(e.target)) return;
    if (!target.mayInput()) {
      keys.releaseAll();
      typed.clear();
      if (e.type === 'keydown') target.blockedInput();
      return;
    }
    if (e.type === 'keyup' && typed.delete(e.code)) {
      e.preventDefault();
      return;
    }
    const tr = e.type === 'keydown' ? target.translation() : null;
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
          // Each step is a whole report, sent in order; the bridge keeps keyboard order.
          for (const step of t.steps) target.send({ type: 'keyboard', report: step.report });
        }
        return;
      }
    }
    const report = e.type === 'keydown' ? keys.down(e.code) : keys.up(e.code);
    // Anything with a HID usage belongs to the target, including Tab, F5 and Ctrl+W where the
    // browser lets us; repeats of a held key are swallowed too.
    if (report || keys.held().includes(e.code) || e.type === 'keyup') e.preventDefault();
    sendKeys(report);
  };

  const pointerAt = (e: MouseEvent): boolean => {
    const p = mapToAbsolute(e.clientX, e.clientY, surface.getBoundingClientRect(), target.videoSize());
    last = { buttons: buttonsFromMouseEvent(e.buttons), x: p.x, y: p.y };
    return p.inside;
  };
  const onPointer = (e: PointerEvent): void => {
    if (!target.mayInput()) {
      last = { ...last, buttons: 0 };
      if (e.type === 'pointerdown') target.blockedInput();
      return;
    }
    const inside = pointerAt(e);
    if (!inside && e.type === 'pointermove' && last.buttons === 0) return; // hovering the bars
    if (e.type === 'pointerdown') {
      surface.setPointerCapture(e.pointerId); // a drag that leaves the video keeps its button
      surface.focus();
    }
    e.preventDefault();
    sendMouse();
  };
  const onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    if (!target.mayInput()) return;
    pointerAt(e);
    const d = wheel.add(e);
    if (d.wheel === 0 && d.pan === 0) return;
    sendMouse(d.wheel, d.pan);
  };
  const noMenu = (e: Event): void => e.preventDefault();

  keyRoot.addEventListener('keydown', onKey, { capture: true });
  keyRoot.addEventListener('keyup', onKey, { capture: true });
  const stopWatch = watchFocusLoss(keyRoot, keyRoot.document, releaseAll);
  for (const t of ['pointermove', 'pointerdown', 'pointerup'] as const) surface.addEventListener(t, onPointer);
  surface.addEventListener('wheel', onWheel, { passive: false });
  surface.addEventListener('contextmenu', noMenu);
  return () => {
    releaseAll();
    stopWatch();
    keyRoot.removeEventListener('keydown', onKey, { capture: true });
    keyRoot.removeEventListener('keyup', onKey, { capture: true });
    for (const t of ['pointermove', 'pointerdown', 'pointerup'] as const) surface.removeEventListener(t, onPointer);
    surface.removeEventListener('wheel', onWheel);
    surface.removeEventListener('contextmenu', noMenu);
  };
}
