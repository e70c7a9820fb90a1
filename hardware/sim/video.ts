/**
 * The target's "HDMI capture": the argv of a command whose stdout is multipart MJPEG, which the
 * bridge's command video source spawns (the sim only describes it). ffmpeg grabs the Xvfb screen
 * with x11grab, including the pointer as a capture card would see it, and writes
 * `--ffmpeg\r\nContent-type: image/jpeg\r\nContent-length: N\r\n\r\n<jpeg>` parts (-f mpjpeg).
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

/** `ffmpeg -f x11grab ... -c:v mjpeg -q:v <q> -f mpjpeg -` for the given display and size. */
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
    '-q:v',
    String(o.quality ?? DEFAULT_JPEG_QUALITY),
    '-f',
    'mpjpeg',
    '-',
  ];
}
