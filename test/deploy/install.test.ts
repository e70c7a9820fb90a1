/**
 * deploy/install.sh and uninstall.sh for real, in a debootstrapped Debian Bookworm root (see
 * chroot.ts for what stands in for a Pi): apt really installs ustreamer, npm really installs and
 * builds, systemctl really enables. Then a second run must change nothing, the installed bridge
 * must serve the PWA over TLS as user webkvm on port 443, and uninstall must leave nothing but
 * the kept config. Runs as root; ~1–3 min with warm caches.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKOUT, expectOk, makeChroot, type Chroot, type RunResult } from './chroot.ts';

const UNITS = ['webkvm-gadget.service', 'webkvm-ustreamer.service', 'webkvm-bridge.service'];
/** Everything the installer may touch; the snapshot proves a re-run leaves it all alone. */
const WATCHED = [
  '/opt/webkvm',
  '/etc/webkvm',
  '/etc/systemd/system',
  '/etc/udev/rules.d',
  '/etc/modules-load.d',
  '/etc/apt',
  '/etc/passwd',
  '/etc/group',
  '/etc/shadow',
  '/etc/gshadow',
];

const log = (line: string): void => console.log(`[deploy test] ${line}`);

let chroot: Chroot;
let first: RunResult;

/** path, type+mode, owner, size, mtime and link target of every watched path. */
function snapshot(c: Chroot): string {
  const r = c.run(['sh', '-c', `find ${WATCHED.join(' ')} -printf '%p %M %u:%g %s %T@ %l\\n' 2>/dev/null | sort`]);
  return r.stdout;
}

function stat(c: Chroot, path: string): string {
  return expectOk(c.run(['stat', '-c', '%A %U:%G', path]), `stat ${path}`).stdout.trim();
}

