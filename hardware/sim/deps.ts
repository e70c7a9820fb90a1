/**
 * System packages the simulated target needs, checked up front so a missing binary is one clear
 * message (with the exact install command) instead of a child process failing with ENOENT halfway.
 * Package names are Debian/Ubuntu's.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SimError } from './errors.ts';

/** Binary (or absolute file) → the Debian package that provides it. */
export const SIM_DEPENDENCIES: readonly { need: string; pkg: string }[] = [
  { need: 'Xvfb', pkg: 'xvfb' },
  { need: 'xterm', pkg: 'xterm' },
  { need: 'ffmpeg', pkg: 'ffmpeg' },
  { need: 'socat', pkg: 'socat' },
  { need: 'xdotool', pkg: 'xdotool' },
  { need: 'setxkbmap', pkg: 'x11-xkb-utils' },
  { need: '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf', pkg: 'fonts-dejavu-core' },
];

function isPresent(need: string): boolean {
  if (path.isAbsolute(need)) return fs.existsSync(need);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, need), fs.constants.X_OK);
      return true;
    } catch {
      continue; // not in this PATH entry; try the next
    }
  }
  return false;
}

/** Debian packages whose files are missing, deduplicated, in table order; [] when all present. */
export function missingSimPackages(): string[] {
  return [...new Set(SIM_DEPENDENCIES.filter((d) => !isPresent(d.need)).map((d) => d.pkg))];
}

function runStreaming(cmd: string, args: string[], log: (line: string) => void): Promise<number> {
  log(`$ ${cmd} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const p = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const forward = (chunk: Buffer): void =>
      chunk
        .toString()
        .split('\n')
        .filter(Boolean)
        .forEach((l) => log(`  ${l}`));
    p.stdout.on('data', forward);
    p.stderr.on('data', forward);
    p.on('error', (err) => {
      log(`  ${cmd}: ${err.message}`);
      resolve(-1);
    });
    p.on('exit', (code) => resolve(code ?? -1));
  });
}

/**
 * Makes sure the sim's packages are installed. All present: returns. Missing and running as root:
 * `apt-get install -y <pkgs>` (after `apt-get update` if the first attempt fails), output streamed
 * to `log`. Missing otherwise: throws DEPS_MISSING whose message is the exact
 * `sudo apt-get install -y <pkgs>` command to run.
 */
export async function ensureSimDeps(log: (line: string) => void = console.log): Promise<void> {
  const missing = missingSimPackages();
  if (missing.length === 0) return;
  const command = `sudo apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new SimError(
      'DEPS_MISSING',
      `the simulated target needs: ${missing.join(', ')}. Install them with: ${command}`,
    );
  }
  log(`simulated target: installing ${missing.join(' ')}`);
  let code = await runStreaming('apt-get', ['install', '-y', ...missing], log);
  if (code !== 0) {
    await runStreaming('apt-get', ['update'], log);
    code = await runStreaming('apt-get', ['install', '-y', ...missing], log);
  }
  const still = missingSimPackages();
  if (code !== 0 || still.length > 0) {
    throw new SimError(
      'DEPS_INSTALL_FAILED',
      `apt-get could not install ${still.join(' ') || missing.join(' ')} (exit ${code}); try: ${command}`,
    );
  }
}
