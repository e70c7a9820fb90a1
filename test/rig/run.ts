/**
 * Builds and boots the kernel rig once and collects the guest's results. Used by rig.test.ts and
 * runnable alone to print the numbers: `npx tsx test/rig/run.ts` (a benchmark, not a test).
 * Needs qemu-system-x86_64 and busybox-static; downloads Debian's kernel on first use.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleGuest } from './bundle.ts';
import { GUEST_GADGET, GUEST_MAIN, GUEST_UDEV_RULES, buildInitramfs } from './initramfs.ts';
import { ensureKernel, rigCacheDir } from './kernel.ts';
import { runQemu, type RigRecord } from './qemu.ts';

export interface CheckRecord {
  name: string;
  ms: number;
  result?: Record<string, unknown>;
  error?: { code: string; message: string; stack: string };
}

export interface RigRun {
  kernel: string;
  checks: Map<string, CheckRecord>;
  records: RigRecord[];
  /** Host-side ms: preparing (download check, bundles, initramfs), QEMU start → gadget configured, QEMU start → exit. */
  prepMs: number;
  bootMs: number | null;
  qemuMs: number;
  initramfsBytes: number;
  qemuCode: number | null;
  timedOut: boolean;
  /** The full serial console of the run, kept in the cache dir for post-mortems. */
  consoleLog: string;
}

export interface RigOptions {
  /** Extra kernel command line words for the guest (see guest/main.ts). */
  append?: readonly string[];
  /** Kill QEMU after this, ms (default 300 000). */
  timeoutMs?: number;
}

export async function runRig(log: (line: string) => void = () => undefined, opts: RigOptions = {}): Promise<RigRun> {
  const start = Date.now();
  const kernel = ensureKernel(log);
  const work = fs.mkdtempSync(join(tmpdir(), 'webkvm-rig-'));
  try {
    const bundles = await bundleGuest(work);
    const initrd = join(work, 'initrd.cpio');
    const rules = fileURLToPath(new URL('../../hardware/gadget/udev/99-webkvm-hid.rules', import.meta.url));
    const files = { [GUEST_MAIN]: bundles.guest, [GUEST_GADGET]: bundles.gadget, [GUEST_UDEV_RULES]: rules };
    const initramfsBytes = buildInitramfs({ kernel, out: initrd, files });
    const prepMs = Date.now() - start;
    const consoleLog = join(rigCacheDir(), 'last-console.log');
    const run = await runQemu({
      vmlinuz: kernel.vmlinuz,
      initrd,
      consoleLog,
      timeoutMs: opts.timeoutMs ?? 300_000,
      append: opts.append ?? [],
      onRecord: (r) => log(`guest: ${r.type}${r.type === 'check' ? ` ${String(r.name)}` : ''}`),
    });
    const checks = new Map<string, CheckRecord>();
    for (const r of run.records) if (r.type === 'check') checks.set(String(r.name), r as unknown as CheckRecord);
    return {
      kernel: kernel.release,
      checks,
      records: run.records,
      prepMs,
      bootMs: run.records.find((r) => r.type === 'configured')?.atMs ?? null,
      qemuMs: run.wallMs,
      initramfsBytes,
      qemuCode: run.code,
      timedOut: run.timedOut,
      consoleLog,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const get = (run: RigRun, name: string, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], run.checks.get(name)?.result);

/** The one-line summary the test prints, e.g. `rig: keyboard 228/228 usages, modifiers 8/8, ...`. */
export function summary(run: RigRun, verdicts: Record<string, boolean>): string {
  const ok = (name: string) => (verdicts[name] ? 'ok' : 'FAILED');
  const s = (ms: number | null) => (ms === null ? '?' : (ms / 1000).toFixed(1));
  const skipped = (get(run, 'keyboard', 'skipped') as unknown[] | undefined)?.length ?? 0;
  const num = (name: string, path: string) => Number(get(run, name, path) ?? 0);
  const drops =
    num('eagain', 'keyboard.synDropped') +
    num('eagain', 'mouse.synDropped') +
    num('keyboard', 'synDropped') +
    num('mice', 'abs.synDropped') +
    num('mice', 'rel.synDropped') +
    num('throughput', 'synDropped');
  const replays =
    ((get(run, 'keyboard', 'replayed') as unknown[] | undefined)?.length ?? 0) +
    ((get(run, 'mice', 'abs.replayed') as unknown[] | undefined)?.length ?? 0) +
    ((get(run, 'mice', 'rel.replayed') as unknown[] | undefined)?.length ?? 0);
  return [
    `rig: keyboard ${String(get(run, 'keyboard', 'usagesOk') ?? 0)}/${String(get(run, 'keyboard', 'usagesTested') ?? '?')} usages (${skipped} skipped)`,
    `modifiers ${String(get(run, 'keyboard', 'modifiersOk') ?? 0)}/8 (${String(get(run, 'keyboard', 'ms') ?? '?')} ms, slowest window ${String(get(run, 'keyboard', 'slowestWindowMs') ?? '?')} ms)`,
    `SYN_DROPPED ${drops}, windows replayed ${replays}`,
    `mouse abs ${ok('mouseAbs')}, rel ${ok('mouseRel')}`,
    `leds ${ok('leds')}`,
    `eagain ${ok('eagain')}`,
    `replug ${ok('replug')}`,
    `paste ${ok('paste')} (${String(get(run, 'paste', 'chars') ?? '?')} chars: safe ${String(get(run, 'paste', 'safe.charsPerSecond') ?? '?')}/s, ` +
      `fast ${String(get(run, 'paste', 'fast.charsPerSecond') ?? '?')}/s, drops ${num('paste', 'safe.drops') + num('paste', 'fast.drops')})`,
    `built-ins ${ok('builtins')}`,
    `setup ${ok('setup')}, udev ${run.checks.get('udev')?.result?.skipped ? 'skipped' : ok('udev')}, down ${ok('down')}`,
    `${String(get(run, 'throughput', 'writer.perSecond') ?? '?')} reports/s (batch ${String(get(run, 'throughput', 'batch.perSecond') ?? '?')}/s) ` +
      `(boot ${s(run.bootMs)} s, total ${s(run.qemuMs + run.prepMs)} s, kernel ${run.kernel})`,
  ].join(', ');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const run = await runRig((l) => console.log(l));
  for (const c of run.checks.values()) console.log(JSON.stringify(c));
  console.log(
    `prep ${run.prepMs} ms, boot to configured ${String(run.bootMs)} ms, qemu ${run.qemuMs} ms, initramfs ${run.initramfsBytes} bytes, console ${run.consoleLog}`,
  );
}
