/**
 * Pointer helpers for the absolute mouse (protocol/reports.ts): client pixels on the letterboxed
 * `<video>` → 0..32767 target coordinates, MouseEvent.buttons → HID button bits, and WheelEvent
 * deltas → whole wheel detents.
 */
import { ABS_MAX, MouseButton } from '../../../../protocol/reports.ts';

/** A rectangle in CSS pixels, as from `getBoundingClientRect()`. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}
/** Intrinsic video size in pixels (`videoWidth`/`videoHeight`). */
export interface Size {
  width: number;
  height: number;
}
/** Absolute target position, 0..32767 on both axes; `inside` is false over the letterbox bars. */
export interface AbsPoint {
  x: number;
  y: number;
  inside: boolean;
}

/**
 * Where the video picture is drawn inside the element under `object-fit: contain` (CSS Images 3
 * §5.5): scaled by the smaller of the two ratios and centred, leaving bars on the other axis.
 * Before the video has a size, the picture is taken to fill the element.
 */
export function displayedVideoRect(element: Rect, video: Size): Rect {
  if (video.width <= 0 || video.height <= 0) return { ...element };
  const scale = Math.min(element.width / video.width, element.height / video.height);
  const width = video.width * scale;
  const height = video.height * scale;
  return {
    left: element.left + (element.width - width) / 2,
    top: element.top + (element.height - height) / 2,
    width,
    height,
  };
}

const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/** Client coordinates → absolute coordinates; points in the bars clamp to the nearest edge. */
export function mapToAbsolute(clientX: number, clientY: number, element: Rect, video: Size): AbsPoint {
  const r = displayedVideoRect(element, video);
  const fx = (clientX - r.left) / r.width;
  const fy = (clientY - r.top) / r.height;
  const inside = fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1;
  return { x: Math.round(clamp01(fx) * ABS_MAX), y: Math.round(clamp01(fy) * ABS_MAX), inside };
}

/** Absolute coordinates (0..32767) → client coordinates on the displayed picture. */
export function absoluteToClient(
  x: number,
  y: number,
  element: Rect,
  video: Size,
): { clientX: number; clientY: number } {
  const r = displayedVideoRect(element, video);
  return { clientX: r.left + (x / ABS_MAX) * r.width, clientY: r.top + (y / ABS_MAX) * r.height };
}

/**
 * `MouseEvent.buttons` bits (UI Events: 1 primary, 2 secondary, 4 auxiliary, 8 back, 16 forward)
 * → HID Button page bits. The values coincide, but `MouseEvent.button` (singular) orders middle
 * before right, so the mapping is spelled out rather than passed through.
 */
const BUTTON_BITS = [
  [1, MouseButton.Left],
  [2, MouseButton.Right],
  [4, MouseButton.Middle],
  [8, MouseButton.Back],
  [16, MouseButton.Forward],
] as const;

export function buttonsFromMouseEvent(buttons: number): number {
  let hid = 0;
  for (const [dom, bit] of BUTTON_BITS) if (buttons & dom) hid |= bit;
  return hid;
}

/** WheelEvent delta per detent, by `deltaMode` (0 pixel, 1 line, 2 page). */
export const WHEEL_DELTA_PER_DETENT = [100, 3, 1] as const;

export interface WheelDelta {
  deltaX: number;
  deltaY: number;
  deltaMode: number;
}
/** Detents for one report, each -127..127: `wheel` positive is scroll up, `pan` positive right. */
export interface WheelDetents {
  wheel: number;
  pan: number;
}

export interface WheelAccumulator {
  /** Adds one WheelEvent; returns the whole detents it completes (often 0 for touchpads). */
  add(e: WheelDelta): WheelDetents;
  /** Drops any partial detent (e.g. when the pointer leaves the video). */
  reset(): void;
}

/**
 * Touchpads send many small deltas, so fractions of a detent are carried to the next event.
 * A fraction is dropped when the direction reverses, so a leftover never swallows the first
 * notch back. Detents beyond ±127 in one event are dropped rather than carried, so an outsized
 * fling cannot keep scrolling after the user stops.
 */
export function makeWheelAccumulator(): WheelAccumulator {
  let accWheel = 0;
  let accPan = 0;
  // Tolerance for float sums like 3 × (1 line / 3) landing just under a whole detent.
  const EPS = 1e-9;

  const step = (acc: number, delta: number): [emit: number, rest: number] => {
    if (delta === 0 || !Number.isFinite(delta)) return [0, acc];
    if (Math.sign(delta) !== Math.sign(acc)) acc = 0;
    acc += delta;
    const whole = Math.trunc(acc + Math.sign(acc) * EPS);
    const rest = acc - whole;
    // `|| 0` turns -0 (trunc of a small negative) into 0, so callers can test with ===.
    return [Math.max(-127, Math.min(127, whole)) || 0, Math.abs(rest) < EPS ? 0 : rest];
  };

  return {
    add(e) {
      const per = WHEEL_DELTA_PER_DETENT[e.deltaMode] ?? WHEEL_DELTA_PER_DETENT[0];
      // DOM deltaY is positive scrolling down; HID wheel is positive scrolling up.
      const [wheel, restWheel] = step(accWheel, -e.deltaY / per);
      const [pan, restPan] = step(accPan, e.deltaX / per);
      accWheel = restWheel;
      accPan = restPan;
      return { wheel, pan };
    },
    reset() {
      accWheel = 0;
      accPan = 0;
    },
  };
}
