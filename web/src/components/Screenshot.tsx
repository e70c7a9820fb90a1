import { createSignal } from 'solid-js';
import type { VideoClient } from '../video/video-client.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** `kvm-YYYY-MM-DDTHH-MM-SS.png` in local time (ISO 8601 with '-' for ':', which file systems refuse). */
export function screenshotName(at: Date = new Date()): string {
  const d = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `kvm-${d}T${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}.png`;
}

/** Saves `blob` as a download named `name` (an <a download> click; the object URL lives 60 s). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Toolbar button (issue 10): saves the last painted frame as a PNG at the video's size. The canvas
 * belongs to the video worker, so the worker encodes it (VideoClient.screenshot()).
 */
export function ScreenshotButton(props: { video: VideoClient | undefined }) {
  const [error, setError] = createSignal('');
  const take = async () => {
    const video = props.video;
    if (!video) return;
    const name = screenshotName(); // the moment of the click, not when the encode ends
    try {
      saveBlob(await video.screenshot(), name);
      setError('');
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      console.warn('screenshot failed', e);
      setError(msg.startsWith('no-frame') ? 'No picture yet' : `Screenshot failed: ${msg}`);
    }
  };
  return (
    <button
      data-testid="screenshot"
      title={error() || 'Save the current picture as a PNG file'}
      disabled={!props.video}
      onClick={() => void take()}
    >
      Screenshot
    </button>
  );
}
