/**
 * deploy/lib/tls.sh for real (bash + openssl) in temp directories: the local CA made once and
 * kept, the device certificate re-issued only when it must be, a CA shared by two devices, the
 * user's own certificate checked and copied, and the errors each way gives. The hostname and
 * addresses are the script's own functions, redefined per case. Root (ensure_dir chowns); ~10 s.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './chroot.ts';

const work = mkdtempSync(join(tmpdir(), 'webkvm-tls-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

interface Run {
  status: number;
  out: string;
  changes: number;
}

/** Runs ensure_tls DIR root CONF (or `call` instead) as install.sh would, with this host and these addresses. */
function ensure(dir: string, opts: { host?: string; addrs?: string; conf?: string; call?: string } = {}): Run {
  const conf = join(work, `tls-${n++}.env`);
  writeFileSync(conf, opts.conf ?? '');
  const script = [
    'set -Eeuo pipefail',
    `. "${REPO}/deploy/lib/common.sh"`,
    `. "${REPO}/deploy/lib/tls.sh"`,
    `tls_hostname() { echo '${opts.host ?? 'kvm1'}'; }`,
    `tls_addresses() { echo '${opts.addrs ?? '192.168.1.20'}'; }`,
    opts.call ?? `ensure_tls "$1" root "$2"`,
    'echo "CHANGES=$CHANGES"',
  ].join('\n');
  const r = spawnSync('bash', ['-c', script, 'bash', dir, conf], { encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  return { status: r.status ?? -1, out, changes: Number(/CHANGES=(\d+)/.exec(out)?.[1] ?? -1) };
}

const ossl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8' });
const text = (file: string): string => ossl('x509', '-in', file, '-noout', '-text');
const mode = (file: string): string => (statSync(file).mode & 0o777).toString(8);
const fresh = (name: string): string => mkdtempSync(join(work, `${name}-`));
function verify(ca: string, cert: string): { ok: boolean; out: string } {
  const r = spawnSync('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslserver', cert], { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}
/** A self-signed certificate + key (CA or not) `days` days, for the own-certificate and shared-CA cases. */
function selfSigned(
  dir: string,
  name: string,
  opts: { ca?: boolean; days?: number } = {},
): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync('bash', [
    '-c',
    // Two steps, not a pipe: x509 -signkey must not read the key before req has written it.
    `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=${name}" -keyout "${key}" -out "${cert}.csr" 2>/dev/null &&
     openssl x509 -req -in "${cert}.csr" -signkey "${key}" -days ${opts.days ?? 30} -out "${cert}" -extfile <(printf '%s\\n' \
       "basicConstraints=critical,CA:${opts.ca ? 'TRUE' : 'FALSE'}" "subjectAltName=DNS:${name}") 2>/dev/null`,
  ]);
  return { cert, key };
}

describe('the local CA (the default)', () => {
  const dir = join(fresh('local'), 'tls');
  const first = ensure(dir, { addrs: '192.168.1.20 10.1.2.3 fd00::5 8.8.8.8 2001:db8::1 fe80::1 169.254.3.4' });
  const files = ['local-ca.pem', 'local-ca.key', 'ca.pem', 'cert.pem', 'key.pem'];
  const snap = (): string[] => files.map((f) => readFileSync(join(dir, f), 'utf8'));

  it('makes a P-256 CA with CA:TRUE, keyCertSign and a name constraint to this device, key 0600 root-only', () => {
    expect(first.status, first.out).toBe(0);
    const ca = text(join(dir, 'local-ca.pem'));
    expect(ca).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(ca).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(ca).toMatch(
      /Name Constraints: critical\s+Permitted:\s+DNS:kvm1\s+DNS:kvm1\.local\s+DNS:localhost\s+IP:127\.0\.0\.0/,
    );
    expect(ca).toContain('IP:192.168.0.0/255.255.0.0');
    expect(ca).toContain('NIST CURVE: P-256');
    expect(ca).toMatch(/Subject: CN = webkvm CA for kvm1 \(\d{4}-\d\d-\d\d\)/);
    expect(mode(join(dir, 'local-ca.key'))).toBe('600');
    expect(statSync(join(dir, 'local-ca.key')).uid).toBe(0);
    expect(mode(join(dir, 'ca.pem'))).toBe('644');
    expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(readFileSync(join(dir, 'local-ca.pem'), 'utf8'));
    expect(first.out).toMatch(/TLS: local-ca; CA SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  });

  it('signs a device certificate for the names and private addresses, serverAuth, 825 days, key 0640', () => {
    const cert = join(dir, 'cert.pem');
    const t = text(cert);
    expect(t).toContain(
      'DNS:kvm1, DNS:kvm1.local, DNS:localhost, IP Address:127.0.0.1, IP Address:10.1.2.3, IP Address:192.168.1.20, IP Address:FD00:0:0:0:0:0:0:5',
    );
    expect(t).not.toMatch(/8\.8\.8\.8|2001:DB8|FE80|169\.254/);
    expect(first.out).toContain('leaving 8.8.8.8 out of the certificate');
    expect(t).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication\n/);
    expect(t).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    const x = new X509Certificate(readFileSync(cert));
    const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86_400_000;
    expect(days).toBeLessThanOrEqual(825);
    expect(days).toBeGreaterThan(800);
    expect(x.serialNumber.length).toBeGreaterThanOrEqual(30);
    expect(verify(join(dir, 'ca.pem'), cert).ok).toBe(true);
    expect(mode(join(dir, 'key.pem'))).toBe('640');
    expect(mode(dir)).toBe('750');
  });

  it('refuses, by its name constraint, to vouch for a name that is not this device', () => {
    const evil = join(work, 'evil');
    execFileSync('bash', [
      '-c',
      `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=bank.example -keyout ${evil}.key 2>/dev/null |
       openssl x509 -req -CA ${dir}/local-ca.pem -CAkey ${dir}/local-ca.key -days 1 -out ${evil}.pem \
         -extfile <(echo subjectAltName=DNS:bank.example) 2>/dev/null`,
    ]);
    const r = verify(join(dir, 'ca.pem'), `${evil}.pem`);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/permitted subtree violation/);
  });

  it('changes nothing on a re-run', () => {
    const before = snap();
    const again = ensure(dir, { addrs: '8.8.8.8 fd00::5 10.1.2.3 192.168.1.20' });
    expect(again.status, again.out).toBe(0);
    expect(again.changes).toBe(0);
    expect(again.out).toContain('keeping the local CA');
    expect(again.out).toContain('keeping the certificate');
    expect(snap()).toEqual(before);
  });

  it('keeps the certificate when an address went away, re-issues it (same CA) when a new one came', () => {
    const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    expect(ensure(dir, { addrs: '192.168.1.20' }).changes).toBe(0);
    const moved = ensure(dir, { addrs: '192.168.1.20 192.168.7.7' });
    expect(moved.status, moved.out).toBe(0);
    expect(moved.out).toContain('it does not cover 192.168.7.7');
    expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(ca);
    expect(readFileSync(join(dir, 'cert.pem'), 'utf8')).not.toBe(cert);
    expect(text(join(dir, 'cert.pem'))).toContain('IP Address:192.168.7.7');
  });

  it.each([
    [
      'expires within 30 days',
      `tls_issue "$1/cert.pem" "$1/key.pem" "$1/local-ca.pem" "$1/local-ca.key" DNS:kvm1 kvm1 10`,
      /it expires on/,
    ],
    [
      'is the old self-signed one',
      `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 -subj /CN=kvm1 -keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null`,
      /it is not signed by the current CA/,
    ],
    ['has lost its key', `cp "$1/local-ca.key" "$1/key.pem"`, /its key does not match it/],
    ['is gone', `rm "$1/cert.pem"`, /there is none/],
  ])('re-issues the device certificate when it %s', (_why, spoil, reason) => {
    const prepared = ensure(dir, { call: spoil });
    expect(prepared.status, prepared.out).toBe(0);
    const r = ensure(dir);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(reason);
    expect(verify(join(dir, 'ca.pem'), join(dir, 'cert.pem')).ok).toBe(true);
    expect(ensure(dir).changes).toBe(0);
  });

  it('says how to start over when the hostname changed, and leaves the old certificate in place', () => {
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const r = ensure(dir, { host: 'renamed' });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/ERROR: the local CA .* may not sign for renamed .*sudo rm .*local-ca\.pem/);
    expect(readFileSync(join(dir, 'cert.pem'), 'utf8')).toBe(cert);
  });

  it('makes the CA again only when it is broken, and says that browsers must trust it again', () => {
    const broken = join(fresh('broken'), 'tls');
    ensure(broken);
    writeFileSync(join(broken, 'local-ca.key'), readFileSync(join(dir, 'local-ca.key')));
    const r = ensure(broken);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/WARNING: the local CA .* making a new one \(browsers must trust it again\)/);
    expect(verify(join(broken, 'ca.pem'), join(broken, 'cert.pem')).ok).toBe(true);
  });
});

