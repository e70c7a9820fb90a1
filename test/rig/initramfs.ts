import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { basename } from 'node:path';
import { CpioWriter } from './cpio.ts';
import { RigSetupError, type RigKernel } from './kernel.ts';

/**
 * The rig's initramfs: busybox-static for the shell and mount/insmod, the host's own node binary
 * with the shared libraries ldd names (Node runs the project's code inside the guest), the kernel
 * modules, and the bundled programs. Guest layout: /init, /bin/busybox, /usr/bin/node,
 * /lib/modules/*.ko with /lib/modules/order, /rig/<bundles>.
 */

/** Prefix of every machine-readable line on the serial console: `@rig {json}`. */
export const RIG_PREFIX = '@rig ';

/** The guest program /init runs, and the gadget setup bundle it calls. */
export const GUEST_MAIN = '/rig/guest.mjs';
export const GUEST_GADGET = '/rig/webkvm-gadget.mjs';

function busyboxPath(): string {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) {
    if (!fs.existsSync(p)) continue;
    if (isStatic(p)) return p;
  }
  throw new RigSetupError('tool-missing', 'a static busybox is needed: apt-get install busybox-static');
}

/** No PT_INTERP program header means no dynamic loader, i.e. statically linked (ELF64 LE). */
function isStatic(elf: string): boolean {
  const b = fs.readFileSync(elf);
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return false; // PT_INTERP
  return true;
}

/** Shared libraries of `binary` as ldd resolves them, including the dynamic loader. */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

const init = (modules: string[]) => `#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /sbin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in ${modules.join(' ')}; do
  insmod /lib/modules/$m.ko || echo '${RIG_PREFIX}{"type":"fatal","message":"insmod '$m' failed"}'
done
mount -t configfs configfs /sys/kernel/config
echo '${RIG_PREFIX}{"type":"init","uptime":'$(cut -d' ' -f1 /proc/uptime)'}'
cd /rig && node ${GUEST_MAIN} < /dev/null
echo '${RIG_PREFIX}{"type":"exit","code":'$?'}'
poweroff -f
`;

/** Where the rig puts the project's udev rules in the guest, and udevadm if the host has it. */
export const GUEST_UDEV_RULES = '/etc/udev/rules.d/99-webkvm-hid.rules';
export const GUEST_UDEVADM = '/usr/bin/udevadm';

/** The host's udevadm (Debian package udev), or undefined: the rig then skips the udev check. */
export function hostUdevadm(): string | undefined {
  return ['/usr/bin/udevadm', '/bin/udevadm'].find((p) => fs.existsSync(p));
}

export interface InitramfsInput {
  kernel: RigKernel;
  /** Guest path → host file, e.g. { '/rig/guest.mjs': '/tmp/.../guest.mjs' }. */
  files: Record<string, string>;
  out: string;
}

/** Writes the uncompressed cpio to `out`; returns its size in bytes. */
export function buildInitramfs(input: InitramfsInput): number {
  const cpio = new CpioWriter(input.out);
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'proc', 'sys', 'dev', 'tmp', 'run', 'rig', 'etc']) cpio.dir(d);
  cpio.copy(busyboxPath(), '/bin/busybox');
  const node = process.execPath;
  cpio.copy(node, '/usr/bin/node');
  const libs = new Set(sharedLibraries(node));
  const names = input.kernel.modules.map((m) => basename(m, '.ko'));
  input.kernel.modules.forEach((m, i) => cpio.copy(m, `/lib/modules/${names[i]}.ko`));
  cpio.file('/etc/passwd', Buffer.from('root:x:0:0:root:/:/bin/sh\n'));
  cpio.file('/etc/group', Buffer.from('root:x:0:\nwebkvm:x:990:\n'));
  for (const [guest, host] of Object.entries(input.files)) cpio.copy(host, guest);
  const udevadm = hostUdevadm();
  if (udevadm) {
    cpio.copy(udevadm, GUEST_UDEVADM);
    for (const lib of sharedLibraries(udevadm)) libs.add(lib);
    cpio.dir('/run/udev');
  }
  for (const lib of libs) cpio.copy(lib, lib);
  cpio.file('/init', Buffer.from(init(names)), 0o755);
  cpio.close();
  return fs.statSync(input.out).size;
}
