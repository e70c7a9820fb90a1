/**
 * What the target shows: an xterm covering the whole screen, running an interactive bash with
 * hardware/sim/target-bashrc. There is no window manager, so X keyboard focus stays PointerRoot
 * (keys go to the window under the pointer); a full-screen xterm is under every pointer position,
 * so typing works wherever the mouse was moved. If the shell exits (someone typed `exit`), a fresh
 * terminal replaces it, like a login prompt coming back.
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
    // No window manager places or sizes the window, so stretch it to the screen ourselves.
    await run(
      'xdotool',
      [
        'search',
        '--sync',
        '--classname',
        'simtarget',
        'windowmove',
        '0',
        '0',
        'windowsize',
        String(o.width),
        String(o.height),
      ],
      {
        env,
        timeout: READY_TIMEOUT_MS,
      },
    );
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!fs.existsSync(readyFile)) {
      if (child.proc.exitCode !== null || Date.now() > deadline) throw new Error('the shell never signalled readiness');
      await sleep(20);
    }
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
