/**
 * The slice of the untyped `x11` package (4.2.2, pure-JS X11 client) the simulated target uses.
 * Shapes follow node_modules/x11/lib/xcore.js, lib/handshake.js, lib/corereqs.js and
 * lib/ext/xtest.js.
 */
declare module 'x11' {
  import type { EventEmitter } from 'node:events';

  export interface XScreen {
    root: number;
    pixel_width: number;
    pixel_height: number;
  }

  export interface XDisplay {
    screen: XScreen[];
    client: XClient;
  }

  /** XTEST extension object from `client.require('xtest')`. */
  export interface XTestExt {
    KeyPress: 2;
    KeyRelease: 3;
    ButtonPress: 4;
    ButtonRelease: 5;
    MotionNotify: 6;
    /** FakeInput(type, detail, delayMs, rootWindow, rootX, rootY); no reply. */
    FakeInput(type: number, detail: number, time: number, root: number, x: number, y: number): void;
  }

  export interface KeyboardControl {
    /** Core LED mask: bit n is LED n+1. */
    ledMask: number;
  }

  export interface XClient extends EventEmitter {
    require(name: 'xtest', cb: (err: Error | null, ext: XTestExt) => void): void;
    GetKeyboardControl(cb: (err: Error | null, ctl: KeyboardControl) => void): void;
    /** Round trip; resolves once every earlier request was processed. */
    sync(): Promise<void>;
    close(cb?: (err?: Error) => void): void;
    terminate(): void;
  }

  export function createClient(
    options: { display?: string },
    cb: (err: Error | null, display: XDisplay) => void,
  ): XClient;

  const x11: { createClient: typeof createClient };
  export default x11;
}
