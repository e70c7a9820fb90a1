/**
 * The mouse (or pen) over the video canvas as an absolute pointer: client pixels on the
 * letterboxed picture become 0..32767 target coordinates (pointer.ts) on the absolute mouse.
 */
import type { InputController } from '../controller.ts';
import { buttonsFromMouseEvent, makeWheelAccumulator, mapToAbsolute, type Size } from '../pointer.ts';

export interface MouseAbsoluteOptions {
  /** The target's screen size in pixels, for letterboxing; 0×0 before the first frame. */
  videoSize(): Size;
  /** False while another source owns the mouse (pointer lock): events are left to it. */
  active(): boolean;
}

/**
 * Listens on `surface` until the returned function is called. A press captures the pointer, so a
 * drag that leaves the video keeps its button; hovering over the letterbox bars sends nothing.
 */
export function attachMouseAbsoluteSource(
  surface: HTMLElement,
  ctl: InputController,
  opts: MouseAbsoluteOptions,
): () => void {
  const wheel = makeWheelAccumulator();
  const stopRelease = ctl.onRelease(() => wheel.reset());

  const at = (e: MouseEvent) => mapToAbsolute(e.clientX, e.clientY, surface.getBoundingClientRect(), opts.videoSize());

  const onPointer = (e: PointerEvent): void => {
    if (!opts.active()) return;
    const buttons = buttonsFromMouseEvent(e.buttons);
    if (!ctl.admit(e.type === 'pointerdown')) return;
    const p = at(e);
    if (!p.inside && e.type === 'pointermove' && buttons === 0) return; // hovering the bars
    if (e.type === 'pointerdown') {
      surface.setPointerCapture(e.pointerId);
      surface.focus();
    }
    e.preventDefault();
    ctl.moveAbs(p.x, p.y, 'mouse');
    ctl.buttons(buttons, 'mouse');
  };
  const onWheel = (e: WheelEvent): void => {
    if (!opts.active()) return;
    e.preventDefault();
    if (!ctl.mayInput()) return;
    const p = at(e);
    const d = wheel.add(e);
    if (d.wheel === 0 && d.pan === 0) return;
    ctl.moveAbs(p.x, p.y, 'mouse');
    ctl.wheel(d.wheel, d.pan, 'mouse');
  };

  const types = ['pointermove', 'pointerdown', 'pointerup'] as const;
  for (const t of types) surface.addEventListener(t, onPointer);
  surface.addEventListener('wheel', onWheel, { passive: false });
  return () => {
    stopRelease();
    for (const t of types) surface.removeEventListener(t, onPointer);
    surface.removeEventListener('wheel', onWheel);
  };
}
