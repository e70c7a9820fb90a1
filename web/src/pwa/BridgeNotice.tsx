import { createEffect, createMemo, createSignal, on, onCleanup, Show } from 'solid-js';
import type { ConnectionInfo } from '../lib/connection.ts';
import { checkForUpdate } from './register.ts';
import './pwa.css';

/**
 * "Bridge unreachable, retrying": shown while the page cannot reach the bridge (from the first
 * failed attempt until a socket opens again), with the retry countdown and whether this device
 * itself is offline. What still works offline is said too: the installed app runs from the
 * service worker's precache (the macro library, paste planning for every layout). When the
 * browser reports the network is back (`online`), it retries at once instead of waiting out
 * the backoff. When the bridge is back, it asks for a new version of the app: a device update
 * restarts the bridge, and the page should offer "New version: reload" right away.
 */
export function BridgeNotice(props: { info: () => ConnectionInfo; reconnect: () => void }) {
  const [now, setNow] = createSignal(Date.now());
  const [online, setOnline] = createSignal(navigator.onLine);
  const tick = setInterval(() => setNow(Date.now()), 500);
  const onOnline = (): void => {
    setOnline(true);
    props.reconnect();
  };
  const onOffline = (): void => {
    setOnline(false);
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  onCleanup(() => {
    clearInterval(tick);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
  });
  // Unreachable from a close until the next open; 'connecting' in between keeps the notice up.
  const unreachable = createMemo<boolean>((was) => {
    const s = props.info().state;
    return s === 'closed' || (s === 'connecting' && was);
  }, false);
  createEffect(
    on(unreachable, (down, wasDown) => {
      if (wasDown && !down) void checkForUpdate();
    }),
  );
  const retry = () => {
    const i = props.info();
    if (i.state !== 'closed') return 'retrying now…';
    return `retrying in ${Math.max(0, Math.ceil((i.retryAt - now()) / 1000))} s`;
  };
  return (
    <Show when={unreachable()}>
      <div class="bridge-notice" role="status" data-testid="bridge-unreachable" data-online={String(online())}>
        <strong>Bridge unreachable, {retry()}</strong>
        <span>
          {online() ? '' : 'This device is offline. '}
          The macro library and paste planning work offline; typing and the screen come back with the bridge.
        </span>
      </div>
    </Show>
  );
}
