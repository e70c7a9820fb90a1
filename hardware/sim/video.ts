/**
 * The target's "HDMI capture": the argv of a command whose stdout is multipart MJPEG, which the
 * bridge's command video source spawns (the sim only describes it). ffmpeg grabs the Xvfb screen
 * with x11grab, including the pointer as a capture card would see it, and writes
 * `--ffmpeg\r\nContent-type: image/jpeg\r\nContent-length: N\r\n\r\n<jpeg>` parts (-f mpjpeg).
 *
 * Encoder settings that keep latency at one frame (issue 11, measured at 720p and 1080p):
 * - `-threads 1`: ffmpeg's mjpeg encoder is frame-threaded by default and then holds about two
 *   frames in flight (grab-to-bridge 80 ms instead of 20 ms at 720p); one thread encodes each frame
 *   as it arrives.
 * - `-fps_mode vfr`: the default constant-frame-rate muxing writes byte-identical copies of the
 *   last frame whenever the encoder falls behind (3–8 % of frames at 720p, 48 % at 1080p, with a
 *   backlog of seconds); variable frame rate writes each grabbed frame once and drops nothing new.
 *   (`-fps_mode` replaced `-vsync` in ffmpeg 5.1, Debian bookworm's version.)
 */

export interface VideoCommandOptions {
  display: string;
  width: number;
  height: number;
  /** Frames per second, default 30. */
  fps?: number;
  /**
   * MJPEG quantiser, 2 (best) .. 31; default 5. At 5 an 11 pt terminal stays crisp at about
   * 160 KB per 1280x720 frame full of text; 8 is still readable at about 130 KB.
   */
  quality?: number;
}

export const DEFAULT_FPS = 30;
export const DEFAULT_JPEG_QUALITY = 5;

/** `ffmpeg -f x11grab ... -c:v mjpeg -threads 1 -q:v <q> -fps_mode vfr -f mpjpeg -` for the given display and size. */
export function videoCommand(o: VideoCommandOptions): string[] {
  return [
    'ffmpeg',
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'x11grab',
    '-draw_mouse',
    '1',
    '-framerate',
    String(o.fps ?? DEFAULT_FPS),
    '-video_size',
    `${o.width}x${o.height}`,
    '-i',
    o.display,
    '-c:v',
    'mjpeg',
    '-threads',
    '1',
    '-q:v',
    String(o.quality ?? DEFAULT_JPEG_QUALITY),
    '-fps_mode',
    'vfr',
    '-f',
    'mpjpeg',
    '-',
  ];
}