describe('a CA shared by several devices', () => {
  const caDir = fresh('shared');
  // deploy/make-shared-ca.sh, as the README says: a CA constrained to *.local, localhost and private addresses.
  const made = spawnSync('bash', [join(REPO, 'deploy/make-shared-ca.sh'), caDir, 'Home KVM CA'], { encoding: 'utf8' });
  const conf = `# shared\nWEBKVM_CA_CERT="${caDir}/ca.pem"\nWEBKVM_CA_KEY='${caDir}/ca.key'\n`;

  it('deploy/make-shared-ca.sh makes a name-constrained CA, key 0600, passes shellcheck and refuses to overwrite it', () => {
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/made .*ca\.pem and .*ca\.key \(SHA-256 /);
    expect(text(join(caDir, 'ca.pem'))).toMatch(
      /Name Constraints: critical\s+Permitted:\s+DNS:local\s+DNS:localhost\s+IP:127/,
    );
    expect(mode(join(caDir, 'ca.key'))).toBe('600');
    const again = spawnSync('bash', [join(REPO, 'deploy/make-shared-ca.sh'), caDir], { encoding: 'utf8' });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('ca.key exists: keeping it');
    const sc = spawnSync('shellcheck', ['--severity=style', '--external-sources', 'make-shared-ca.sh'], {
      cwd: join(REPO, 'deploy'),
      encoding: 'utf8',
    });
    expect(sc.stdout + sc.stderr).toBe('');
  });

  it('signs each device with it for the names it permits, makes no local CA, and offers it on the CA page', () => {
    for (const host of ['kvm-a', 'kvm-b']) {
      const dir = join(fresh(host), 'tls');
      const r = ensure(dir, { host, conf, addrs: '192.168.1.30' });
      expect(r.status, r.out).toBe(0);
      expect(r.out).toContain('signing with the shared CA');
      expect(verify(join(caDir, 'ca.pem'), join(dir, 'cert.pem')).ok).toBe(true);
      expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(readFileSync(join(caDir, 'ca.pem'), 'utf8'));
      expect(spawnSync('test', ['-e', join(dir, 'local-ca.key')]).status).toBe(1);
      expect(text(join(dir, 'cert.pem'))).toContain(
        `DNS:${host}.local, DNS:localhost, IP Address:127.0.0.1, IP Address:192.168.1.30`,
      );
      expect(r.out).toContain(`leaving ${host} out of the certificate: the CA's name constraints do not permit it`);
      expect(ensure(dir, { host, conf, addrs: '192.168.1.30' }).changes).toBe(0);
    }
  });

  it('re-issues a certificate made by the local CA before the switch', () => {
    const dir = join(fresh('switch'), 'tls');
    ensure(dir, { host: 'x' });
    const r = ensure(dir, { host: 'x', conf });
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('it is not signed by the current CA');
    expect(verify(join(caDir, 'ca.pem'), join(dir, 'cert.pem')).ok).toBe(true);
  });

  it.each([
    [
      'a key of another CA',
      () => `WEBKVM_CA_CERT=${caDir}/ca.pem\nWEBKVM_CA_KEY=${selfSigned(work, 'other', { ca: true }).key}`,
      /is not the key of the CA/,
    ],
    [
      'a leaf as the CA',
      () => {
        const l = selfSigned(work, 'leaf');
        return `WEBKVM_CA_CERT=${l.cert}\nWEBKVM_CA_KEY=${l.key}`;
      },
      /is not a CA certificate/,
    ],
    [
      'an expired CA',
      () => {
        const l = selfSigned(work, 'old', { ca: true, days: -1 });
        return `WEBKVM_CA_CERT=${l.cert}\nWEBKVM_CA_KEY=${l.key}`;
      },
      /expired on/,
    ],
    [
      'a missing key file',
      () => `WEBKVM_CA_CERT=${caDir}/ca.pem\nWEBKVM_CA_KEY=/nonexistent/ca.key`,
      /WEBKVM_CA_KEY=\/nonexistent\/ca.key: no such file/,
    ],
    ['only the certificate', () => `WEBKVM_CA_CERT=${caDir}/ca.pem`, /set both WEBKVM_CA_CERT and WEBKVM_CA_KEY/],
  ])('refuses %s with a clear error', (_what, confText, error) => {
    const r = ensure(join(fresh('bad-ca'), 'tls'), { conf: confText() });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(error);
  });
});

