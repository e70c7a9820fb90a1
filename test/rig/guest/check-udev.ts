import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { basename } from 'node:path';
import type { HidPaths } from '../../../bridge/src/hid/relay.ts';
import { GUEST_UDEVADM } from '../initramfs.ts';

/** The names hardware/gadget/udev/99-webkvm-hid.rules promises, per role. */
export const UDEV_NAMES = {
  keyboard: '/dev/webkvm-keyboard',
  mouse: '/dev/webkvm-mouse',
  mouseRel: '/dev/webkvm-mouse-rel',
} as const;
/** gid of group webkvm in the guest's /etc/group (initramfs.ts). */
const WEBKVM_GID = 990;

/**
 * Runs the project's udev rules on the real hidg devices with `udevadm test --action=add`, which
 * in systemd 252 executes PROGRAM, applies GROUP/MODE and creates the symlinks. Then checks that
 * each stable name points at the hidg node configfs says belongs to that function (`byDev`, found
 * by major:minor independently of the rules), with group webkvm and mode 0660.
 * @returns per role: link target, mode, gid; or `skipped` when the host has no udevadm
 */
export function checkUdev(byDev: HidPaths) {
  if (!fs.existsSync(GUEST_UDEVADM)) return { skipped: 'udevadm is not installed on the host (Debian package udev)' };
  const roles = ['keyboard', 'mouse', 'mouseRel'] as const;
  const result = roles.map((role) => {
    const node = byDev[role];
    const r = spawnSync(GUEST_UDEVADM, ['test', '--action=add', `/sys/class/hidg/${basename(node)}`], {
      encoding: 'utf8',
    });
    const link = UDEV_NAMES[role];
    const target = fs.existsSync(link) ? fs.realpathSync(link) : null;
    const st = fs.statSync(node);
    return {
      role,
      status: r.status,
      devlinks: /^DEVLINKS=(.*)$/m.exec(r.stdout)?.[1] ?? null,
      link,
      target,
      expected: node,
      mode: (st.mode & 0o777).toString(8),
      gid: st.gid,
      ok: r.status === 0 && target === node && (st.mode & 0o777) === 0o660 && st.gid === WEBKVM_GID,
      ...(r.status !== 0 && { output: `${r.stdout}\n${r.stderr}`.slice(-2000) }),
    };
  });
  return { devices: result, ok: result.every((r) => r.ok) };
}
