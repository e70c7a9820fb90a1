/**
 * Touch as a mouse (issue 9 part 4): touch pointer events on the picture go through the gesture
 * recogniser (touch-gestures.ts) and become absolute mouse input (0..32767, `source: 'touch'`), so
 * both modes work on every target, also one with no relative mouse.
 * - Direct: the pointer goes where the finger is (mapped through the local zoom, zoom.ts); a tap
 *   clicks there, a long press right-clicks, double-tap-and-drag drags, a two-finger tap
 *   right-clicks, a two-finger drag pans the zoomed picture and the rest scrolls (wheel and pan).
 * - Trackpad: the pointer moves from where it is by the finger's motion with acceleration
 *   ({@link trackpadGain}); taps click where the pointer is; a two-finger drag scrolls; while
 *   zoomed, the picture pans to keep the pointer in view.
 * In both, a pinch zooms and pans the picture locally and a two-finger double tap goes back to 1:1.
 * `pointercancel` releases every button the touch source holds. Mouse and pen events are left to
 * the other sources: touch events are handled in the capture phase and stopped there.
 */
import { ABS_MAX, MouseButton } from '../../../../../protocol/reports.ts';
import type { ControllerClock, InputController } from '../controller.ts';
import { displayedVideoRect, makeWheelAccumulator, type Rect, type Size } from '../pointer.ts';
import { clientToAbsoluteZoomed, IDENTITY, isZoomed, keepInView, panZoom, pinchZoom, type ZoomState } from '../zoom.ts';
import { makeTouchGestures, type Gesture } from './touch-gestures.ts';

export type TouchMode = 'direct' | 'trackpad';
export const TOUCH_MODES: readonly TouchMode[] = ['direct', 'trackpad'];

/** Trackpad mode while zoomed: the pointer is kept at least this far (CSS px) inside the view. */
export const FOLLOW_MARGIN_PX = 24;

/** CSS px of two-finger motion per wheel detent. */
export const SCROLL_PX_PER_DETENT = 30;

/**
 * Trackpad pointer acceleration: gain for a finger speed in CSS px/ms. 1 up to 0.15 px/ms (slow,
 * precise), rising linearly to 4× at 1.65 px/ms and above (a flick crosses the screen), in the
 * spirit of libinput's adaptive profile.
 */
export function trackpadGain(speedPxPerMs: number): number {
  if (!Number.isFinite(speedPxPerMs) || speedPxPerMs <= 0.15) return 1;
  return Math.min(4, 1 + (speedPxPerMs - 0.15) * 2);
}

export interface TouchSourceOptions {
  mode(): TouchMode;
  /** The target's screen size in pixels; 0×0 before the first frame. */
  videoSize(): Size;
  /** The canvas box's client rect at 1:1 (untransformed), the picture letterboxed in it. */
  viewport(): Rect;
  zoom(): ZoomState;
  setZoom(z: ZoomState): void;
  /** The long press cue at client (x, y): shown, withdrawn, or done. */
  onHold?(phase: 'start' | 'cancel' | 'fire', x: number, y: number): void;
  clock?: ControllerClock;
}

export interface TouchSource {
  /** Mode switched: the gesture in progress ends and everything held is released. */
  reset(): void;
  dispose(): void;
}

const BUTTON = { left: MouseButton.Left, right: MouseButton.Right } as const;
const clampAbs = (v: number): number => Math.min(ABS_MAX, Math.max(0, v));

