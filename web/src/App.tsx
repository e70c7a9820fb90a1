import { createSignal } from 'solid-js';
import type { Frame } from '../../protocol/index.ts';
import { Screen } from './components/Screen.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { bridgeUrl, createKvmSession } from './lib/session.ts';
import type { VideoClient } from './video/video-client.ts';

declare global {
  interface Window {
    /** Read-only hooks for tests and benchmarks: frame stats and connection state. */
    kvm?: { stats: () => Promise<unknown>; connection: () => unknown };
  }
}

export function App() {
  let sink: ((f: Frame) => void) | null = null;
  const [video, setVideo] = createSignal<VideoClient>();
  const session = createKvmSession({ url: bridgeUrl(), onFrame: (f) => sink?.(f) });
  window.kvm = {
    stats: async () => (await video()?.stats()) ?? null,
    connection: () => ({ ...session.info(), hid: session.hid(), leds: session.leds(), video: session.video(), decodeErrors: session.decodeErrors() }),
  };
  return (
    <div class="app">
      <StatusBar session={session} video={video} />
      <Screen
        session={session}
        onReady={(s, v) => {
          sink = s;
          setVideo(() => v);
        }}
      />
    </div>
  );
}
