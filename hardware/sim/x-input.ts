/**
 * The target's input side of X: one X client connection that injects {@link XAction}s through the
 * XTEST extension (FakeInput, XTEST 2.2 spec / xserver Xext/xtest.c) and reads the keyboard LEDs
 * with core GetKeyboardControl. Input injected this way goes through the server's normal device
 * path, so xkb applies the target's own layout and lock state exactly as for a real keyboard.
 */
import x11, { type XClient, type XTestExt } from 'x11';
import { isShuttingDown } from './children.ts';
import { SimError, describeError } from './errors.ts';
import type { XAction } from './report-mapper.ts';

export interface XInput {
  /** Injects actions in order; fire-and-forget, X errors are logged and counted. */
  perform(actions: readonly XAction[]): void;
  /** Core LED mask after every earlier request was processed (bit 0 Caps, 1 Num, 2 Scroll). */
  ledMask(): Promise<number>;
  /** X protocol errors seen so far (e.g. BadValue for a keycode outside the keymap). */
  errors(): number;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5000;

function connect(display: string): Promise<{ client: XClient; root: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new SimError('X_FAILED', `X connection to ${display} timed out`)),
      CONNECT_TIMEOUT_MS,
    );
    x11.createClient({ display }, (err, d) => {
      clearTimeout(timer);
      const root = d?.screen[0]?.root;
      if (err || root === undefined)
        reject(
          new SimError('X_FAILED', `cannot connect to X display ${display}: ${describeError(err)}`, { cause: err }),
        );
      else resolve({ client: d.client, root });
    });
  });
}

/** Connects to `display` and loads XTEST. `log` receives X errors and disconnects. */
export async function openXInput(display: string, log: (line: string) => void): Promise<XInput> {
  const { client, root } = await connect(display);
  let errorCount = 0;
  let closed = false;
  client.on('error', (err: unknown) => {
    errorCount++;
    log(`x11 client error on ${display}: ${describeError(err)}`);
  });
  client.on('end', () => {
    const expected = closed;
    closed = true;
    // Deferred so a shutdown on Ctrl-C (which hits Xvfb at the same moment) is not reported as a crash.
    setTimeout(() => {
      if (!expected && !isShuttingDown()) log(`x11 connection to ${display} ended unexpectedly (X server gone?)`);
    }, 100).unref();
  });
  const xtest = await new Promise<XTestExt>((resolve, reject) =>
    client.require('xtest', (err, ext) =>
      err
        ? reject(new SimError('X_FAILED', `XTEST unavailable on ${display}: ${err.message}`, { cause: err }))
        : resolve(ext),
    ),
  );

  const perform = (actions: readonly XAction[]): void => {
    if (closed) return;
    for (const a of actions) {
      switch (a.kind) {
        case 'key':
          xtest.FakeInput(a.down ? xtest.KeyPress : xtest.KeyRelease, a.keycode, 0, root, 0, 0);
          break;
        case 'button':
          xtest.FakeInput(a.down ? xtest.ButtonPress : xtest.ButtonRelease, a.button, 0, root, 0, 0);
          break;
        case 'motion-abs': // detail 0 (False): absolute root coordinates
          xtest.FakeInput(xtest.MotionNotify, 0, 0, root, a.x, a.y);
          break;
        case 'motion-rel': // detail 1 (True): move by rootX/rootY from the current position
          xtest.FakeInput(xtest.MotionNotify, 1, 0, root, a.dx, a.dy);
          break;
      }
    }
  };

  const ledMask = (): Promise<number> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new SimError('X_FAILED', `X connection to ${display} is closed`));
      // Requests are processed in order, so this reply already reflects every FakeInput before it.
      client.GetKeyboardControl((err, ctl) => (err ? reject(err) : resolve(ctl.ledMask >>> 0)));
    });

  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (closed) return resolve();
      closed = true;
      const timer = setTimeout(() => {
        client.terminate();
        resolve();
      }, 1000);
      client.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  return { perform, ledMask, errors: () => errorCount, close };
}
