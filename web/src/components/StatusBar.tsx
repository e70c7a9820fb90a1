import { createSignal, For, lazy, onCleanup, Show, type JSX } from 'solid-js';
import { Led } from '../../../protocol/index.ts';
import type { KvmSession } from '../lib/session.ts';
import type { VideoClient, VideoStats } from '../video/video-client.ts';

// Not needed to show the picture: the overlay and uPlot load on first open (issue 11 §2).
const StatsOverlay = lazy(async () => ({ default: (await import('./stats/StatsOverlay.tsx')).StatsOverlay }));

const LEDS: [string, number][] = [
  ['Num', Led.NumLock],
  ['Caps', Led.CapsLock],
  ['Scroll', Led.ScrollLock],
];

/**
 * Connection, HID, lock-key LEDs and a short frame-timing summary (refreshed every 500 ms), with a
 * Stats button that opens the stats overlay; `children` go at the end. "painted" is distinct
 * painted fps: the encoder's byte-identical repeats are not counted (video/api.ts).
 */
export function StatusBar(props: {
  session: KvmSession;
  video: () => VideoClient | undefined;
  children?: JSX.Element;
}) {
  const [stats, setStats] = createSignal<VideoStats | null>(null);
  const [overlay, setOverlay] = createSignal(false);
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => {
    setNow(Date.now());
    props
      .video()
      ?.stats()
      .then(setStats, (e: unknown) => console.warn('video stats failed', e));
  }, 500);
  onCleanup(() => clearInterval(timer));
  // The session object is fixed for the component's life; its fields are signals read in JSX.
  // eslint-disable-next-line solid/reactivity
  const s = props.session;
  const connText = () => {
    const i = s.info();
    if (i.state === 'open') return `Connected${Number.isFinite(i.rttMs) ? ` · ${i.rttMs.toFixed(1)} ms RTT` : ''}`;
    if (i.state === 'connecting') return 'Connecting…';
    if (i.state === 'refused') return `Refused: ${i.detail}`;
    const wait = Math.max(0, Math.ceil((i.retryAt - now()) / 1000));
    return `Disconnected (${i.detail}) · retrying in ${wait} s`;
  };
  // The overlay sits outside the live region: its figures change every second.
  return (
    <>
      <Show when={overlay()}>
        <StatsOverlay session={s} video={props.video} onClose={() => setOverlay(false)} />
      </Show>
      <header class="status" role="status" aria-live="polite">
        <span class="item" data-testid="conn" data-state={s.info().state}>
          {connText()}
        </span>
        <span class="item" data-testid="hid" data-online={String(s.hid().keyboard && s.hid().mouse)}>
          Keyboard {s.hid().keyboard ? 'online' : 'offline'} · Mouse {s.hid().mouse ? 'online' : 'offline'}
        </span>
        <Show when={s.hid().host !== 'unknown'}>
          <span class="item" data-testid="usb-host" data-host={s.hid().host}>
            Target USB {s.hid().host === 'connected' ? 'connected' : 'not connected'}
          </span>
        </Show>
        <span class="item leds" data-testid="leds" data-leds={s.leds()}>
          <For each={LEDS}>
            {([name, bit]) => (
              <span class="led" classList={{ on: (s.leds() & bit) !== 0 }}>
                {name}
              </span>
            )}
          </For>
        </span>
        <span class="item" data-testid="video">
          {s.video().present ? `${s.video().width}×${s.video().height} · source ${s.video().fps} fps` : 'No signal'}
          <Show when={stats()}>
            {(st) =>
              // A still screen arrives as byte-identical repeats, which are not repainted: say so
              // rather than "painted 0 fps · age 0 ms", which reads like a stalled picture.
              st().distinctPaintFps < 0.5 && st().paintFps > 0
                ? ' · picture unchanged (repeats not repainted)'
                : ` · painted ${st().distinctPaintFps.toFixed(0)} fps · age p50 ${st().ageAtPaintMs.p50.toFixed(0)} ms · decode p50 ${st().decodeMs.p50.toFixed(1)} / p95 ${st().decodeMs.p95.toFixed(1)} ms`
            }
          </Show>
          <button
            class="stats-toggle"
            data-testid="open-stats"
            aria-expanded={overlay()}
            title="Frame timing per stage, drops and 60 s charts"
            onClick={() => setOverlay(!overlay())}
          >
            Stats
          </button>
        </span>
        <Show when={s.lastError()}>
          <span class="item error" data-testid="error">
            {s.lastError()}
          </span>
        </Show>
        {props.children}
      </header>
    </>
  );
}
