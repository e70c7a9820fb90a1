/**
 * Static checks of deploy/: shellcheck on every shell script (any finding fails, style included;
 * deploy/.shellcheckrc lets it follow the sourced lib/ files), and systemd-analyze verify on the
 * unit files rendered the way install.sh renders them, in a temp root with this machine's systemd
 * units and stub ExecStart programs (verify refuses a unit whose program is missing).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './chroot.ts';

const DEPLOY = join(REPO, 'deploy');
const SCRIPTS = [
  'install.sh',
  'uninstall.sh',
  ...readdirSync(join(DEPLOY, 'lib'))
    .filter((f) => f.endsWith('.sh'))
    .map((f) => `lib/${f}`),
];
const UNITS = readdirSync(join(DEPLOY, 'systemd')).filter((f) => f.endsWith('.service'));

function run(cmd: string, args: string[], cwd = DEPLOY): { status: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { status: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

describe('deploy shell scripts', () => {
  it.each(SCRIPTS)('%s passes shellcheck with no findings', (script) => {
    const r = run('shellcheck', ['--severity=style', '--external-sources', script]);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(['install.sh', 'uninstall.sh'])('%s is executable and uses bash strict mode', (script) => {
    const text = readFileSync(join(DEPLOY, script), 'utf8');
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text).toMatch(/^set -Eeuo pipefail$/m);
    expect(run('test', ['-x', script]).status).toBe(0);
  });

  it('refuses to run without root, saying how to run it', () => {
    const r = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', join(DEPLOY, 'install.sh')],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ERROR: run as root: sudo/);
  });
});

describe('deploy systemd units', () => {
  const root = mkdtempSync(join(tmpdir(), 'webkvm-units-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // What install.sh does: @NODE@ becomes the absolute node path. Stub programs stand in for node
  // and ustreamer so verify can check that ExecStart points at an executable.
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  // systemd's own units (targets, sys-kernel-config.mount) from this Debian machine.
  cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  for (const bin of ['node', 'ustreamer']) {
    writeFileSync(join(root, 'usr/bin', bin), '#!/bin/sh\nexit 0\n');
    chmodSync(join(root, 'usr/bin', bin), 0o755);
  }
  for (const unit of UNITS) {
    const text = readFileSync(join(DEPLOY, 'systemd', unit), 'utf8').replaceAll('@NODE@', '/usr/bin/node');
    writeFileSync(join(root, 'etc/systemd/system', unit), text);
  }

  it.each(UNITS)('%s passes systemd-analyze verify', (unit) => {
    const r = run('systemd-analyze', ['verify', '--man=no', `--root=${root}`, unit]);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  it('fails verify when ExecStart points at a missing program, so the check above means something', () => {
    const broken = readFileSync(join(root, 'etc/systemd/system/webkvm-bridge.service'), 'utf8').replaceAll(
      '/usr/bin/node',
      '/usr/bin/no-such-node',
    );
    writeFileSync(join(root, 'etc/systemd/system/webkvm-broken.service'), broken);
    const r = run('systemd-analyze', ['verify', '--man=no', `--root=${root}`, 'webkvm-broken.service']);
    rmSync(join(root, 'etc/systemd/system/webkvm-broken.service'));
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('no-such-node');
  });

  it('orders the gadget before the bridge, which wants it (UI stays up without it) and runs unprivileged with one capability', () => {
    const bridge = readFileSync(join(DEPLOY, 'systemd/webkvm-bridge.service'), 'utf8');
    const gadget = readFileSync(join(DEPLOY, 'systemd/webkvm-gadget.service'), 'utf8');
    expect(bridge).toMatch(/^Wants=.*webkvm-gadget\.service/m);
    expect(bridge).not.toMatch(/^Requires=/m);
    expect(bridge).toMatch(/^After=.*webkvm-gadget\.service.*network-online\.target/m);
    expect(bridge).toMatch(/^User=webkvm$/m);
    expect(bridge).toMatch(/^Restart=always$/m);
    expect(bridge).toMatch(/^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
    expect(bridge).toMatch(/^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$/m);
    expect(bridge).toMatch(/^DeviceAllow=char-hidg rw$/m);
    expect(gadget).toMatch(/^Type=oneshot$/m);
    expect(gadget).toMatch(/^RemainAfterExit=yes$/m);
    expect(gadget).toMatch(/^Before=webkvm-bridge\.service$/m);
    expect(gadget).toMatch(/^ExecStop=@NODE@ .*hardware\/gadget\/setup\.ts down$/m);
  });
});
