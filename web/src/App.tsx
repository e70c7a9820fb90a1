import { createResource, createSignal, Show } from 'solid-js';
import { Led, type Frame } from '../../protocol/index.ts';
import { PastePanel } from './components/PastePanel.tsx';
import { Screen } from './components/Screen.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { Toolbar } from './components/Toolbar.tsx';
import { loadLayout } from './lib/layouts/index.ts';
import { bridgeUrl, createKvmSession } from './lib/session.ts';
import { makeSettings } from './lib/settings.ts';
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
  const [pasteOpen, setPasteOpen] = createSignal(false);
  const { settings, update } = makeSettings();
  const [layout] = createResource(() => settings().targetLayout, loadLayout);
  const session = createKvmSession({ url: bridgeUrl(), onFrame: (f) => sink?.(f) });
  window.kvm = {
    stats: async () => (await video()?.stats()) ?? null,
    connection: () => ({
      ...session.info(),
      hid: session.hid(),
      leds: session.leds(),
      video: session.video(),
      decodeErrors: session.decodeErrors(),
    }),
  };
  const translation = () => {
    const l = layout.state === 'ready' ? layout() : undefined;
    return settings().typingMode === 'translated' && l
      ? { layout: l, capsLock: (session.leds() & Led.CapsLock) !== 0 }
      : null;
  };
  return (
    <div class="app">
      <StatusBar session={session} video={video} />
      <Toolbar
        settings={settings()}
        update={update}
        layoutError={layout.error ? `Layout: ${(layout.error as Error).message}` : ''}
        onPaste={() => setPasteOpen(!pasteOpen())}
      />
      <Show when={pasteOpen()}>
        <PastePanel
          session={session}
          layout={layout.state === 'ready' ? layout() : undefined}
          settings={settings()}
          update={update}
          onClose={() => setPasteOpen(false)}
        />
      </Show>
      <Screen
        session={session}
        translation={translation}
        onReady={(s, v) => {
          sink = s;
          setVideo(() => v);
        }}
      />
    </div>
  );
}
