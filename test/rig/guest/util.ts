import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

/** Prints one machine-readable result line on the serial console for the host test. */
export function emit(type: string, data: Record<string, unknown> = {}): void {
  process.stdout.write(`@rig ${JSON.stringify({ type, uptime: uptime(), ...data })}\n`);
}

/** Guest seconds since boot, from /proc/uptime. */
export function uptime(): number {
  return Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

export class RigCheckError extends Error {
  override name = 'RigCheckError';
  constructor(
    readonly code: 'timeout' | 'mismatch' | 'setup',
    message: string,
  ) {
    super(message);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `cond` every 5 ms for up to `timeoutMs`; resolves with the ms it took, or null on timeout. */
export async function until(cond: () => boolean, timeoutMs: number): Promise<number | null> {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > timeoutMs) return null;
    await sleep(5);
  }
  return Math.round(performance.now() - start);
}

/**
 * Like until(), for conditions the check cannot go on without.
 * @throws RigCheckError 'timeout' after `timeoutMs`, naming `what`
 */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const ms = await until(cond, timeoutMs);
  if (ms === null) throw new RigCheckError('timeout', `timed out after ${timeoutMs} ms waiting for ${what}`);
  return ms;
}

/**
 * Resolves with `p`'s value and the ms it took, or null if it has not settled within `timeoutMs`
 * (it is not cancelled). A rejection of `p` rejects.
 */
export async function within<T>(p: Promise<T>, timeoutMs: number): Promise<{ value: T; ms: number } | null> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)));
  try {
    const value = await Promise.race([p.then((v) => ({ v })), late]);
    return value && { value: value.v, ms: Math.round(performance.now() - start) };
  } finally {
    clearTimeout(timer);
  }
}

export interface GadgetRun {
  status: number | null;
  out: string;
  ms: number;
}

/** Runs the bundled gadget setup the way the systemd unit does: `node webkvm-gadget.mjs <cmd>`. */
export function runGadget(bundle: string, ...args: string[]): GadgetRun {
  const start = performance.now();
  const r = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}`.trim(), ms: Math.round(performance.now() - start) };
}
