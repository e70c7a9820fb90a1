/**
 * The installed units under real systemd: deploy/install.sh runs in a Debian Bookworm root,
 * Debian's kernel goes in next to it, and the root boots as a disk image in QEMU (TCG, ~30 s).
 * dummy_hcd plays the Pi's dwc2 USB device controller. A test-only unit inside the guest waits
 * for the bridge, prints what it sees on the serial console and powers off. This is what proves
 * that the hardening (DevicePolicy, ProtectSystem=strict, the single capability, DynamicUser for
 * uStreamer) leaves the services working: gadget bound, HID nodes opened, TLS on 443, video
 * connected. Needs root, debootstrap, qemu-system-x86 and mke2fs; ~2–3 min.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, makeChroot, CHECKOUT, type Chroot } from './chroot.ts';

const QEMU = '/usr/bin/qemu-system-x86_64';
const log = (line: string): void => console.log(`[deploy boot test] ${line}`);

/** Test-only guest script: everything it prints starts with REPORT. */
const REPORT_SCRIPT = `#!/bin/bash
out() { echo "REPORT $*"; }
# /api/stats needs a session: the admin was made with webkvm-user before boot (see beforeAll); the
# password login runs here. Each try says why it failed, so a timeout is never silent.
out "accounts $(/usr/local/sbin/webkvm-user list 2>&1 | tr '\\n' ' ')"
for i in $(seq 1 60); do
  if NODE_EXTRA_CA_CERTS=/etc/webkvm/tls/ca.pem node -e "
    const login = { user: 'boottest', password: 'boot-test-password' };
    fetch('https://127.0.0.1/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(login) })
      .then(async (r) => { const s = await r.json(); if (!r.ok) throw new Error('login ' + r.status + ' ' + JSON.stringify(s)); return s; })
      .then((s) => fetch('https://127.0.0.1/api/stats', { headers: { authorization: 'Bearer ' + s.token } }))
      .then((r) => r.json())
      .then((j) => { if (!j.hid) throw new Error('stats without hid'); console.log('REPORT hid ' + JSON.stringify(j.hid)); process.exit(0); })
      .catch((e) => { console.log('REPORT try failed: ' + String(e && (e.cause || e.message || e)).slice(0, 200)); process.exit(1); })"; then break; fi
  # Still refused after a while: show why the bridge is not answering (crash loop, bad config).
  if [ "$i" = 10 ]; then journalctl -b -u webkvm-bridge --no-pager | tail -15 | sed 's/^/REPORT early journal /'; fi
  sleep 2
done
NODE_EXTRA_CA_CERTS=/etc/webkvm/tls/ca.pem node -e "
  fetch('https://127.0.0.1/').then(async (r) => console.log('REPORT index ' + r.status + ' ' + (/<html/i.test(await r.text()) ? 'html' : 'other')))
    .catch((e) => console.log('REPORT index failed ' + e.message))"
for u in webkvm-gadget webkvm-ustreamer webkvm-bridge; do out "unit $u $(systemctl is-active $u.service)"; done
pid=$(systemctl show -p MainPID --value webkvm-bridge.service)
out "bridge uid $(awk '/^Uid/ {print $2}' /proc/$pid/status) capeff $(awk '/^CapEff/ {print $2}' /proc/$pid/status)"
for d in /dev/webkvm-keyboard /dev/webkvm-mouse /dev/webkvm-mouse-rel; do out "device $d $(stat -L -c '%F %G %a' $d 2>&1)"; done
journalctl -b -u webkvm-gadget -u webkvm-bridge -u webkvm-ustreamer --no-pager | tail -40 | sed 's/^/REPORT journal /'
out done
systemctl poweroff
`;

const REPORT_UNIT = `[Unit]
Description=webkvm deploy test report (test only)
After=webkvm-bridge.service multi-user.target

[Service]
Type=oneshot
ExecStart=/usr/local/bin/webkvm-test-report
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
`;

let chroot: Chroot | undefined;
let serial = '';
const report = (): string[] =>
  serial
    .split(/\r?\n/)
    .map((l) => /REPORT (.*)$/.exec(l)?.[1]?.trim() ?? '')
    .filter(Boolean);

