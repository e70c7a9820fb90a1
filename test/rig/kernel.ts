import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * Debian's stock amd64 kernel for the rig, downloaded on demand with `apt-get download` (Debian's
 * repositories are the only ones reachable, and CI starts from a fresh machine) and cached as just
 * the files the rig boots: vmlinuz and the modules below, uncompressed. Debian 6.1 ships modules
 * as plain .ko; .ko.xz/.ko.zst (newer Debian) are decompressed here because busybox insmod takes
 * only plain ELF.
 */

/** Modules the rig loads, as paths under lib/modules/<release>/kernel/ (hardware-facts §4). */
export const RIG_MODULES = [
  'fs/configfs/configfs.ko',
  'drivers/usb/common/usb-common.ko',
  'drivers/usb/core/usbcore.ko',
  'drivers/usb/gadget/udc/udc-core.ko',
  'drivers/usb/gadget/libcomposite.ko',
  'drivers/usb/gadget/function/usb_f_hid.ko',
  'drivers/hid/hid.ko',
  'drivers/hid/usbhid/usbhid.ko',
  // hid-generic is not autoloaded without udev; without it no input device appears.
  'drivers/hid/hid-generic.ko',
  'drivers/input/evdev.ko',
  // Last: dummy_hcd registers the UDC and the host controller the gadget enumerates on.
  'drivers/usb/gadget/udc/dummy_hcd.ko',
] as const;

export interface RigKernel {
  /** e.g. 6.1.0-56-amd64 */
  release: string;
  vmlinuz: string;
  /** Module files (plain ELF .ko) in load order, dependencies first. */
  modules: string[];
}

export class RigSetupError extends Error {
  override name = 'RigSetupError';
  constructor(
    readonly code: 'apt' | 'package' | 'module-deps' | 'tool-missing',
    message: string,
  ) {
    super(message);
  }
}

export function rigCacheDir(): string {
  return process.env.WEBKVM_RIG_CACHE ?? join(homedir(), '.cache', 'webkvm-rig');
}

function run(cmd: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { code?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new RigSetupError('tool-missing', `${cmd} is not installed`);
    throw new RigSetupError(
      'apt',
      `${cmd} ${args.slice(0, 2).join(' ')} failed: ${String(err.stderr ?? e)
        .trim()
        .slice(-500)}`,
    );
  }
}

/** The versioned package behind the linux-image-amd64 metapackage, e.g. linux-image-6.1.0-56-amd64. */
function kernelPackage(log: (l: string) => void): string {
  const find = () =>
    /Depends: (linux-image-[0-9][^\s]*-amd64)/.exec(run('apt-cache', ['depends', 'linux-image-amd64']))?.[1];
  let pkg: string | undefined;
  try {
    pkg = find();
  } catch (e) {
    log(`apt-cache depends failed (${String(e).split('\n')[0]}); running apt-get update`);
  }
  if (!pkg) {
    // A fresh machine may have no package lists yet.
    run('apt-get', ['update']);
    pkg = find();
  }
  if (!pkg) throw new RigSetupError('apt', 'apt-cache knows no linux-image-amd64 candidate even after apt-get update');
  return pkg;
}

/**
 * Returns the cached kernel, downloading and unpacking it first if needed (about 70 MB, once).
 * @throws RigSetupError when apt or dpkg-deb fail or a module's dependency is not in RIG_MODULES
 */
export function ensureKernel(log: (line: string) => void = () => undefined): RigKernel {
  const cache = rigCacheDir();
  const pkg = kernelPackage(log);
  const dir = join(cache, pkg);
  if (!fs.existsSync(join(dir, '.complete'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(join(dir, 'tmp'), { recursive: true });
    log(`downloading ${pkg} into ${dir}`);
    run('apt-get', ['download', pkg], join(dir, 'tmp'));
    const deb = fs.readdirSync(join(dir, 'tmp')).find((f) => f.endsWith('.deb'));
    if (!deb) throw new RigSetupError('package', `apt-get download ${pkg} left no .deb`);
    const members = ['./boot/vmlinuz-*', ...RIG_MODULES.map((m) => `./lib/modules/*/kernel/${m}*`)];
    // Only the needed members: the whole package unpacks to ~400 MB.
    run('sh', [
      '-c',
      'deb="$0"; dest="$1"; shift; dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dest" --wildcards "$@"',
      join(dir, 'tmp', deb),
      dir,
      ...members,
    ]);
    for (const m of RIG_MODULES) decompressModule(dir, m);
    fs.rmSync(join(dir, 'tmp'), { recursive: true });
    fs.writeFileSync(join(dir, '.complete'), `${pkg}\n`);
  }
  const vmlinuz = fs.readdirSync(join(dir, 'boot')).find((f) => f.startsWith('vmlinuz-'));
  if (!vmlinuz) throw new RigSetupError('package', `no vmlinuz in ${dir}/boot`);
  const release = vmlinuz.slice('vmlinuz-'.length);
  const modules = RIG_MODULES.map((m) => join(dir, 'lib/modules', release, 'kernel', m));
  return { release, vmlinuz: join(dir, 'boot', vmlinuz), modules: loadOrder(modules) };
}

function decompressModule(dir: string, module: string): void {
  const [release] = fs.readdirSync(join(dir, 'lib/modules'));
  const base = join(dir, 'lib/modules', release!, 'kernel', module);
  if (fs.existsSync(base)) return;
  const tools: [string, string[]][] = [
    ['.xz', ['xz', '-d']],
    ['.zst', ['zstd', '-d', '-q', '--rm']],
    ['.gz', ['gzip', '-d']],
  ];
  for (const [ext, [cmd, ...args]] of tools) {
    if (fs.existsSync(base + ext)) {
      run(cmd!, [...args, base + ext]);
      return;
    }
  }
  throw new RigSetupError('package', `module ${module} is not in the kernel package`);
}

/** `depends=` from a module's .modinfo section, as normalised names (dashes → underscores). */
export function moduleDepends(ko: Buffer): string[] {
  const m = /\0depends=([^\0]*)\0/.exec(ko.toString('latin1'));
  return (m?.[1] ?? '')
    .split(',')
    .filter(Boolean)
    .map((n) => n.replace(/-/g, '_'));
}

/** Orders module files so each comes after its dependencies, keeping RIG_MODULES order otherwise. */
function loadOrder(files: string[]): string[] {
  const name = (f: string) => basename(f, '.ko').replace(/-/g, '_');
  const byName = new Map(files.map((f) => [name(f), f]));
  const out: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (out.includes(f)) return;
    for (const dep of moduleDepends(fs.readFileSync(f))) {
      const df = byName.get(dep);
      if (!df) throw new RigSetupError('module-deps', `${name(f)} needs ${dep}, which RIG_MODULES lacks`);
      if (path.includes(dep)) throw new RigSetupError('module-deps', `dependency cycle ${[...path, dep].join(' -> ')}`);
      visit(df, [...path, dep]);
    }
    out.push(f);
  };
  for (const f of files) visit(f, [name(f)]);
  return out;
}
