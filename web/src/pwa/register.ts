/**
 * Service worker registration (workbox-window), its status, and the update flow.
 *
 * - `swStatus()` (CONTRACT.md, read by H5's CertificateHint): 'unsupported' without
 *   `navigator.serviceWorker` or outside a secure context; 'registering' until a worker is active;
 *   'active'; 'failed' when `register()` rejects, with `error` = "Name: message" (an untrusted
 *   certificate makes Chromium reject with SecurityError).
 * - `updateWaiting()` is true when a new version is installed and waiting (workbox-window's
 *   `waiting` event, also for one that was already waiting when the page opened). The page shows
 *   "New version: reload"; `releaseThenReload()` first releases every held key and button on the
 *   target (release-hooks.ts), then posts SKIP_WAITING to the waiting worker and reloads once it
 *   controls the page (`controllerchange`), so no key is ever held across the code swap.
 * - Updates are looked for at registration, on every navigation (the browser does that), every
 *   UPDATE_CHECK_MS while the page stays open, and by `checkForUpdate()` when the bridge is back
 *   after being unreachable (BridgeNotice: a device update restarts the bridge).
 */
import { createSignal, type Accessor } from 'solid-js';
import { Workbox } from 'workbox-window';
import { runReleaseHooks } from './release-hooks.ts';

export type SwState = 'unsupported' | 'registering' | 'active' | 'failed';

export interface SwStatus {
  state: SwState;
  /** Set when state is 'failed': the rejection's "Name: message". */
  error?: string;
}

/** How often an open page asks for a new version, ms. */
export const UPDATE_CHECK_MS = 60 * 60 * 1000;
/** Reload anyway if the new worker has not taken control this long after SKIP_WAITING, ms. */
export const CONTROL_TIMEOUT_MS = 3000;

const [status, setStatus] = createSignal<SwStatus>({ state: 'registering' });
const [waiting, setWaiting] = createSignal(false);
const [reloading, setReloading] = createSignal(false);

/** The service worker's registration state (see the module comment). */
export const swStatus: Accessor<SwStatus> = status;
/** A new version is installed and waits for `releaseThenReload()`. */
export const updateWaiting: Accessor<boolean> = waiting;
/** `releaseThenReload()` has started (the button shows it and is disabled). */
export const updateReloading: Accessor<boolean> = reloading;

let workbox: Workbox | null = null;

/**
 * Registers `/sw.js` for scope `/` once (later calls do nothing). Never throws: a failure is
 * `swStatus()` 'failed' and a console warning.
 */
export function registerServiceWorker(url = '/sw.js'): void {
  if (workbox || status().state !== 'registering') return;
  if (!('serviceWorker' in navigator) || !window.isSecureContext) {
    setStatus({ state: 'unsupported' });
    return;
  }
  const wb = new Workbox(url, { scope: '/' });
  workbox = wb;
  wb.addEventListener('waiting', () => setWaiting(true));
  wb.addEventListener('activated', () => setStatus({ state: 'active' }));
  wb.register({ immediate: true }).then(
    (reg) => {
      if (!reg) return;
      if (reg.active) setStatus({ state: 'active' });
      setInterval(() => {
        reg.update().catch((e: unknown) => console.warn('service worker update check failed', e));
      }, UPDATE_CHECK_MS);
    },
    (e: unknown) => {
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      console.warn('service worker registration failed', e);
      setStatus({ state: 'failed', error });
    },
  );
}

/**
 * Asks the server for a new service worker now (a no-op before registration). A found update
 * shows up as `updateWaiting()`; a failed check is logged, never thrown.
 */
export async function checkForUpdate(): Promise<void> {
  try {
    await workbox?.update();
  } catch (e) {
    console.warn('service worker update check failed', e);
  }
}

/**
 * Releases every held key and button on the target (release-hooks.ts), then activates the
 * waiting worker and reloads when it controls the page (or after CONTROL_TIMEOUT_MS). With no
 * waiting worker it releases and reloads. Resolves just before the reload; never rejects.
 */
export async function releaseThenReload(): Promise<void> {
  if (reloading()) return;
  setReloading(true);
  await runReleaseHooks();
  const reg = await navigator.serviceWorker?.getRegistration('/');
  if (!workbox || !reg?.waiting) {
    location.reload();
    return;
  }
  const reload = (): void => {
    navigator.serviceWorker.removeEventListener('controllerchange', reload);
    clearTimeout(timer);
    location.reload();
  };
  navigator.serviceWorker.addEventListener('controllerchange', reload);
  const timer = setTimeout(() => {
    console.warn(`new service worker did not take control in ${CONTROL_TIMEOUT_MS} ms; reloading anyway`);
    reload();
  }, CONTROL_TIMEOUT_MS);
  workbox.messageSkipWaiting();
}