export function attachTouchSource(surface: HTMLElement, ctl: InputController, opts: TouchSourceOptions): TouchSource {
  const wheel = makeWheelAccumulator();
  const stopRelease = ctl.onRelease(() => wheel.reset());
  /** Trackpad: the pointer position as a float, so slow motion is not rounded away. */
  let pad: { x: number; y: number } | null = null;

  const box = (): Size => {
    const v = opts.viewport();
    return { width: v.width, height: v.height };
  };
  const at = (x: number, y: number) => clientToAbsoluteZoomed(x, y, opts.viewport(), opts.zoom(), opts.videoSize());
  const padPos = (): { x: number; y: number } => {
    if (!pad) pad = ctl.absPosition() ?? { x: ABS_MAX / 2, y: ABS_MAX / 2 };
    return pad;
  };
  /** Where a click or drag of this gesture goes, 0..32767. */
  const target = (x: number, y: number): { x: number; y: number } => (opts.mode() === 'direct' ? at(x, y) : padPos());
  const moveTo = (p: { x: number; y: number }): void => ctl.moveAbs(Math.round(p.x), Math.round(p.y), 'touch');

  const trackpadMove = (dx: number, dy: number, dt: number): void => {
    if (!ctl.mayInput()) return;
    const v = opts.videoSize();
    const pic = displayedVideoRect(opts.viewport(), v);
    const shown = pic.width * opts.zoom().scale; // CSS px the target's width is drawn on
    if (shown <= 0 || pic.height <= 0) return;
    const gain = trackpadGain(Math.hypot(dx, dy) / Math.max(dt, 1));
    // Target px per CSS px is the same on both axes (contain keeps the aspect ratio).
    const unitsX = (ABS_MAX / shown) * gain;
    const unitsY = (ABS_MAX / (pic.height * opts.zoom().scale)) * gain;
    const p = padPos();
    pad = { x: clampAbs(p.x + dx * unitsX), y: clampAbs(p.y + dy * unitsY) };
    moveTo(pad);
    if (isZoomed(opts.zoom())) {
      // The picture follows the pointer, so it never leaves the zoomed view.
      const vp = opts.viewport();
      const px = pic.left - vp.left + (pad.x / ABS_MAX) * pic.width;
      const py = pic.top - vp.top + (pad.y / ABS_MAX) * pic.height;
      opts.setZoom(keepInView(opts.zoom(), px, py, box(), FOLLOW_MARGIN_PX));
    }
  };

  const scroll = (x: number, y: number, dx: number, dy: number): void => {
    let rest = { dx, dy };
    if (opts.mode() === 'direct' && isZoomed(opts.zoom())) {
      const r = panZoom(opts.zoom(), dx, dy, box());
      opts.setZoom(r.zoom);
      rest = r.rest;
    }
    if (rest.dx === 0 && rest.dy === 0) return;
    // The fingers drag the content: down scrolls up (HID wheel +), right scrolls left (pan −).
    const k = 100 / SCROLL_PX_PER_DETENT; // makeWheelAccumulator counts 100 px (deltaMode 0) per detent
    const d = wheel.add({ deltaX: -rest.dx * k, deltaY: -rest.dy * k, deltaMode: 0 });
    if (d.wheel === 0 && d.pan === 0) return;
    moveTo(target(x, y));
    ctl.wheel(d.wheel, d.pan, 'touch');
  };

  const onGesture = (g: Gesture): void => {
    switch (g.kind) {
      case 'touch':
        if (opts.mode() === 'direct') moveTo(at(g.x, g.y));
        else pad = null; // from where the pointer is now (the mouse may have moved it)
        return;
      case 'move':
        if (opts.mode() === 'direct') moveTo(at(g.x, g.y));
        else trackpadMove(g.dx, g.dy, g.dt);
        return;
      case 'click':
        moveTo(target(g.x, g.y));
        ctl.buttons(BUTTON[g.button], 'touch');
        ctl.buttons(0, 'touch');
        return;
      case 'press':
        moveTo(target(g.x, g.y));
        ctl.buttons(MouseButton.Left, 'touch');
        return;
      case 'release':
        ctl.buttons(0, 'touch');
        return;
      case 'scroll':
        scroll(g.x, g.y, g.dx, g.dy);
        return;
      case 'pinch': {
        const v = opts.viewport();
        opts.setZoom(pinchZoom(opts.zoom(), g.factor, g.x - v.left, g.y - v.top, g.dx, g.dy, box()));
        return;
      }
      case 'zoom-reset':
        opts.setZoom(IDENTITY);
        return;
      case 'hold':
        opts.onHold?.(g.phase, g.x, g.y);
        if (g.phase === 'fire' && 'vibrate' in navigator) navigator.vibrate(30);
        return;
      case 'cancel':
        wheel.reset();
        ctl.buttons(0, 'touch');
        return;
    }
  };
  const gestures = makeTouchGestures(onGesture, opts.clock);

  const onPointer = (e: PointerEvent): void => {
    if (e.pointerType !== 'touch') return;
    e.stopPropagation();
    if (e.cancelable) e.preventDefault();
    switch (e.type) {
      case 'pointerdown':
        surface.setPointerCapture(e.pointerId);
        gestures.down(e.pointerId, e.clientX, e.clientY, e.timeStamp);
        return;
      case 'pointermove':
        gestures.move(e.pointerId, e.clientX, e.clientY, e.timeStamp);
        return;
      case 'pointerup':
        gestures.up(e.pointerId, e.clientX, e.clientY, e.timeStamp);
        return;
      case 'pointercancel':
        gestures.cancel();
        return;
    }
  };
  const types = ['pointerdown', 'pointermove', 'pointerup', 'pointercancel'] as const;
  for (const t of types) surface.addEventListener(t, onPointer, { capture: true });
  // Touch events too, so no browser gesture (scroll, pull to refresh, double-tap zoom) starts.
  const noTouch = (e: TouchEvent): void => {
    if (e.cancelable) e.preventDefault();
  };
  surface.addEventListener('touchstart', noTouch, { passive: false });
  surface.addEventListener('touchmove', noTouch, { passive: false });

  return {
    reset() {
      gestures.cancel();
      pad = null;
      ctl.releaseAll('source-switch');
    },
    dispose() {
      stopRelease();
      gestures.dispose();
      for (const t of types) surface.removeEventListener(t, onPointer, { capture: true });
      surface.removeEventListener('touchstart', noTouch);
      surface.removeEventListener('touchmove', noTouch);
    },
  };
}
