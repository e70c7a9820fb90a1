import { createEffect, createResource, createSignal, lazy, on, onCleanup, onMount, Show } from 'solid-js';
import { Led, type Frame } from '../../protocol/index.ts';
import { AccountBar } from './components/AccountBar.tsx';
import { CertificateHint } from './components/CertificateHint.tsx';
import { ControlBar } from './components/ControlBar.tsx';
import { createOskSlot } from './components/osk/OskSlot.tsx';
import { PhoneKeyboard } from './components/PhoneKeyboard.tsx';
import { Screen, type DesktopInput } from './components/Screen.tsx';
import { ScreenshotButton } from './components/Screenshot.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { Toolbar } from './components/Toolbar.tsx';
import { TouchModeButton } from './components/TouchModeButton.tsx';
import { VersionRefused } from './components/VersionRefused.tsx';
import { SESSION_ENDED, type Auth } from './lib/auth/auth.ts';
import type { StoredSession } from './lib/auth/stored-session.ts';
import { createControl } from './lib/control.ts';
import { loadLayout } from './lib/layouts/index.ts';
import { bridgeUrl, createKvmSession } from './lib/session.ts';
import { makeSettings } from './lib/settings.ts';
import { BridgeNotice } from './pwa/BridgeNotice.tsx';
import { chooseVideoTransport } from './video/transport.ts';
import type { VideoClient } from './video/video-client.ts';

// Not needed to show the picture: fetched on first use (the macro bar right after the first
// render), so the first load stays small. The service worker precaches them for offline use.
const AdminPanel = lazy(async () => ({ default: (await import('./components/AdminPanel.tsx')).AdminPanel }));
const PastePanel = lazy(async () => ({ default: (await import('./components/PastePanel.tsx')).PastePanel }));
const MacroTools = lazy(async () => ({ default: (await import('./components/macros/MacroTools.tsx')).MacroTools }));

/**
 * The app's height follows the visual viewport, so a phone's soft keyboard (which on Chrome for
 * Android and iOS overlays the page rather than resizing it) shrinks the picture instead of
 * hiding its lower part.
 */
function followVisualViewport(): () => void {
  const vv = window.visualViewport;
  if (!vv) return () => {};
  const apply = (): void => {
    if (Math.abs(vv.scale - 1) > 0.01) return; // pinch-zoomed: the layout stays as it is
    document.documentElement.style.setProperty('--app-height', `${Math.round(vv.height)}px`);
    if (window.scrollY !== 0) window.scrollTo(0, 0);
  };
  apply();
  vv.addEventListener('resize', apply);
  return () => {
    vv.removeEventListener('resize', apply);
    document.documentElement.style.removeProperty('--app-height');
  };
}

declare global {
  interface Window {
    /** Read-only hooks for tests and benchmarks: frame stats and connection state. */
    kvm?: { stats: () => Promise<unknown>; connection: () => unknown };
  }
}

/** The KVM itself for a logged-in user: status, control, toolbar, screen, paste and admin panels. */
export function KvmView(props: { auth: Auth; account: StoredSession }) {
  let sink: ((f: Frame) => void) | null = null;
  const [video, setVideo] = createSignal<VideoClient>();
  const [pasteOpen, setPasteOpen] = createSignal(false);
  const [adminOpen, setAdminOpen] = createSignal(false);
  const [desktop, setDesktop] = createSignal<DesktopInput>();
  const { settings, update } = makeSettings();
  const [layout] = createResource(() => settings().targetLayout, loadLayout);
  const session = createKvmSession({
    url: bridgeUrl(),
    token: () => props.auth.session()?.token ?? '',
    onFrame: (f) => sink?.(f),
    videoTransport: chooseVideoTransport(location.search, settings().videoTransport),
  });
  const control = createControl(session);
  onCleanup(followVisualViewport());
  const osk = createOskSlot();
  // An auth refusal on the socket means the token is dead: back to the login page.
  createEffect(
    on(
      () => session.info().refusal,
      (r) => {
        if (r === 'unauthorized') props.auth.expire(SESSION_ENDED);
      },
    ),
  );
  // Also ask the API once, which refreshes the role an admin may have changed.
  onMount(() => {
    props.auth.me().catch((e: unknown) => console.warn('GET /api/me failed', e));
  });
  window.kvm = {
    stats: async () => (await video()?.stats()) ?? null,
    connection: () => ({
      ...session.info(),
      hid: session.hid(),
      leds: session.leds(),
      video: session.video(),
      control: session.control(),
      decodeErrors: session.decodeErrors(),
    }),
  };
  const translation = () => {
    const l = layout.state === 'ready' ? layout() : undefined;
    return settings().typingMode === 'translated' && l
      ? { layout: l, capsLock: (session.leds() & Led.CapsLock) !== 0 }
      : null;
  };
  /** How the phone keyboard types: always translated, in the target layout. */
  const typing = () =>
    layout.state === 'ready'
      ? {
          layout: layout(),
          capsLock: (session.leds() & Led.CapsLock) !== 0,
          numLock: (session.leds() & Led.NumLock) !== 0,
          unicodeFallback: settings().unicodeFallback,
        }
      : null;
  return (
    <div class="app">
      <CertificateHint />
      <StatusBar session={session} video={video}>
        <AccountBar
          session={props.account}
          adminOpen={adminOpen()}
          onAdmin={() => setAdminOpen(!adminOpen())}
          onLogout={() => void props.auth.logout()}
        />
      </StatusBar>
      <BridgeNotice info={session.info} reconnect={() => session.reconnect()} />
      <Show when={session.info().refusal === 'version'}>
        <VersionRefused />
      </Show>
      <Show when={adminOpen() && props.account.role === 'admin'}>
        <AdminPanel api={props.auth.api} self={props.account.user} onClose={() => setAdminOpen(false)} />
      </Show>
      {/* Control, toolbar and macro bar: rows on wide screens, packed into as few rows as fit on small ones. */}
      <div class="bars">
        <ControlBar control={control} />
        <Toolbar
          settings={settings()}
          update={update}
          layoutError={layout.error ? `Layout: ${(layout.error as Error).message}` : ''}
          onPaste={() => setPasteOpen(!pasteOpen())}
          desktop={desktop()}
          pinned={
            <PhoneKeyboard controller={desktop()?.controller} typing={typing} settings={settings()} update={update} />
          }
        >
          <osk.Button />
          <TouchModeButton mode={settings().touchMode} onChange={(m) => update({ touchMode: m })} />
          <ScreenshotButton video={video()} />
        </Toolbar>
        <MacroTools session={session} layout={layout.state === 'ready' ? layout() : undefined} settings={settings()} />
      </div>
      <Show when={pasteOpen()}>
        <PastePanel
          session={session}
          mayType={control.mayInput()}
          layout={layout.state === 'ready' ? layout() : undefined}
          settings={settings()}
          update={update}
          onClose={() => setPasteOpen(false)}
        />
      </Show>
      <Screen
        session={session}
        mayInput={() => control.mayInput()}
        onBlockedInput={() => control.inputWithoutControl()}
        translation={translation}
        onReady={(s, v) => {
          sink = s;
          setVideo(() => v);
        }}
        onDesktopInput={(d) => setDesktop(() => d)}
        touchMode={() => settings().touchMode}
      />
      <osk.Panel
        controller={desktop()?.controller}
        layout={layout.state === 'ready' ? layout() : undefined}
        leds={session.leds}
        settings={settings()}
        update={update}
      />
    </div>
  );
}
