/**
 * What the target shows: an xterm covering the whole screen, running an interactive bash with
 * hardware/sim/target-bashrc. If the shell exits (someone typed `exit`), a fresh terminal replaces
 * it, like a login prompt coming back.
 *
 * There is no window manager, so nobody else places, sizes or focuses the window:
 * - Size. xterm creates its window at 1x1, sizes it to 80x24 cells (724x460 with DejaVu Sans Mono
 *   11) and only then maps it; a resize sent before the map is undone by xterm's own. So the
 *   terminal waits for the window to be viewable, resizes it to the screen, reads the geometry
 *   back, and retries until it fits (bounded: FIT_TIMEOUT_MS, then TERMINAL_FAILED).
 * - Focus. X keyboard focus would stay PointerRoot (keys go to the window under the pointer), so
 *   keys typed while the pointer sat outside a window that did not fill the screen were lost.
 *   The terminal gets the input focus explicitly (`xdotool windowfocus`: XSetInputFocus with
 *   RevertToParent, the parent being the root, so focus falls back to pointer-root behaviour
 *   only while a respawned terminal is coming up).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { startChild, type Child } from './children.ts';
import { SimError, describeError } from './errors.ts';

const run = promisify(execFile);
const BASHRC = fileURLToPath(new URL('./target-bashrc', import.meta.url));
const READY_TIMEOUT_MS = 15_000;
const RESPAWN_MIN_INTERVAL_MS = 2000;
/** How long the window may take to be mapped, and then to take the screen's size. */
const MAP_TIMEOUT_MS = 10_000;
const FIT_TIMEOUT_MS = 5000;
/** A fitted geometry must still hold after this long (xterm may answer a resize with its own). */
const FIT_SETTLE_MS = 100;
const POLL_MS = 20;
/** A resize request that has not taken effect by then is sent again. */
const RESEND_MS = 250;

export interface TerminalOptions {
  display: string;
  width: number;
  height: number;
  workDir: string;
  runDir: string;
  log: (line: string) => void;
}

export interface Terminal {
  stop(): Promise<void>;
}

/** xterm argv: DejaVu Sans Mono 11, black on white, no border or scrollbar, steady cursor, pointer always shown. */
export function xtermArgs(display: string): string[] {
  return [
    '-display',
    display,
    '-name',
    'simtarget',
    '-class',
    'SimTarget',
    '-geometry',
    '+0+0',
    '-bw',
    '0',
    '+sb',
    '+bc',
    '-fa',
    'DejaVu Sans Mono',
    '-fs',
    '11',
    '-bg',
    'white',
    '-fg',
    'black',
    '-xrm',
    'XTerm*cursorBlink: false',
    '-xrm',
    'XTerm*pointerMode: 0',
    '-e',
    'bash',
    '--noprofile',
    '--rcfile',
    BASHRC,
    '-i',
  ];
}

