/**
 * Starts bridge-child.ts as a child process and talks to it over IPC: its port, session tokens,
 * and its own figures (RSS, event-loop delay, counters, HID writes). `exited` settles when the
 * bridge process ends; a crash (exit code ≠ 0, a signal, or an uncaught exception) is recorded in
 * `crashes`, so a fuzzer can tell "the bridge died" from "the bridge refused".
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Role } from '../../bridge/src/auth/index.ts';
import type { ChildConfig, ChildStats } from './bridge-child.ts';

export type { ChildConfig, ChildStats } from './bridge-child.ts';

export interface BridgeProc {
  port: number;
  pid: number;
  child: ChildProcess;
  /** A session token for `user` (made with `role` if missing; default the admin 'local'). */
  token(user?: string, role?: Role): Promise<string>;
  /**
   * The bridge's figures now. `since`: include keyboard writes after this time (ms since the
   * epoch). `resetLoop`: start fresh stall figures after reading these. `gc`: collect garbage
   * first, for an RSS figure that is not just garbage (it stalls the loop: not while measuring).
   */
  stats(opts?: { since?: number; resetLoop?: boolean; gc?: boolean }): Promise<ChildStats>;
  /** Uncaught exceptions and abnormal exits seen so far. */
  crashes: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./bridge-child.ts', import.meta.url));

/** @throws Error if the child exits or says nothing within `readyMs` */
export async function spawnBridge(config: ChildConfig, readyMs = 30_000): Promise<BridgeProc> {
  const child = fork(CHILD, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, BRIDGE_CHILD_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const crashes: string[] = [];
  let stopping = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping || code !== 0) crashes.push(`bridge exited: code ${code} signal ${signal}`);
      resolve({ code, signal });
    }),
  );
  const pending = new Map<number, (m: Record<string, unknown>) => void>();
  let nextId = 1;
  let ready: ((m: { port: number; pid: number }) => void) | undefined;
  child.on('message', (m: { type: string; id?: number; error?: string; port?: number; pid?: number }) => {
    if (m.type === 'crash') crashes.push(`uncaught in bridge: ${m.error}`);
    else if (m.type === 'ready') ready?.({ port: m.port!, pid: m.pid! });
    else if (m.type === 'reply') pending.get(m.id!)?.(m as Record<string, unknown>);
  });
  const request = (m: Record<string, unknown>, timeoutMs = 30_000): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const t = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`bridge child: no answer to ${String(m.type)} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, (r) => {
        clearTimeout(t);
        pending.delete(id);
        resolve(r);
      });
      child.send({ ...m, id });
    });
  const up = await new Promise<{ port: number; pid: number }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`bridge child not ready within ${readyMs} ms`)), readyMs);
    ready = (r) => {
      clearTimeout(t);
      resolve(r);
    };
    void exited.then(() => reject(new Error(`bridge child exited before it was ready: ${crashes.join('; ')}`)));
  });
  return {
    port: up.port,
    pid: up.pid,
    child,
    crashes,
    exited,
    token: async (user = 'local', role: Role = 'admin') =>
      (await request({ type: 'token', user, role })).token as string,
    stats: async (o = {}) => (await request({ type: 'stats', ...o })).stats as ChildStats,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      child.send({ type: 'stop' });
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}
