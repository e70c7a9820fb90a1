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
export declare function displayedVideoRect(element: Rect, video: Size): Rect;
/** Client coordinates → absolute coordinates; points in the bars clamp to the nearest edge. */
export declare function mapToAbsolute(clientX: number, clientY: number, element: Rect, video: Size): AbsPoint;
/** Absolute coordinates (0..32767) → client coordinates on the displayed picture. */
export declare function absoluteToClient(x: number, y: number, element: Rect, video: Size): {
    clientX: number;
    clientY: number;
};
export declare function buttonsFromMouseEvent(buttons: number): number;
/** WheelEvent delta per detent, by `deltaMode` (0 pixel, 1 line, 2 page). */
export declare const WHEEL_DELTA_PER_DETENT: readonly [100, 3, 1];
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
export declare function makeWheelAccumulator(): WheelAccumulator;
