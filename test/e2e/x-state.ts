/**
 * What the simulated target's X server believes is held: the judge for "released on the target"
 * checks. Core protocol requests (X11 protocol §QueryPointer, §QueryKeymap) through the `x11`
 * package the simulator already uses; xdotool has no query for button state.
 */
import { createRequire } from 'node:module';

/** KeyButMask bits (X11 protocol, SETofKEYBUTMASK). */
export const XMask = {
  Shift: 1 << 0,
  Lock: 1 << 1,
  Control: 1 << 2,
  Button1: 1 << 8,
  Button2: 1 << 9,
  Button3: 1 << 10,
};
/** X keycodes (evdev + 8) of the keys the tests hold. */
export const XKeycode = { ShiftLeft: 50, ShiftRight: 62, ControlLeft: 37 };

interface QueryPointerReply {
  rootX: number;
  rootY: number;
  /** SETofKEYBUTMASK: modifiers and buttons held, see XMask. */
  keyMask: number;
}
/** The slice of the untyped `x11` package used here (lib/corereqs.js, lib/generated/core-replies.js). */
interface X11Lite {
  createClient(
    o: { display: string },
    cb: (
      err: Error | null,
      d: {
        screen: { root: number }[];
        client: {
          QueryPointer(wid: number, cb: (err: Error | null, r: QueryPointerReply) => void): void;
          QueryKeymap(cb: (err: Error | null, keys: Buffer) => void): void;
          close(cb?: () => void): void;
        };
      },
    ) => void,
  ): { on(ev: 'error', fn: (e: unknown) => void): void };
}
const x11 = createRequire(import.meta.url)('x11') as X11Lite;

export interface XInputState {
  /** Pointer position on the root window, pixels. */
  x: number;
  y: number;
  /** SETofKEYBUTMASK (see XMask). */
  mask: number;
  /** X keycodes currently down, from QueryKeymap's 32-byte bit vector. */
  keys: number[];
}

/** One round trip to `display`: pointer, buttons, modifiers and the keys down. */
export function queryXInput(display: string): Promise<XInputState> {
  return new Promise((resolve, reject) => {
    const c = x11.createClient({ display }, (err, d) => {
      if (err) return reject(err);
      const root = d.screen[0]!.root;
      d.client.QueryPointer(root, (e1, p) => {
        if (e1) return reject(e1);
        d.client.QueryKeymap((e2, bits) => {
          if (e2) return reject(e2);
          const keys: number[] = [];
          for (let i = 0; i < 256; i++) if (bits[i >> 3]! & (1 << (i & 7))) keys.push(i);
          d.client.close();
          resolve({ x: p.rootX, y: p.rootY, mask: p.keyMask, keys });
        });
      });
    });
    c.on('error', reject);
  });
}
