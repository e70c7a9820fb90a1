import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DepsError,
  dependenciesOf,
  ensureDependencies,
  loadSuites,
  missingPackages,
  systemProbe,
  type Probe,
  type Runner,
} from '../../../hardware/deps/deps.ts';
import { main } from '../../../hardware/deps/ensure.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');

/**
 * A machine where only `files` exist: commands are looked up in /fake/bin. `installs` maps an apt
 * package to the files it brings, so a fake apt-get can install it.
 */
function fakeMachine(files: string[], installs: Record<string, string[]> = {}) {
  const present = new Set(files);
  const calls: string[] = [];
  const probe: Probe = { dirs: ['/fake/bin'], exists: (f) => present.has(f) };
  const run =
    (results: number[]): Runner =>
    async (cmd, args, log) => {
      calls.push(`${cmd} ${args.join(' ')}`);
      log(`ran ${cmd}`);
      const code = results.shift() ?? 0;
      if (code === 0 && args[0] === 'install')
        for (const pkg of args.slice(2)) for (const f of installs[pkg] ?? []) present.add(f);
      return code;
    };
  return { probe, run, calls };
}

const DEPS = [
  { pkg: 'xvfb', need: 'Xvfb', why: 'screen' },
  { pkg: 'chromium', need: '/usr/bin/chromium', why: 'browser' },
  { pkg: 'libxkbcommon-tools', need: 'xkbcli', why: 'generator' },
];

describe('packages.json', () => {
  const suites = loadSuites();

  it('has the suites the npm scripts name, each package with a need and a reason', () => {
    expect(Object.keys(suites).sort()).toEqual(['bench', 'deploy', 'e2e', 'layouts', 'rig', 'start', 'unit']);
    for (const s of Object.values(suites)) for (const d of s.packages) expect(d.why, d.pkg).not.toBe('');
  });

  it.each([
    ['start', ['xvfb', 'xterm', 'ffmpeg', 'socat', 'xdotool', 'x11-xkb-utils', 'fonts-dejavu-core']],
    ['unit', ['xvfb', 'libxkbcommon-tools', 'x11proto-dev', 'libx11-data', 'chromium', 'openssl']],
    ['e2e', ['xvfb', 'chromium']],
    ['layouts', ['xvfb', 'chromium', 'xkb-data']],
    ['rig', ['qemu-system-x86', 'busybox-static', 'udev']],
    ['deploy', ['shellcheck', 'debootstrap', 'systemd', 'e2fsprogs', 'qemu-system-x86', 'iproute2']],
    ['bench', ['xvfb', 'ffmpeg', 'chromium', 'iproute2']],
  ])('suite %s needs (at least) %j, its includes resolved, each package once', (suite, pkgs) => {
    const deps = dependenciesOf([suite], suites).map((d) => d.pkg);
    expect(deps).toEqual(expect.arrayContaining(pkgs));
    expect(new Set(deps).size).toBe(deps.length);
  });

  it('refuses an unknown suite by name', () => {
    expect(() => dependenciesOf(['nope'], suites)).toThrow(
      expect.objectContaining({ code: 'DEPS_UNKNOWN_SUITE', message: expect.stringContaining('have: start') }),
    );
  });

  it('is the list .ci/run installs: its node one-liner prints what --list all prints', async () => {
    const ci = fs.readFileSync(path.join(REPO, '.ci/run'), 'utf8');
    const script = /node -e '([^']+)'/.exec(ci)?.[1];
    expect(script, '.ci/run reads the packages with node -e').toBeDefined();
    const fromCi = execFileSync('node', ['-e', script!], { cwd: REPO, encoding: 'utf8' }).trim().split(' ');
    const out: string[] = [];
    expect(await main(['--list', 'all'], { out: (l) => out.push(l), err: () => undefined })).toBe(0);
    expect(fromCi.sort()).toEqual(out[0]!.split(' ').sort());
  });

  it('is checked first by npm test and every test:* script, for the suites they run', () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    const expected: Record<string, string> = {
      test: 'unit e2e',
      'test:unit': 'unit',
      'test:e2e': 'e2e',
      'test:hardware': 'rig',
      'test:deploy': 'deploy',
      'test:layouts': 'layouts',
    };
    for (const [name, script] of Object.entries(scripts).filter(([n]) => n === 'test' || n.startsWith('test:')))
      expect(script, name).toMatch(new RegExp(`^tsx hardware/deps/ensure\\.ts ${expected[name]} && `));
    expect(scripts.test).toContain('npm run lint');
  });
});

