import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { RIG_PREFIX } from './initramfs.ts';

/** One `@rig {json}` line from the guest, with the host wall time it arrived at. */
export interface RigRecord {
  type: string;
  /** ms since QEMU was started (host clock). */
  atMs: number;
  [key: string]: unknown;
}

export interface QemuRun {
  /** QEMU's exit code; null if it was killed on timeout. */
  code: number | null;
  timedOut: boolean;
  records: RigRecord[];
  wallMs: number;
  /** Path of the whole serial console log. */
  consoleLog: string;
}

export interface QemuOptions {
  vmlinuz: string;
  initrd: string;
  consoleLog: string;
  timeoutMs: number;
  /** Extra kernel command line words, e.g. `webkvm.only=paste` (read by the guest's main.ts). */
  append?: readonly string[];
  onRecord?: (r: RigRecord) => void;
}

/**
 * Boots the kernel under TCG (KVM hangs in nested virtualisation here, hardware-facts §4) with
 * one vCPU, since the host's two cores are shared. Kernel messages are kept quiet so they rarely
 * split a result line; records are still found anywhere in a line.
 */
export function runQemu(opts: QemuOptions): Promise<QemuRun> {
  const append = [
    'console=ttyS0',
    'quiet',
    'loglevel=3',
    'panic=-1',
    'mitigations=off',
    'nokaslr',
    ...(opts.append ?? []),
  ].join(' ');
  const args = [
    '-accel',
    'tcg',
    '-m',
    '1024',
    '-smp',
    '1',
    '-nographic',
    '-no-reboot',
    '-nodefaults',
    '-serial',
    'stdio',
    '-kernel',
    opts.vmlinuz,
    '-initrd',
    opts.initrd,
    '-append',
    append,
  ];
  const started = Date.now();
  const log = fs.createWriteStream(opts.consoleLog);
  const records: RigRecord[] = [];
  return new Promise((resolve, reject) => {
    const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      qemu.kill('SIGKILL');
    }, opts.timeoutMs);
    let partial = '';
    qemu.stdout.on('data', (chunk: Buffer) => {
      log.write(chunk);
      const lines = (partial + chunk.toString('latin1')).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const at = line.indexOf(RIG_PREFIX);
        if (at < 0) continue;
        try {
          const rec = {
            ...(JSON.parse(line.slice(at + RIG_PREFIX.length)) as object),
            atMs: Date.now() - started,
          } as RigRecord;
          records.push(rec);
          opts.onRecord?.(rec);
        } catch (e) {
          // A kernel message printed into the middle of our line; keep it visible in the results.
          records.push({ type: 'garbled', atMs: Date.now() - started, line, error: String(e) });
        }
      }
    });
    qemu.stderr.on('data', (chunk: Buffer) => log.write(chunk));
    qemu.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    qemu.on('close', (code) => {
      clearTimeout(timer);
      log.end();
      resolve({ code, timedOut, records, wallMs: Date.now() - started, consoleLog: opts.consoleLog });
    });
  });
}
