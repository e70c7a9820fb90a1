import { Show } from 'solid-js';
import { installOffered, promptInstall } from './install.ts';
import { releaseThenReload, swStatus, updateReloading, updateWaiting } from './register.ts';
import './pwa.css';

/**
 * The PWA's own prompts, on every page (login, setup, KVM): "Install app" while the browser
 * offers installation, and "New version: reload" while an update waits (the reload releases
 * every held key first: register.ts). The wrapper carries the service worker state for tests
 * (`data-sw`: unsupported | registering | active | failed) and is invisible when it has nothing
 * to offer.
 */
export function PwaPrompts() {
  return (
    <div class="pwa-prompts" data-testid="pwa" data-sw={swStatus().state} data-update={String(updateWaiting())}>
      <Show when={updateWaiting()}>
        <button
          class="pwa-update"
          data-testid="pwa-update"
          disabled={updateReloading()}
          title="Releases every held key on the target, then loads the new version"
          onClick={() => void releaseThenReload()}
        >
          {updateReloading() ? 'Reloading…' : 'New version: reload'}
        </button>
      </Show>
      <Show when={installOffered()}>
        <button
          data-testid="pwa-install"
          title="Install the KVM as an app: it opens from the home screen or dock, and offline"
          onClick={() => {
            promptInstall().catch((e: unknown) => console.warn('install prompt failed', e));
          }}
        >
          Install app
        </button>
      </Show>
    </div>
  );
}
