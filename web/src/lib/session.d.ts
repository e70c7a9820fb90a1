import { type Accessor } from 'solid-js';
import { type Frame, type HidStatus, type Message, type VideoStatus } from '../../../protocol/index.ts';
import { type ConnectionInfo } from './connection.ts';
export interface KvmSession {
    info: Accessor<ConnectionInfo>;
    hid: Accessor<HidStatus>;
    /** LED bit mask: Num 0x01, Caps 0x02, Scroll 0x04, Compose 0x08, Kana 0x10. */
    leds: Accessor<number>;
    video: Accessor<VideoStatus>;
    /** The last error the bridge reported, as "code: message" ('' if none). */
    lastError: Accessor<string>;
    /** Sends if connected; returns false (message dropped, never replayed) otherwise. */
    send(m: Message): boolean;
    decodeErrors(): Record<string, number>;
}
/** The WebSocket URL of the bridge that served this page. */
export declare function bridgeUrl(loc?: Location): string;
/**
 * One session with the bridge, bound to the current Solid owner (closed on cleanup). Status
 * messages become signals; frames go straight to `onFrame` without touching reactive state.
 */
export declare function createKvmSession(opts: {
    url: string;
    onFrame: (f: Frame) => void;
}): KvmSession;