/** Window geometry in pixels, as `xdotool getwindowgeometry --shell` prints it. */
export interface WindowGeometry {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Parses `xdotool getwindowgeometry --shell` output (`X=0\nY=0\nWIDTH=1280\n...`). */
export function parseGeometry(text: string): WindowGeometry | undefined {
  const field = (k: string): number | undefined => {
    const m = new RegExp(`^${k}=(-?\\d+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const [x, y, width, height] = ['X', 'Y', 'WIDTH', 'HEIGHT'].map(field);
  if (x === undefined || y === undefined || width === undefined || height === undefined) return undefined;
  return { x, y, width, height };
}

const xdotool = async (env: NodeJS.ProcessEnv, args: string[]): Promise<string> =>
  (await run('xdotool', args, { env, timeout: 5000 })).stdout;

/** Reads a window's geometry; throws (xdotool's error) if the window is gone. */
export async function windowGeometry(env: NodeJS.ProcessEnv, wid: string): Promise<WindowGeometry> {
  const text = await xdotool(env, ['getwindowgeometry', '--shell', wid]);
  const g = parseGeometry(text);
  if (!g) throw new Error(`xdotool getwindowgeometry printed no geometry: ${text.trim()}`);
  return g;
}

/** The viewable top-level window of xterm `pid`, polled until `deadline` (Date.now() ms). */
async function mappedWindow(env: NodeJS.ProcessEnv, child: Child, deadline: number): Promise<string> {
  const pid = String(child.proc.pid);
  for (;;) {
    try {
      const out = await xdotool(env, ['search', '--all', '--onlyvisible', '--pid', pid, '--classname', 'simtarget']);
      const wid = out.split('\n').find(Boolean);
      if (wid) return wid;
    } catch (err) {
      // Exit status 1 is "no window matched (yet)"; anything else (ENOENT, timeout) is real.
      if ((err as { code?: unknown }).code !== 1) throw err;
    }
    if (child.proc.exitCode !== null) throw new Error('xterm exited before its window was mapped');
    if (Date.now() > deadline) throw new Error(`xterm's window was not mapped within ${MAP_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

const fits = (g: WindowGeometry, o: TerminalOptions): boolean =>
  g.x === 0 && g.y === 0 && g.width === o.width && g.height === o.height;
const show = (g: WindowGeometry): string => `${g.width}x${g.height}+${g.x}+${g.y}`;

/**
 * Makes window `wid` cover the screen: reads its geometry until it is 0,0 and width x height and
 * still is FIT_SETTLE_MS later, sending `windowmove 0 0 windowsize W H` while it is not (again
 * every RESEND_MS). Cheap when it already fits: nothing is sent.
 * @throws Error naming the last geometry seen, after FIT_TIMEOUT_MS
 */
async function fitToScreen(env: NodeJS.ProcessEnv, wid: string, o: TerminalOptions): Promise<void> {
  const deadline = Date.now() + FIT_TIMEOUT_MS;
  let requests = 0;
  let sentAt = -Infinity;
  for (;;) {
    let g = await windowGeometry(env, wid);
    if (fits(g, o)) {
      await sleep(FIT_SETTLE_MS);
      g = await windowGeometry(env, wid);
      if (fits(g, o)) {
        if (requests > 1) o.log(`terminal fits the screen after ${requests} resize requests`);
        return;
      }
      sentAt = -Infinity; // it was resized back: ask again at once
    }
    if (Date.now() > deadline)
      throw new Error(
        `terminal window stayed ${show(g)} instead of ${o.width}x${o.height}+0+0 ` +
          `after ${requests} resize requests in ${FIT_TIMEOUT_MS} ms`,
      );
    if (Date.now() - sentAt >= RESEND_MS) {
      await xdotool(env, ['windowmove', wid, '0', '0', 'windowsize', wid, String(o.width), String(o.height)]);
      requests++;
      sentAt = Date.now();
    } else {
      await sleep(POLL_MS);
    }
  }
}

async function launch(o: TerminalOptions, onExit: () => void): Promise<Child> {
  const readyFile = path.join(o.runDir, 'shell-ready');
  fs.rmSync(readyFile, { force: true });
  // A UTF-8 locale, as a desktop target has: xterm then types UTF-8, and Xlib's built-in input
  // method composes dead keys with the X Compose table (C.UTF-8 maps to en_US.UTF-8/Compose).
  const env = {
    ...process.env,
    DISPLAY: o.display,
    SIM_WORKDIR: o.workDir,
    SIM_READY_FILE: readyFile,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
  };
  const child = startChild('xterm', 'xterm', xtermArgs(o.display), {
    log: o.log,
    cwd: o.workDir,
    env,
    onUnexpectedExit: onExit,
  });
  try {
    const wid = await mappedWindow(env, child, Date.now() + MAP_TIMEOUT_MS);
    await fitToScreen(env, wid, o);
    await xdotool(env, ['windowfocus', '--sync', wid]);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!fs.existsSync(readyFile)) {
      if (child.proc.exitCode !== null || Date.now() > deadline) throw new Error('the shell never signalled readiness');
      await sleep(20);
    }
    // The shell took its time; make sure nothing resized the window meanwhile (cheap when it fits).
    await fitToScreen(env, wid, o);
  } catch (err) {
    await child.stop();
    throw new SimError('TERMINAL_FAILED', `terminal on ${o.display} did not come up: ${describeError(err)}`, {
      cause: err,
    });
  }
  return child;
}

/** Starts the terminal; resolves when the shell has read its rcfile and keys can be typed. */
export async function startTerminal(o: TerminalOptions): Promise<Terminal> {
  let stopping = false;
  let lastStart = Date.now();
  let child: Child;
  const respawn = (): void => {
    if (stopping) return;
    const wait = Math.max(0, lastStart + RESPAWN_MIN_INTERVAL_MS - Date.now());
    o.log(`terminal exited; starting a new one in ${wait} ms`);
    void sleep(wait)
      .then(() => {
        if (stopping) return;
        lastStart = Date.now();
        return launch(o, respawn).then((c) => void (child = c));
      })
      .catch((err: unknown) => o.log(`terminal restart failed: ${describeError(err)}`));
  };
  child = await launch(o, respawn);
  return {
    async stop() {
      stopping = true;
      await child.stop();
    },
  };
}
