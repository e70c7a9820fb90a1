/**
 * The target's screen: an Xvfb server (the "HDMI output" the video command captures). Ready means
 * its unix socket accepts connections. (Not `-displayfd`: with it Xvfb 21 writes no
 * /tmp/.X<n>-lock, so other X servers and tools could not see the display is taken.) `-noreset`
 * keeps keyboard state (Caps Lock and friends) and the keymap when the last client disconnects, as
 * a real machine's would; it also makes the readiness probe's bare connect harmless.
 */
import fs from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startChild, type Child } from './children.ts';
import { SimError } from './errors.ts';

export interface DisplayOptions {
  display: string; // ':N'
  width: number;
  height: number;
  log: (line: string) => void;
}

const READY_TIMEOUT_MS = 10_000;

/** ':99' or ':99.0' → 99. */
export function displayNumber(display: string): number {
  const m = /^:(\d+)(?:\.\d+)?$/.exec(display);
  if (!m) throw new SimError('DISPLAY_FAILED', `SIM_DISPLAY must look like ':99', got '${display}'`);
  return Number(m[1]);
}

/** Pid of a live process holding the X lock file of display `n`, if any. */
function lockHolder(n: number): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/tmp/.X${n}-lock`, 'utf8');
  } catch {
    return undefined; // no lock file: the display is free
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    // EPERM: alive but someone else's; ESRCH: stale lock, which Xvfb clears by itself.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/** True if an X server listens on display `n`'s unix socket. */
function socketAccepts(n: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(`/tmp/.X11-unix/X${n}`);
    sock.setTimeout(1000, () => {
      sock.destroy();
      resolve(false);
    });
    sock.on('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false)); // ENOENT / ECONNREFUSED: nobody listens (yet)
  });
}

/**
 * Starts `Xvfb <display> -screen 0 <W>x<H>x24 -nolisten tcp -noreset` and resolves once it accepts
 * connections. Throws DISPLAY_IN_USE (naming SIM_DISPLAY) when another server holds the display.
 */
export async function startXvfb(o: DisplayOptions): Promise<Child> {
  const n = displayNumber(o.display);
  const holder = lockHolder(n);
  if (holder !== undefined || (await socketAccepts(n))) {
    const who =
      holder !== undefined ? `pid ${holder} holds /tmp/.X${n}-lock` : `a server listens on /tmp/.X11-unix/X${n}`;
    throw new SimError(
      'DISPLAY_IN_USE',
      `X display ${o.display} is already in use (${who}); set SIM_DISPLAY to a free display, e.g. SIM_DISPLAY=:${n + 1}`,
    );
  }
  const child = startChild(
    `Xvfb ${o.display}`,
    'Xvfb',
    [o.display, '-screen', '0', `${o.width}x${o.height}x24`, '-nolisten', 'tcp', '-noreset'],
    {
      log: o.log,
      onUnexpectedExit: () => o.log(`Xvfb ${o.display} is gone: the simulated target has no screen or input any more`),
    },
  );
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let ready = false;
  while (!ready && child.proc.exitCode === null && child.proc.signalCode === null && Date.now() < deadline) {
    await sleep(25);
    ready = await socketAccepts(n);
  }
  // Xvfb writes its lock before it listens; another pid there means we raced another server.
  const owner = lockHolder(n);
  if (ready && owner !== undefined && owner !== child.proc.pid) {
    await child.stop();
    throw new SimError(
      'DISPLAY_IN_USE',
      `X display ${o.display} was taken by pid ${owner} while starting; set SIM_DISPLAY to a free display`,
    );
  }
  if (!ready || child.proc.exitCode !== null) {
    await child.stop();
    throw new SimError(
      'DISPLAY_FAILED',
      `Xvfb ${o.display} did not start (see the [Xvfb] log lines); if the display is taken, set SIM_DISPLAY to a free one`,
    );
  }
  return child;
}
