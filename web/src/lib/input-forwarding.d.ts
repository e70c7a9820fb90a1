import { type Message } from '../../../protocol/index.ts';
import { type Size } from './input/pointer.ts';
export interface ForwardingTarget {
    /** Sends if connected; false means the input was dropped (never replayed later). */
    send(m: Message): boolean;
    connected(): boolean;
    /** The target's screen size in pixels, for letterboxing; 0×0 before the first frame. */
    videoSize(): Size;
}
/**
 * Forwards the keyboard (on `keyRoot`) and the pointer (on `surface`, the video canvas) as HID
 * reports. Keys stay held while held. While disconnected, input is dropped and the local key
 * state cleared, so nothing typed offline is sent after reconnecting.
 * @returns a function removing every listener
 */
export declare function forwardInput(keyRoot: Window, surface: HTMLElement, target: ForwardingTarget): () => void;
