import { createEffect, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import type { Frame } from '../../../protocol/index.ts';
import { forwardInput, type InputForwarding } from '../lib/input-forwarding.ts';
import {
  leaveFullscreenHint,
  toggleFullscreen,
  watchFullscreen,
  type FullscreenState,
} from '../lib/input/fullscreen.ts';
import type { InputController } from '../lib/input/controller.ts';
import type { Layout } from '../lib/layouts/index.ts';
import type { KvmSession } from '../lib/session.ts';
import type { TouchMode, TouchSource } from '../lib/input/sources/touch.ts';
import { clampZoom, IDENTITY, isZoomed, zoomTransform, type ZoomState } from '../lib/input/zoom.ts';
import { hasTouch } from './TouchModeButton.tsx';
import './TouchMode.css';
import { makeVideoClient, type VideoClient } from '../video/video-client.ts';

/** Desktop input modes the toolbar toggles (issue 9 part 6). */
export interface DesktopInput {
  /** Fullscreen on the screen with Keyboard Lock where available; leaves it if already in it. */
  toggleFullscreen(): void;
  /** Asks for pointer lock on the canvas (relative mouse); Esc leaves it. */
  lockPointer(): void;
  pointerLocked(): boolean;
  /** The target's relative mouse (the gadget pointer lock drives) is online. */
  relativeMouse(): boolean;
  fullscreen(): FullscreenState;
  /** The one input controller; the on-screen keyboard and the phone's text field feed it too. */
  controller: InputController;
}

export interface ScreenProps {
  session: KvmSession;
  /** This page controls the target (a viewer's input is never sent). */
  mayInput: () => boolean;
  /** Input was attempted without control. */
  onBlockedInput: () => void;
  /** Translated typing's layout and Caps Lock, or null for positional typing. */
  translation: () => { layout: Layout; capsLock: boolean } | null;
  /** Receives the frame sink once the canvas exists. */
  onReady: (sink: (f: Frame) => void, video: VideoClient) => void;
  /** Receives the fullscreen and pointer lock controls once the canvas exists. */
  onDesktopInput?: (d: DesktopInput) => void;
  /** How touch on the picture drives the mouse (lib/input/sources/touch.ts); default direct. */
  touchMode?: () => TouchMode;
}

const HINT_STYLE = {
  position: 'absolute',
  top: '0.5rem',
  left: '50%',
  transform: 'translateX(-50%)',
  padding: '0.3rem 0.8rem',
  background: 'rgba(0, 0, 0, 0.75)',
  color: '#eee',
  'border-radius': '4px',
  'pointer-events': 'none',
} as const;

/**
 * The target's screen: a canvas painted by the video worker, scaled with object-fit: contain.
 * Pointer input on it and keyboard input on the window go to the target as HID reports.
 */
export function Screen(props: ScreenProps) {
  let canvas!: HTMLCanvasElement;
  let root!: HTMLDivElement;
  /** The canvas box: pinch zoom transforms it (lib/input/zoom.ts); the canvas fills it. */
  let zoomBox!: HTMLDivElement;
  const [zoom, setZoom] = createSignal<ZoomState>(IDENTITY);
  const [touchReady, setTouchReady] = createSignal(false);
  /** The long press cue, in px from the screen's top-left. */
  const [hold, setHold] = createSignal<{ x: number; y: number; phase: 'start' | 'fire' } | null>(null);
  const [pointerLocked, setPointerLocked] = createSignal(false);
  const [fullscreen, setFullscreen] = createSignal<FullscreenState>({ fullscreen: false, keyboardLocked: false });
  const mayInput = () => props.session.info().state === 'open' && props.mayInput();
  /** The hint shows for a while after each change, then gets out of the picture's way. */
  const [hint, setHint] = createSignal(false);
  createEffect(
    on([pointerLocked, fullscreen], ([locked, fs]) => {
      setHint(locked || fs.fullscreen);
      const t = setTimeout(() => setHint(false), 8000);
      onCleanup(() => clearTimeout(t));
    }),
  );
  onMount(() => {
    const video = makeVideoClient(canvas, {
      transport: props.session.videoTransport,
      videoUrl: props.session.videoUrl,
      token: props.session.token,
    });
    createEffect(() => video.setClockOffset(props.session.info().clockOffsetMs));
    props.onReady((f) => video.frame(f), video);
    const input: InputForwarding = forwardInput(window, canvas, {
      send: (m) => props.session.send(m),
      mayInput,
      blockedInput: () => props.onBlockedInput(),
      batchActive: () => props.session.batchActive(),
      videoSize: () => ({ width: props.session.video().width, height: props.session.video().height }),
      translation: () => props.translation(),
      onPointerLock: setPointerLocked,
    });
    // Touch input is loaded on touch devices only, so a desktop's first load does not carry it.
    let touch: TouchSource | undefined;
    let gone = false;
    const attachTouch = async (): Promise<void> => {
      const { attachTouchSource } = await import('../lib/input/sources/touch.ts');
      if (gone) return;
      touch = attachTouchSource(zoomBox, input.controller, {
        mode: () => props.touchMode?.() ?? 'direct',
        videoSize: () => ({ width: props.session.video().width, height: props.session.video().height }),
        // The box at 1:1: layout offsets ignore the zoom transform, the client rect of the root does not move.
        viewport: () => {
          const r = root.getBoundingClientRect();
          return {
            left: r.left + root.clientLeft + zoomBox.offsetLeft,
            top: r.top + root.clientTop + zoomBox.offsetTop,
            width: zoomBox.offsetWidth,
            height: zoomBox.offsetHeight,
          };
        },
        zoom,
        setZoom,
        onHold: (phase, x, y) => {
          const r = root.getBoundingClientRect();
          if (phase === 'cancel') setHold(null);
          else setHold({ x: x - r.left, y: y - r.top, phase });
          if (phase === 'fire') setTimeout(() => setHold(null), 250);
        },
      });
      setTouchReady(true);
    };
    if (hasTouch()) attachTouch().catch((e: unknown) => console.warn('touch input could not be loaded', e));
    createEffect(
      on(
        () => props.touchMode?.(),
        () => touch?.reset(),
        { defer: true },
      ),
    );
    // A zoomed picture stays inside its box when the box changes size (rotation, OSK, toolbar).
    const reclamp = (): void => {
      if (isZoomed(zoom())) setZoom(clampZoom(zoom(), { width: zoomBox.offsetWidth, height: zoomBox.offsetHeight }));
    };
    const resizes = new ResizeObserver(reclamp);
    resizes.observe(zoomBox);
    // Losing the right to send (disconnect, control taken) forgets what is held here.
    createEffect(
      on(mayInput, (may, was) => {
        if (was && !may) input.inputLost(props.session.info().state === 'open' ? 'control-lost' : 'disconnect');
      }),
    );
    const stopFullscreen = watchFullscreen(document, (fs) => {
      if (!fs) setFullscreen({ fullscreen: false, keyboardLocked: false });
    });
    props.onDesktopInput?.({
      toggleFullscreen: () => void toggleFullscreen(root).then(setFullscreen),
      lockPointer: () => void input.pointerLock.request(),
      pointerLocked,
      relativeMouse: () => props.session.hid().mouseRel,
      fullscreen,
      controller: input.controller,
    });
    onCleanup(() => {
      gone = true;
      touch?.dispose();
      resizes.disconnect();
      input.dispose();
      stopFullscreen();
      video.dispose();
    });
  });
  return (
    <div class="screen zoomable" ref={root}>
      <div
        class="screen-zoom"
        ref={zoomBox}
        style={{ transform: zoomTransform(zoom()) }}
        data-scale={zoom().scale}
        data-touch={touchReady() ? 'ready' : undefined}
      >
        <canvas ref={canvas} id="screen" tabIndex={0} aria-label="Target screen" />
      </div>
      <Show when={hold()}>
        {(h) => (
          <div
            class="touch-hold"
            data-testid="touch-hold"
            data-phase={h().phase}
            style={{ left: `${h().x}px`, top: `${h().y}px` }}
          />
        )}
      </Show>
      <Show when={isZoomed(zoom())}>
        <button
          class="zoom-reset"
          data-testid="zoom-reset"
          title="Back to 1:1 (or double tap with two fingers)"
          onClick={() => setZoom(IDENTITY)}
        >
          {zoom().scale.toFixed(1)}× · 1:1
        </button>
      </Show>
      {!props.session.video().present && (
        <div class="no-signal" role="status">
          No signal{props.session.video().reason ? `: ${props.session.video().reason}` : ''}
        </div>
      )}
      <Show when={hint()}>
        <div
          style={HINT_STYLE}
          role="status"
          data-testid="input-hint"
          data-keyboard-locked={fullscreen().keyboardLocked}
        >
          {pointerLocked() && !fullscreen().keyboardLocked && 'Mouse captured (relative). Press Esc to release it. '}
          {pointerLocked() && fullscreen().keyboardLocked && 'Mouse captured (relative). Hold Esc to release it. '}
          {leaveFullscreenHint(fullscreen())}
        </div>
      </Show>
    </div>
  );
}
