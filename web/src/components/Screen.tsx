import { onCleanup, onMount } from 'solid-js';
import type { Frame } from '../../../protocol/index.ts';
import { forwardInput } from '../lib/input-forwarding.ts';
import type { Layout } from '../lib/layouts/index.ts';
import type { KvmSession } from '../lib/session.ts';
import { makeVideoClient, type VideoClient } from '../video/video-client.ts';

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
}

/**
 * The target's screen: a canvas painted by the video worker, scaled with object-fit: contain.
 * Pointer input on it and keyboard input on the window go to the target as HID reports.
 */
export function Screen(props: ScreenProps) {
  let canvas!: HTMLCanvasElement;
  onMount(() => {
    const video = makeVideoClient(canvas);
    props.onReady((f) => video.frame(f.jpeg, f.seq, f.timestamp, f.sentAt), video);
    const stop = forwardInput(window, canvas, {
      send: (m) => props.session.send(m),
      mayInput: () => props.session.info().state === 'open' && props.mayInput(),
      blockedInput: () => props.onBlockedInput(),
      batchActive: () => props.session.batchActive(),
      videoSize: () => ({ width: props.session.video().width, height: props.session.video().height }),
      translation: () => props.translation(),
    });
    onCleanup(() => {
      stop();
      video.dispose();
    });
  });
  return (
    <div class="screen">
      <canvas ref={canvas} id="screen" tabIndex={0} aria-label="Target screen" />
      {!props.session.video().present && (
        <div class="no-signal" role="status">
          No signal{props.session.video().reason ? `: ${props.session.video().reason}` : ''}
        </div>
      )}
    </div>
  );
}