describe("the user's own certificate", () => {
  const own = selfSigned(work, 'kvm.example.org', { days: 90 });

  it('copies a valid certificate and key, and has no CA to offer', () => {
    const dir = join(fresh('own'), 'tls');
    const conf = `WEBKVM_TLS_CERT=${own.cert}\nWEBKVM_TLS_KEY=${own.key}\n`;
    const r = ensure(dir, { conf });
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('using your certificate');
    expect(readFileSync(join(dir, 'cert.pem'), 'utf8')).toBe(readFileSync(own.cert, 'utf8'));
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe(readFileSync(own.key, 'utf8'));
    expect(mode(join(dir, 'key.pem'))).toBe('640');
    expect(spawnSync('test', ['-e', join(dir, 'ca.pem')]).status).toBe(1);
    expect(spawnSync('test', ['-e', join(dir, 'local-ca.pem')]).status).toBe(1);
    expect(r.out).toMatch(/TLS: own\n/);
    expect(ensure(dir, { conf }).changes).toBe(0);
  });

  it('offers WEBKVM_TLS_CA on the CA page when given, and drops a stale ca.pem when not', () => {
    const dir = join(fresh('own-ca'), 'tls');
    ensure(dir);
    const company = selfSigned(work, 'company CA', { ca: true });
    const r = ensure(dir, {
      conf: `WEBKVM_TLS_CERT=${own.cert}\nWEBKVM_TLS_KEY=${own.key}\nWEBKVM_TLS_CA=${company.cert}`,
    });
    expect(r.status, r.out).toBe(0);
    expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(readFileSync(company.cert, 'utf8'));
    ensure(dir, { conf: `WEBKVM_TLS_CERT=${own.cert}\nWEBKVM_TLS_KEY=${own.key}` });
    expect(spawnSync('test', ['-e', join(dir, 'ca.pem')]).status).toBe(1);
  });

  it.each([
    [
      'a key that is not its own',
      () => `WEBKVM_TLS_CERT=${own.cert}\nWEBKVM_TLS_KEY=${selfSigned(work, 'x').key}`,
      /does not belong to the certificate .* \(their public keys differ\)/,
    ],
    [
      'an expired certificate',
      () => {
        const o = selfSigned(work, 'expired', { days: -1 });
        return `WEBKVM_TLS_CERT=${o.cert}\nWEBKVM_TLS_KEY=${o.key}`;
      },
      /the certificate .*expired\.pem expired on/,
    ],
    [
      'a key file that is not a key',
      () => `WEBKVM_TLS_CERT=${own.cert}\nWEBKVM_TLS_KEY=${own.cert}`,
      /is not a PEM private key/,
    ],
    [
      'a certificate file that is not one',
      () => `WEBKVM_TLS_CERT=${own.key}\nWEBKVM_TLS_KEY=${own.key}`,
      /is not a PEM certificate/,
    ],
    [
      'a missing file',
      () => `WEBKVM_TLS_CERT=/nonexistent.pem\nWEBKVM_TLS_KEY=${own.key}`,
      /WEBKVM_TLS_CERT=\/nonexistent.pem: no such file/,
    ],
    ['only the key', () => `WEBKVM_TLS_KEY=${own.key}`, /set both WEBKVM_TLS_CERT and WEBKVM_TLS_KEY/],
  ])('refuses %s with a clear error and leaves the served files alone', (_what, confText, error) => {
    const dir = join(fresh('bad-own'), 'tls');
    ensure(dir);
    const before = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const r = ensure(dir, { conf: confText() });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(error);
    expect(readFileSync(join(dir, 'cert.pem'), 'utf8')).toBe(before);
  });

  it('warns when it expires within 30 days', () => {
    const soon = selfSigned(work, 'soon', { days: 10 });
    const r = ensure(join(fresh('soon'), 'tls'), { conf: `WEBKVM_TLS_CERT=${soon.cert}\nWEBKVM_TLS_KEY=${soon.key}` });
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/WARNING: the certificate .*soon\.pem expires on .*renew it/);
  });
});

describe('the TLS config file', () => {
  it.each([
    ['WEBKVM_TLS_CERT=/a/b.pem', '/a/b.pem'],
    ['WEBKVM_TLS_CERT="/a b/c.pem"', '/a b/c.pem'],
    ["  WEBKVM_TLS_CERT='/q.pem'", '/q.pem'],
    ['#WEBKVM_TLS_CERT=/commented.pem', ''],
    ['WEBKVM_TLS_CERT=/first.pem\nWEBKVM_TLS_CERT=/last.pem', '/last.pem'],
    ['WEBKVM_TLS_CERTX=/other.pem', ''],
  ])('reads %j as %j', (line, value) => {
    const r = ensure(work, { conf: line, call: 'printf "[%s]\\n" "$(tls_conf "$2" WEBKVM_TLS_CERT)"' });
    expect(r.out).toContain(`[${value}]`);
  });
});
