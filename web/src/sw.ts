/// <reference lib="webworker" />
/**
 * The PWA's service worker (vite-plugin-pwa injectManifest; Service Workers spec, W3C).
 *
 * - Precaches every file of the build (vite.config.ts globPatterns: the shell, every lazy chunk
 *   including each keyboard layout table, the video worker, the icons), so the installed app opens
 *   and plans pastes with no network at all.
 * - The app lives at `/` only: its navigations (`/`, `/?video=worker`, ...) are answered with the
 *   precached index.html whatever the query (every hashed asset has none). `/api/*` and `/ws*`
 *   are never in the precache, so they always go to the bridge.
 * - A new version waits until the page says SKIP_WAITING (web/src/pwa/register.ts sends it after
 *   releasing every held key), so an update never swaps code under a held key.
 */
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

/** Message the page posts to activate a waiting worker (workbox-window's messageSkipWaiting). */
const SKIP_WAITING = 'SKIP_WAITING';

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === SKIP_WAITING) void self.skipWaiting();
});
