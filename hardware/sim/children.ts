/**
 * Child processes of the simulated target (Xvfb, xterm, socat). Every child is registered so it
 * cannot outlive this process: stop() ends it, and process 'exit' / SIGINT / SIGTERM handlers end
 * whatever is left. stderr goes to the caller's log line by line; an exit nobody asked for is logged
 * loudly, because the target then silently stops behaving like a computer.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 2000); resolves once it is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface ChildOptions {
  log: (line: string) => void;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdio?: SpawnOptions['stdio'];
  /** Called after an exit that stop() did not cause. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

const EXIT_GRACE_MS = 100;
const live = new Set<ChildProcess>();
let handlersInstalled = false;
let shuttingDown = false;

/** True once this process is exiting on a signal or 'exit'; exits then are expected, not failures. */
export function isShuttingDown(): boolean {
  return shuttingDown;
}

const exitCleanups = new Set<() => void>();

/** Registers synchronous cleanup (e.g. removing temp dirs) for exit/signal; returns the unregister. */
export function onExitCleanup(fn: () => void): () => void {
  installHandlers();
  exitCleanups.add(fn);
  return () => void exitCleanups.delete(fn);
}

function killAllNow(): void {
  shuttingDown = true;
  for (const proc of live) {
    // SIGTERM: Xvfb removes its lock file and socket on it; nothing here needs SIGKILL.
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
  }
  live.clear();
  for (const fn of exitCleanups) {
    try {
      fn();
    } catch (err) {
      console.error(`simulated target: exit cleanup failed: ${String(err)}`);
    }
  }
  exitCleanups.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      killAllNow();
      // Our listener replaced the default "exit on signal"; restore it unless someone else handles it.
      if (process.listenerCount(signal) === 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.on(signal, onSignal);
  }
}

/** Spawns `cmd args` as a supervised child. Spawn failures (ENOENT) arrive as an exit with code null. */
export function startChild(name: string, cmd: string, args: readonly string[], opts: ChildOptions): Child {
  installHandlers();
  const proc = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: opts.stdio ?? ['ignore', 'ignore', 'pipe'],
  });
  live.add(proc);
  let stopping = false;
  if (proc.stderr) {
    createInterface({ input: proc.stderr }).on('line', (line) => {
      if (line.trim()) opts.log(`[${name}] ${line}`);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('error', (err) => {
      opts.log(`[${name}] failed to run ${cmd}: ${err.message}`);
      live.delete(proc);
      resolve({ code: null, signal: null });
    });
    proc.on('exit', (code, signal) => {
      live.delete(proc);
      resolve({ code, signal });
    });
  });
  void exited
    // A terminal's Ctrl-C reaches the whole process group, so children may die a moment before our
    // own SIGINT handler runs; give it that moment before calling the exit unexpected.
    .then((result) => sleep(EXIT_GRACE_MS).then(() => result))
    .then(({ code, signal }) => {
      if (stopping || shuttingDown) return;
      opts.log(`[${name}] pid ${proc.pid ?? '?'} EXITED UNEXPECTEDLY (code ${code}, signal ${signal})`);
      opts.onUnexpectedExit?.(code, signal);
    });

  let stopped: Promise<void> | undefined;
  const stop = (graceMs = 2000): Promise<void> => {
    stopping = true;
    stopped ??= (async () => {
      if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return void (await exited);
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    })();
    return stopped;
  };
  return { name, proc, exited, stop };
}