function install(c: Chroot): RunResult {
  const t0 = Date.now();
  const r = c.run(['bash', `${CHECKOUT}/deploy/install.sh`]);
  log(`install.sh exited ${r.status} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

beforeAll(() => {
  chroot = makeChroot(log);
  first = install(chroot);
});

afterAll(() => {
  chroot?.destroy();
});

describe('deploy/install.sh in a Debian Bookworm root', () => {
  it('finishes without error and prints the URL', () => {
    expectOk(first, 'first install.sh');
    expect(first.stdout).toMatch(/open https:\/\/\S+\.local\//);
  });

  it('detects that this is not a Raspberry Pi and skips the boot configuration', () => {
    expect(first.stdout).toContain('not a Raspberry Pi');
    expect(chroot.run(['test', '-e', '/etc/modules-load.d/webkvm.conf']).status).not.toBe(0);
  });

  it('installs ustreamer, openssl and systemd from the distribution', () => {
    const r = expectOk(
      chroot.run([
        'dpkg-query',
        '-W',
        '-f=${Package} ${db:Status-Status}\\n',
        'ustreamer',
        'openssl',
        'systemd',
        'udev',
      ]),
      'dpkg-query',
    );
    expect(r.stdout.trim().split('\n').sort()).toEqual([
      'openssl installed',
      'systemd installed',
      'udev installed',
      'ustreamer installed',
    ]);
  });

  it('creates the system user and group webkvm without a home or a login shell', () => {
    const passwd = expectOk(chroot.run(['getent', 'passwd', 'webkvm']), 'getent passwd')
      .stdout.trim()
      .split(':');
    expect(Number(passwd[2])).toBeLessThan(1000);
    expect(passwd[5]).toBe('/nonexistent');
    expect(passwd[6]).toBe('/usr/sbin/nologin');
    expect(chroot.run(['test', '-e', '/nonexistent']).status).not.toBe(0);
    expect(chroot.run(['getent', 'group', 'webkvm']).status).toBe(0);
  });

  it('installs the app to /opt/webkvm, root-owned, built, without dev dependencies or .git', () => {
    expect(stat(chroot, '/opt/webkvm')).toBe('drwxr-xr-x root:root');
    for (const p of [
      '/opt/webkvm/web/dist/index.html',
      '/opt/webkvm/bridge/src/main.ts',
      '/opt/webkvm/node_modules/tsx/package.json',
      '/opt/webkvm/node_modules/uWebSockets.js/package.json',
    ]) {
      expect(chroot.run(['test', '-f', p]).status, p).toBe(0);
    }
    for (const p of [
      '/opt/webkvm/.git',
      '/opt/webkvm/node_modules/vite',
      '/opt/webkvm/node_modules/vitest',
      '/opt/webkvm.new',
    ]) {
      expect(chroot.run(['test', '-e', p]).status, p).not.toBe(0);
    }
    // Nothing in the tree (symlinks aside: their mode means nothing) is writable by anyone but root.
    expect(
      chroot.run([
        'find',
        '/opt/webkvm',
        '!',
        '-type',
        'l',
        '(',
        '!',
        '-user',
        'root',
        '-o',
        '-perm',
        '/022',
        ')',
        '-print',
        '-quit',
      ]).stdout,
    ).toBe('');
  });

  it('writes the bridge config with the udev names, uStreamer on loopback, port 443 and TLS', () => {
    const config = JSON.parse(expectOk(chroot.run(['cat', '/etc/webkvm/bridge.json']), 'cat').stdout) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      port: 443,
      hid: { keyboard: '/dev/webkvm-keyboard', mouse: '/dev/webkvm-mouse', mouseRel: '/dev/webkvm-mouse-rel' },
      video: { kind: 'http', url: 'http://127.0.0.1:8080/stream?extra_headers=1' },
      tls: { certFile: '/etc/webkvm/tls/cert.pem', keyFile: '/etc/webkvm/tls/key.pem' },
      caPage: { port: 80, caFile: '/etc/webkvm/tls/ca.pem' },
    });
    expect(stat(chroot, '/etc/webkvm/bridge.json')).toBe('-rw-r----- root:webkvm');
    expect(expectOk(chroot.run(['cat', '/etc/webkvm/ustreamer.env']), 'cat').stdout).toMatch(
      /^USTREAMER_DEVICE=\/dev\/video0$/m,
    );
  });

  it('makes a local CA (key root-only) and signs the certificate for the hostname, hostname.local and the IPs, key for root and webkvm only', () => {
    expect(stat(chroot, '/etc/webkvm/tls')).toBe('drwxr-x--- root:webkvm');
    expect(stat(chroot, '/etc/webkvm/tls/local-ca.key')).toBe('-rw------- root:root');
    expect(stat(chroot, '/etc/webkvm/tls/ca.pem')).toBe('-rw-r--r-- root:root');
    expect(stat(chroot, '/etc/webkvm/tls.env')).toBe('-rw-r--r-- root:root');
    expectOk(
      chroot.run(['openssl', 'verify', '-CAfile', '/etc/webkvm/tls/ca.pem', '/etc/webkvm/tls/cert.pem']),
      'openssl verify',
    );
    expect(first.stdout).toMatch(/trust the CA once .*: open http:\/\/.*\.local\//);
    expect(stat(chroot, '/etc/webkvm/tls/key.pem')).toBe('-rw-r----- root:webkvm');
    expect(stat(chroot, '/etc/webkvm/tls/cert.pem')).toBe('-rw-r--r-- root:root');
    const text = expectOk(
      chroot.run(['openssl', 'x509', '-in', '/etc/webkvm/tls/cert.pem', '-noout', '-ext', 'subjectAltName']),
      'openssl',
    ).stdout;
    const host = expectOk(chroot.run(['hostname', '-s']), 'hostname').stdout.trim();
    expect(text).toContain(`DNS:${host}`);
    expect(text).toContain(`DNS:${host}.local`);
    expect(text).toMatch(/IP Address:\d+\.\d+\.\d+\.\d+/);
  });

  it('installs the udev rules from hardware/gadget', () => {
    expect(
      chroot.run([
        'cmp',
        `${CHECKOUT}/hardware/gadget/udev/99-webkvm-hid.rules`,
        '/etc/udev/rules.d/99-webkvm-hid.rules',
      ]).status,
    ).toBe(0);
    expect(first.stdout).toContain('udevd is not running');
  });

  it('enables the three units through multi-user.target.wants, with node resolved to an absolute path', () => {
    for (const unit of UNITS) {
      const link = chroot.run(['readlink', `/etc/systemd/system/multi-user.target.wants/${unit}`]);
      expect(link.stdout.trim(), unit).toBe(`/etc/systemd/system/${unit}`);
    }
    const bridge = expectOk(chroot.run(['cat', '/etc/systemd/system/webkvm-bridge.service']), 'cat').stdout;
    expect(bridge).toContain('ExecStart=/usr/bin/node --import=tsx bridge/src/main.ts');
    expect(bridge).not.toContain('@NODE@');
    expect(first.stdout).toContain('systemd is not running here');
  });

  it('passes systemd-analyze verify against the installed root', () => {
    const r = runHost(['systemd-analyze', 'verify', '--man=no', `--root=${chroot.root}`, ...UNITS]);
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('rates the bridge and uStreamer units "OK" in systemd-analyze security', () => {
    for (const unit of ['webkvm-bridge.service', 'webkvm-ustreamer.service']) {
      const r = runHost(['systemd-analyze', 'security', '--offline=true', '--no-pager', `--root=${chroot.root}`, unit]);
      const m = /Overall exposure level for \S+: (\d+\.\d+) (\w+)/.exec(r.stdout);
      log(`${unit}: exposure ${m?.[1]} ${m?.[2]}`);
      expect(m?.[2], r.stdout + r.stderr).toBe('OK');
    }
  });

  it('serves the PWA over TLS as user webkvm on port 443 and the CA page on port 80, with only CAP_NET_BIND_SERVICE', () => {
    // What the unit does, minus systemd (not running in a chroot): same user, cwd, config and
    // capability. The certificate is trusted for 127.0.0.1, proving its SAN and key pair.
    const script = `
      set -e
      cd /opt/webkvm
      BRIDGE_CONFIG=/etc/webkvm/bridge.json setpriv --reuid=webkvm --regid=webkvm --init-groups \\
        --inh-caps=-all,+net_bind_service --ambient-caps=-all,+net_bind_service \\
        --bounding-set=-all,+net_bind_service --no-new-privs /usr/bin/node --import=tsx bridge/src/main.ts >/tmp/bridge.log 2>&1 &
      pid=$!
      trap 'kill $pid 2>/dev/null || true' EXIT
      ok=1
      for i in $(seq 1 60); do
        if NODE_EXTRA_CA_CERTS=/etc/webkvm/tls/ca.pem node -e "
          fetch('https://127.0.0.1/').then(async (r) => { const t = await r.text();
            console.log('status', r.status, /<html/i.test(t) ? 'html' : 'not-html'); process.exit(0); })
          .catch(() => process.exit(1))" 2>/dev/null; then ok=0; break; fi
        sleep 0.5
      done
      # Port 80: the CA page offers ca.pem, and anything else goes to HTTPS.
      node -e "
        (async () => {
          const ca = await fetch('http://127.0.0.1/ca.pem');
          const pem = await ca.text();
          const same = pem.trim() === require('fs').readFileSync('/etc/webkvm/tls/ca.pem', 'utf8').trim();
          const other = await fetch('http://127.0.0.1/app?x=1', { redirect: 'manual' });
          console.log('ca-page', ca.status, ca.headers.get('content-type'), same ? 'same-ca' : 'other-ca');
          console.log('redirect', other.status, other.headers.get('location'));
        })().catch((e) => { console.log('ca-page error', e.message); })" || true
      echo "uid $(awk '/^Uid/ {print $2}' /proc/$pid/status)"
      kill $pid; wait $pid || true
      cat /tmp/bridge.log >&2
      exit $ok`;
    const r = chroot.runIsolated(['bash', '-c', script]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('status 200 html');
    expect(r.stdout).toContain('ca-page 200 application/x-x509-ca-cert same-ca');
    expect(r.stdout).toContain('redirect 308 https://127.0.0.1/app?x=1');
    const uid = expectOk(chroot.run(['id', '-u', 'webkvm']), 'id').stdout.trim();
    expect(r.stdout).toContain(`uid ${uid}`);
    expect(r.stderr).toMatch(/listening on https:\/\/0\.0\.0\.0:443/);
  });

  it('changes nothing when run again, keeping config and certificate', () => {
    const before = snapshot(chroot);
    const TLS_FILES = ['cert.pem', 'key.pem', 'ca.pem', 'local-ca.pem', 'local-ca.key'].map(
      (f) => `/etc/webkvm/tls/${f}`,
    );
    const cert = chroot.run(['sha256sum', ...TLS_FILES]).stdout;
    const second = expectOk(install(chroot), 'second install.sh');
    expect(second.stdout).toContain('nothing changed (already installed)');
    expect(second.stdout).not.toContain('changed:');
    expect(snapshot(chroot)).toBe(before);
    expect(chroot.run(['sha256sum', ...TLS_FILES]).stdout).toBe(cert);
  });

  it('keeps an edited config on re-run', () => {
    expectOk(chroot.run(['sh', '-c', 'sed -i "s/\\"port\\": 443/\\"port\\": 8443/" /etc/webkvm/bridge.json']), 'edit');
    const r = expectOk(install(chroot), 'install.sh after an edit');
    expect(r.stdout).toContain('keeping /etc/webkvm/bridge.json');
    expect(r.stdout).toContain('open https://');
    expect(r.stdout).toMatch(/:8443\//);
    expect(chroot.run(['grep', '-q', '"port": 8443', '/etc/webkvm/bridge.json']).status).toBe(0);
  });

  it('uninstalls units, rules, app and user but keeps /etc/webkvm, and --purge removes it', () => {
    const r = expectOk(chroot.run(['bash', `${CHECKOUT}/deploy/uninstall.sh`]), 'uninstall.sh');
    for (const p of [
      '/opt/webkvm',
      '/etc/udev/rules.d/99-webkvm-hid.rules',
      ...UNITS.flatMap((u) => [`/etc/systemd/system/${u}`, `/etc/systemd/system/multi-user.target.wants/${u}`]),
    ]) {
      expect(chroot.run(['test', '-e', p]).status, p).not.toBe(0);
    }
    expect(chroot.run(['getent', 'passwd', 'webkvm']).status).not.toBe(0);
    expect(chroot.run(['getent', 'group', 'webkvm']).status).not.toBe(0);
    expect(r.stdout).toContain('kept /etc/webkvm');
    expect(stat(chroot, '/etc/webkvm/tls/key.pem')).toBe('-rw-r----- root:root');
    // A second uninstall finds nothing to do.
    expect(expectOk(chroot.run(['bash', `${CHECKOUT}/deploy/uninstall.sh`]), 'uninstall.sh again').stdout).toContain(
      '0 change(s)',
    );
    expectOk(chroot.run(['bash', `${CHECKOUT}/deploy/uninstall.sh`, '--purge']), 'uninstall.sh --purge');
    expect(chroot.run(['test', '-e', '/etc/webkvm']).status).not.toBe(0);
  });
});

/** Runs a command on this machine (systemd-analyze reads the root from outside). */
function runHost(argv: string[]): RunResult {
  const [cmd, ...args] = argv;
  const r = spawnSync(cmd!, args, { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
