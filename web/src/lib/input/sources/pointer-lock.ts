/**
 * Pointer lock (Pointer Lock 2.0) as a relative mouse source, for targets with no absolute
 * pointer (some BIOSes, games): while the canvas holds the lock, `movementX/Y` become relative
 * reports on the relative gadget (`mouse-rel`), one count per movement unit (the target applies
 * its own acceleration), and buttons and the wheel go there too.
 *
 * Entering or leaving the lock switches the mouse source, so everything held is released
 * (`releaseAll('source-switch')`): a button pressed before the switch never stays down.
 */
import type { InputController } from '../controller.ts';
import { buttonsFromMouseEvent, makeWheelAccumulator } from '../pointer.ts';

/** The slice of Document this source uses (a fake in unit tests). */
export interface PointerLockDocument extends EventTarget {
  readonly pointerLockElement: Element | null;
  exitPointerLock(): void;
}

export interface PointerLockSource {
  /** Asks for the lock (needs a user gesture); resolves false if refused. */
  request(): Promise<boolean>;
  exit(): void;
  locked(): boolean;
  /** Removes the listeners and leaves the lock. */
  dispose(): void;
}

export function attachPointerLockSource(
  surface: HTMLElement,
  doc: PointerLockDocument,
  ctl: InputController,
  onChange: (locked: boolean) => void = () => {},
): PointerLockSource {
  const wheel = makeWheelAccumulator();
  const stopRelease = ctl.onRelease(() => wheel.reset());
  const locked = (): boolean => doc.pointerLockElement === surface;
  let was = locked();

  const onLockChange = (): void => {
    const now = locked();
    if (now === was) return;
    was = now;
    ctl.releaseAll('source-switch');
    onChange(now);
  };
  const onPointer = (e: PointerEvent): void => {
    if (!locked()) return;
    if (!ctl.admit(e.type === 'pointerdown')) return;
    e.preventDefault();
    if (e.movementX !== 0 || e.movementY !== 0) ctl.moveRel(e.movementX, e.movementY, 'pointer-lock');
    // A click with no motion yet: select the relative mouse, so the button goes there.
    else if (ctl.pointerDevice() !== 'mouse-rel') ctl.moveRel(0, 0, 'pointer-lock');
    ctl.buttons(buttonsFromMouseEvent(e.buttons), 'pointer-lock');
  };
  const onWheel = (e: WheelEvent): void => {
    if (!locked()) return;
    e.preventDefault();
    if (!ctl.mayInput()) return;
    const d = wheel.add(e);
    if (d.wheel !== 0) ctl.wheel(d.wheel, 0, 'pointer-lock');
  };

  const types = ['pointermove', 'pointerdown', 'pointerup'] as const;
  doc.addEventListener('pointerlockchange', onLockChange);
  for (const t of types) surface.addEventListener(t, onPointer);
  surface.addEventListener('wheel', onWheel, { passive: false });

  return {
    async request() {
      if (locked()) return true;
      try {
        // Raw motion where the platform offers it (no OS acceleration on top of the target's).
        await surface.requestPointerLock({ unadjustedMovement: true });
      } catch (e) {
        if (!(e instanceof DOMException) || e.name !== 'NotSupportedError') {
          console.warn('pointer lock refused', e);
          return false;
        }
        try {
          await surface.requestPointerLock();
        } catch (e2) {
          console.warn('pointer lock refused', e2);
          return false;
        }
      }
      return locked();
    },
    exit() {
      if (locked()) doc.exitPointerLock();
    },
    locked,
    dispose() {
      stopRelease();
      doc.removeEventListener('pointerlockchange', onLockChange);
      for (const t of types) surface.removeEventListener(t, onPointer);
      surface.removeEventListener('wheel', onWheel);
      if (locked()) doc.exitPointerLock();
    },
  };
}
