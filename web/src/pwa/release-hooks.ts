/**
 * What must happen before the page goes away on purpose (an update's reload): release every key
 * and button the page holds on the target. The input wiring (lib/input-forwarding.ts) adds one
 * hook per input controller; register.ts runs them all before it activates a new service worker
 * and reloads. Kept apart from register.ts so input code does not import workbox-window.
 */

/** Releases what it holds; may return a promise (it is awaited, up to RELEASE_TIMEOUT_MS). */
export type ReleaseHook = () => void | Promise<void>;

/** A hook that has not settled after this long (ms) no longer holds the reload back. */
export const RELEASE_TIMEOUT_MS = 1000;

const hooks = new Set<ReleaseHook>();

/** Adds `hook`; returns a function removing it (call it when its controller is disposed). */
export function addReleaseHook(hook: ReleaseHook): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/**
 * Runs every hook, in the order added, each awaited up to RELEASE_TIMEOUT_MS. A hook that throws
 * or rejects is logged and does not stop the others.
 * @returns how many hooks ran (0 when nothing holds input: the login page).
 */
export async function runReleaseHooks(timeoutMs = RELEASE_TIMEOUT_MS): Promise<number> {
  let ran = 0;
  for (const hook of [...hooks]) {
    ran++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(hook),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            console.warn(`release before reload: a hook took over ${timeoutMs} ms; reloading anyway`);
            resolve();
          }, timeoutMs);
        }),
      ]);
    } catch (e) {
      console.warn('release before reload: a hook failed', e);
    } finally {
      clearTimeout(timer);
    }
  }
  return ran;
}
