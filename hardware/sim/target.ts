/**
 * The simulated target: the computer at the far end of the KVM's USB and HDMI cables, built from
 * real parts (Xvfb screen, xterm + bash, ptys as HID gadget endpoints, XTEST for input). The bridge
 * talks to it through exactly the interfaces it uses on a Pi: device paths it opens and writes
 * fixed-size reports to, and a command whose stdout is multipart MJPEG. See README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { onExitCleanup, type Child } from './children.ts';
import { ensureSimDeps } from './deps.ts';
import { startXvfb } from './display.ts';
import { describeError } from './errors.ts';
import { startHidHost, type HidHost, type HidStats } from './hid-host.ts';
import { startTerminal, type Terminal } from './terminal.ts';
import { videoCommand, DEFAULT_FPS } from './video.ts';
import { openXInput, type XInput } from './x-input.ts';

export interface SimTargetOptions {
  /** X display, default process.env.SIM_DISPLAY ?? ':99'. */
  display?: string;
  /** Screen size in pixels, default 1280x720. */
  width?: number;
  height?: number;
  /** Video frames per second, default 30. */
  fps?: number;
  /** Where the device links go; default a fresh directory under os.tmpdir(), removed on stop(). */
  runDir?: string;
  /** The shell's working directory; default `<runDir>/work`. */
  workDir?: string;
  /** xkb layout of the target, as for `setxkbmap` (e.g. 'de'); default the server's ('us'). */
  xkbLayout?: string;
  log?: (line: string) => void;
}

export interface SimTarget {
  display: string;
  width: number;
  height: number;
  /** Paths the bridge opens instead of /dev/hidg0..2. */
  devices: { keyboard: string; mouse: string; mouseRelative: string };
  /** argv for the bridge's command video source; stdout is `ffmpeg -f mpjpeg`. */
  videoCommand: string[];
  stats(): HidStats;
  /** Kills everything it started and removes the links; idempotent. */
  stop(): Promise<void>;
}

const run = promisify(execFile);

/**
 * Starts Xvfb, the input path (XTEST client + three pty endpoints), then the terminal, and
 * resolves once the device links exist and the shell is ready for keys. On failure everything
 * already started is stopped before the error is rethrown.
 */
export async function startSimTarget(opts: SimTargetOptions = {}): Promise<SimTarget> {
  const log = opts.log ?? ((line: string) => console.error(`[sim] ${line}`));
  const display = opts.display ?? process.env.SIM_DISPLAY ?? ':99';
  const width = opts.width ?? 1280;
  const height = opts.height ?? 720;
  await ensureSimDeps(log);

  const ownRunDir = opts.runDir === undefined;
  const runDir = opts.runDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kvm-sim-'));
  fs.mkdirSync(runDir, { recursive: true });
  const workDir = opts.workDir ?? path.join(runDir, 'work');
  fs.mkdirSync(workDir, { recursive: true });

  let xvfb: Child | undefined, x: XInput | undefined, host: HidHost | undefined, term: Terminal | undefined;
  const removeFiles = (): void => {
    if (ownRunDir) fs.rmSync(runDir, { recursive: true, force: true });
    else
      for (const name of ['keyboard', 'mouse', 'mouse-relative', 'shell-ready'])
        fs.rmSync(path.join(runDir, name), { force: true });
  };
  const unregisterCleanup = onExitCleanup(removeFiles);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      // Reverse start order; each step is attempted even if an earlier one failed.
      for (const step of [() => term?.stop(), () => host?.stop(), () => x?.close(), () => xvfb?.stop()]) {
        try {
          await step();
        } catch (err) {
          log(`stop: ${describeError(err)}`);
        }
      }
      unregisterCleanup();
      removeFiles();
    })());

  try {
    xvfb = await startXvfb({ display, width, height, log });
    if (opts.xkbLayout) await run('setxkbmap', ['-display', display, opts.xkbLayout]);
    x = await openXInput(display, log);
    host = await startHidHost({ runDir, width, height, x, log });
    term = await startTerminal({ display, width, height, workDir, runDir, log });
  } catch (err) {
    await stop();
    throw err;
  }
  const h = host;
  log(`simulated target on ${display} (${width}x${height}); devices in ${runDir}`);
  return {
    display,
    width,
    height,
    devices: h.devices,
    videoCommand: videoCommand({ display, width, height, fps: opts.fps ?? DEFAULT_FPS }),
    stats: () => h.stats(),
    stop,
  };
}
