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
          ChangeKeyboardControl(values: { autoRepeatMode: number }): void;
          GetKeyboardControl(cb: (err: Error | null, r: { globalAutoRepeat: number }) => void): void;
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

/**
 * Turns the X server's key autorepeat off or on (X11 protocol §ChangeKeyboardControl,
 * auto-repeat-mode Off = 0 / On = 1) and reads it back (§GetKeyboardControl), so it is in force
 * when this resolves. Checks that judge which characters a tap typed turn it off: on a loaded
 * machine a press and its release can arrive further apart than the repeat delay.
 * @returns the global auto-repeat state read back (true = on)
 */
export function setXAutoRepeat(display: string, on: boolean): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const c = x11.createClient({ display }, (err, d) => {
      if (err) return reject(err);
      d.client.ChangeKeyboardControl({ autoRepeatMode: on ? 1 : 0 });
      d.client.GetKeyboardControl((e, r) => {
        if (e) return reject(e);
        d.client.close();
        resolve(r.globalAutoRepeat === 1);
      });
    });
    c.on('error', reject);
  });
}
