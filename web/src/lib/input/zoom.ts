/**
 * Local zoom of the target's picture (issue 9 part 4): pinch scales and pans the canvas box with a
 * CSS transform (`translate(x, y) scale(s)` with `transform-origin: 0 0`, CSS Transforms 1 §6),
 * so a point p of the untransformed box (CSS px from its top-left) is drawn at `p·s + (x, y)`.
 * Nothing is sent to the target: this is the viewer's magnifier, not remote Ctrl+wheel.
 *
 * The box always covers its viewport (no empty margin is panned in), so the translation stays in
 * `[size·(1 − s), 0]` on each axis. Pure: no DOM; the touch source and Screen.tsx apply it.
 */
import { mapToAbsolute, type AbsPoint, type Rect, type Size } from './pointer.ts';

/** Scale (1 = 1:1, the picture fitted) and translation in CSS px. */
export interface ZoomState {
  scale: number;
  x: number;
  y: number;
}

export const IDENTITY: ZoomState = { scale: 1, x: 0, y: 0 };
/** Zoom range: 1:1 up to 8× (a 1080p target's pixels at about 4 device px on a phone). */
export const MIN_SCALE = 1;
export const MAX_SCALE = 8;

const clampScale = (s: number): number => (Number.isFinite(s) ? Math.min(MAX_SCALE, Math.max(MIN_SCALE, s)) : 1);

/** Keeps the box covering the viewport of size `box` (see the module comment). */
export function clampZoom(z: ZoomState, box: Size): ZoomState {
  const scale = clampScale(z.scale);
  const clampAxis = (t: number, size: number): number => Math.min(0, Math.max(size * (1 - scale), t)) || 0;
  return { scale, x: clampAxis(z.x, box.width), y: clampAxis(z.y, box.height) };
}

/**
 * Multiplies the scale by `factor` around the viewport point (cx, cy) (CSS px from the
 * viewport's top-left), which stays over the same picture point, then moves by (dx, dy) CSS px:
 * one pinch step, the fingers' spread ratio and their centroid's motion.
 */
export function pinchZoom(z: ZoomState, factor: number, cx: number, cy: number, dx: number, dy: number, box: Size) {
  const scale = clampScale(z.scale * (Number.isFinite(factor) && factor > 0 ? factor : 1));
  const k = scale / z.scale;
  // p = (c − t)/s is fixed: t' = c − (c − t)·s'/s, then the pan.
  return clampZoom({ scale, x: cx - (cx - z.x) * k + dx, y: cy - (cy - z.y) * k + dy }, box);
}

/**
 * Pans by (dx, dy) CSS px (the picture follows the fingers). @returns the new state and the part
 * of the motion the edges stopped (all of it at 1:1), which the caller may turn into the wheel.
 */
export function panZoom(
  z: ZoomState,
  dx: number,
  dy: number,
  box: Size,
): { zoom: ZoomState; rest: { dx: number; dy: number } } {
  const zoom = clampZoom({ scale: z.scale, x: z.x + dx, y: z.y + dy }, box);
  return { zoom, rest: { dx: dx - (zoom.x - z.x), dy: dy - (zoom.y - z.y) } };
}

/**
 * Pans the least that draws the untransformed box's point (px, py) at least `margin` CSS px inside
 * the viewport (the trackpad pointer stays in view while zoomed); edges clamp as always.
 */
export function keepInView(z: ZoomState, px: number, py: number, box: Size, margin: number): ZoomState {
  const follow = (t: number, p: number, size: number): number => {
    const drawn = p * z.scale + t;
    const m = Math.min(margin, size / 2);
    if (drawn < m) return t + (m - drawn);
    if (drawn > size - m) return t - (drawn - (size - m));
    return t;
  };
  return clampZoom({ scale: z.scale, x: follow(z.x, px, box.width), y: follow(z.y, py, box.height) }, box);
}

/** A viewport point (CSS px from its top-left) → the same point on the untransformed box. */
export function unzoomPoint(z: ZoomState, px: number, py: number): { x: number; y: number } {
  return { x: (px - z.x) / z.scale, y: (py - z.y) / z.scale };
}

/**
 * Client coordinates → absolute target coordinates (0..32767) through the zoom: `viewport` is the
 * untransformed box's client rect (the canvas at 1:1, object-fit: contain letterboxing and all).
 */
export function clientToAbsoluteZoomed(
  clientX: number,
  clientY: number,
  viewport: Rect,
  zoom: ZoomState,
  video: Size,
): AbsPoint {
  const p = unzoomPoint(zoom, clientX - viewport.left, clientY - viewport.top);
  return mapToAbsolute(viewport.left + p.x, viewport.top + p.y, viewport, video);
}

/** The CSS `transform` for the canvas box (with `transform-origin: 0 0`). */
export function zoomTransform(z: ZoomState): string {
  return z.scale === 1 && z.x === 0 && z.y === 0 ? 'none' : `translate(${z.x}px, ${z.y}px) scale(${z.scale})`;
}

export const isZoomed = (z: ZoomState): boolean => z.scale > 1.0001;