describe('missingPackages', () => {
  it.each([
    [['/fake/bin/Xvfb', '/usr/bin/chromium', '/fake/bin/xkbcli'], []],
    [['/fake/bin/Xvfb'], ['chromium', 'libxkbcommon-tools']],
    [[], ['xvfb', 'chromium', 'libxkbcommon-tools']],
  ])('with %j present, misses %j', (files, missing) => {
    expect(missingPackages(DEPS, fakeMachine(files).probe)).toEqual(missing);
  });
});

describe('ensureDependencies', () => {
  it('names the one sudo apt-get command and installs nothing when not root', async () => {
    const m = fakeMachine(['/fake/bin/Xvfb']);
    const err = await ensureDependencies(DEPS, {
      who: 'npm test',
      isRoot: false,
      probe: m.probe,
      run: m.run([]),
      log: () => undefined,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DepsError);
    expect(err).toMatchObject({
      code: 'DEPS_MISSING',
      missing: ['chromium', 'libxkbcommon-tools'],
      command: 'sudo apt-get install -y chromium libxkbcommon-tools',
    });
    expect(m.calls).toEqual([]);
  });

  it('installs what is missing as root, with apt-get update and a retry when the first install fails', async () => {
    const m = fakeMachine(['/fake/bin/Xvfb'], {
      chromium: ['/usr/bin/chromium'],
      'libxkbcommon-tools': ['/fake/bin/xkbcli'],
    });
    const lines: string[] = [];
    const installed = await ensureDependencies(DEPS, {
      who: 'npm test',
      isRoot: true,
      probe: m.probe,
      run: m.run([100, 0, 0]),
      log: (l) => lines.push(l),
    });
    expect(installed).toEqual(['chromium', 'libxkbcommon-tools']);
    expect(m.calls).toEqual([
      'apt-get install -y chromium libxkbcommon-tools',
      'apt-get update',
      'apt-get install -y chromium libxkbcommon-tools',
    ]);
    expect(lines).toContain('ran apt-get'); // apt's output reaches the log
  });

  it('does nothing when everything is there', async () => {
    const m = fakeMachine(['/fake/bin/Xvfb', '/usr/bin/chromium', '/fake/bin/xkbcli']);
    expect(await ensureDependencies(DEPS, { who: 'x', isRoot: true, probe: m.probe, run: m.run([]) })).toEqual([]);
    expect(m.calls).toEqual([]);
  });

  it('fails with DEPS_INSTALL_FAILED when apt-get cannot install them', async () => {
    const m = fakeMachine([]);
    await expect(
      ensureDependencies(DEPS, {
        who: 'x',
        isRoot: true,
        probe: m.probe,
        run: m.run([100, 0, 100]),
        log: () => undefined,
      }),
    ).rejects.toMatchObject({ code: 'DEPS_INSTALL_FAILED', message: expect.stringContaining('exit 100') });
  });
});

describe('the ensure command (npm test runs it first)', () => {
  it('exits 1 without root, listing each missing package and ending with the sudo line', async () => {
    const err: string[] = [];
    const m = fakeMachine([]);
    const code = await main(['unit', 'e2e'], {
      out: () => undefined,
      err: (l) => err.push(l),
      isRoot: false,
      probe: m.probe,
    });
    expect(code).toBe(1);
    expect(err[0]).toBe('ensure-deps: npm test needs Debian packages that are not installed here:');
    expect(err).toContain(
      '  libxkbcommon-tools (xkbcli): the layout generator and its tests (web/tools/gen-layouts.ts)',
    );
    expect(err.at(-1)).toMatch(/^ {2}sudo apt-get install -y xvfb xterm .*libxkbcommon-tools/);
    expect(m.calls).toEqual([]);
  });

  it('passes on this machine for the suites npm test runs', async () => {
    const out: string[] = [];
    expect(await main(['unit', 'e2e'], { out: (l) => out.push(l), err: (l) => out.push(l), isRoot: false })).toBe(0);
    expect(out.join('\n')).toMatch(/^deps \(unit, e2e\): \d+ Debian packages present$/);
  });

  it('exits 2 for an unknown suite', async () => {
    expect(await main(['bogus'], { out: () => undefined, err: () => undefined })).toBe(2);
    expect(await main([], { out: () => undefined, err: () => undefined })).toBe(2);
  });
});

describe('a PATH without the packages (a fresh machine, simulated)', () => {
  it('misses the commands, keeps the files that are there, and prints the sudo line', async () => {
    const empty = fs.mkdtempSync(path.join(tmpdir(), 'deps-path-'));
    try {
      const err: string[] = [];
      const probe = systemProbe({ PATH: empty });
      const code = await main(['start'], { out: () => undefined, err: (l) => err.push(l), isRoot: false, probe });
      expect(code).toBe(1);
      // The font is an absolute path, found as before; every command is gone with the PATH.
      expect(err.at(-1)).toBe('  sudo apt-get install -y xvfb xterm ffmpeg socat xdotool x11-xkb-utils');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