describe.skipIf(!existsSync(QEMU))('the installed image booted under systemd in QEMU', () => {
  beforeAll(() => {
    chroot = makeChroot(log);
    const c = chroot;
    let t0 = Date.now();
    expectOk(c.run(['bash', `${CHECKOUT}/deploy/install.sh`]), 'install.sh');
    log(`install.sh took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // The first admin, made the way a person would (webkvm-user), at native speed: under TCG one
    // scrypt hash (N=2^17) takes tens of seconds, and the guest pays one for the login already.
    expectOk(
      c.run(['sh', '-c', "printf 'boot-test-password\\n' | /usr/local/sbin/webkvm-user add boottest --role admin"]),
      'webkvm-user add',
    );

    // The image around the install: a kernel (a Pi has one), init, and the test-only report.
    t0 = Date.now();
    expectOk(
      c.run([
        'sh',
        '-c',
        'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-image-amd64 systemd-sysv >/dev/null',
      ]),
      'apt-get install linux-image-amd64',
    );
    log(`kernel and initramfs took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // dummy_hcd stands in for the Pi's dwc2 UDC (install.sh writes dwc2 only on a Pi).
    writeFileSync(c.path('/etc/modules-load.d/webkvm-test.conf'), 'dummy_hcd\nlibcomposite\n');
    writeFileSync(c.path('/usr/local/bin/webkvm-test-report'), REPORT_SCRIPT, { mode: 0o755 });
    writeFileSync(c.path('/etc/systemd/system/webkvm-test-report.service'), REPORT_UNIT);
    symlinkSync(
      '/etc/systemd/system/webkvm-test-report.service',
      c.path('/etc/systemd/system/multi-user.target.wants/webkvm-test-report.service'),
    );
    writeFileSync(c.path('/etc/fstab'), '/dev/vda / ext4 rw,errors=remount-ro 0 1\n');

    // mke2fs -d copies the tree; the bind mounts must be gone first.
    c.unmount();
    const image = join(c.root, '..', 'disk.img');
    t0 = Date.now();
    const mk = spawnSync('mke2fs', ['-q', '-t', 'ext4', '-d', c.root, '-L', 'root', image, '3G'], { encoding: 'utf8' });
    if (mk.status !== 0) throw new Error(`mke2fs failed: ${mk.stderr}`);
    log(`disk image took ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const boot = readdirSync(c.path('/boot'));
    const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
    const initrd = boot.find((f) => f.startsWith('initrd.img-'));
    if (!kernel || !initrd) throw new Error(`no kernel or initrd in /boot: ${boot.join(' ')}`);
    t0 = Date.now();
    // TCG: KVM is not usable on these machines (nested virtualisation hangs).
    const q = spawnSync(
      QEMU,
      [
        '-accel',
        'tcg',
        '-smp',
        '2',
        '-m',
        '1536',
        '-nographic',
        '-no-reboot',
        '-nic',
        'none',
        '-kernel',
        c.path(`/boot/${kernel}`),
        '-initrd',
        c.path(`/boot/${initrd}`),
        '-append',
        'root=/dev/vda rw console=ttyS0 quiet panic=-1',
        '-drive',
        `file=${image},if=virtio,format=raw`,
      ],
      { encoding: 'utf8', timeout: 420_000, maxBuffer: 64 << 20 },
    );
    serial = `${q.stdout ?? ''}${q.stderr ?? ''}`;
    log(`QEMU boot to power-off took ${((Date.now() - t0) / 1000).toFixed(1)} s (status ${q.status ?? q.signal})`);
  });

  afterAll(() => {
    chroot?.destroy();
  });

  it('reaches the end of the report and powers off', () => {
    expect(report(), serial.slice(-4000)).toContain('done');
    expect(serial).toMatch(/reboot: Power down/);
  });

  it('starts all three units', () => {
    const lines = report();
    for (const unit of ['webkvm-gadget', 'webkvm-ustreamer', 'webkvm-bridge']) {
      expect(lines, serial.slice(-4000)).toContain(`unit ${unit} active`);
    }
  });

  it('binds the gadget and names its nodes for group webkvm through udev', () => {
    const lines = report();
    for (const dev of ['keyboard', 'mouse', 'mouse-rel']) {
      expect(lines).toContain(`device /dev/webkvm-${dev} character special file webkvm 660`);
    }
    expect(serial).toMatch(/webkvm-gadget: .*bound to dummy_udc/);
  });

  it('runs the bridge as webkvm with only CAP_NET_BIND_SERVICE, and it opens all HID nodes', () => {
    const lines = report();
    const uid = lines.find((l) => l.startsWith('bridge uid '));
    expect(uid).toMatch(/^bridge uid \d+ capeff 0000000000000400$/);
    expect(uid).not.toMatch(/^bridge uid 0 /);
    const hid = JSON.parse(lines.find((l) => l.startsWith('hid '))?.slice(4) ?? '{}') as Record<string, unknown>;
    expect(hid).toMatchObject({ keyboard: true, mouse: true, mouseRel: true });
  });

  it('serves the PWA over TLS on port 443 and reads the video from uStreamer', () => {
    const lines = report();
    expect(lines).toContain('index 200 html');
    expect(serial).toMatch(/\[bridge\] listening on https:\/\/0\.0\.0\.0:443/);
    expect(serial).toMatch(/\[bridge\] video: source open: GET http:\/\/127\.0\.0\.1:8080\/stream/);
  });
});
