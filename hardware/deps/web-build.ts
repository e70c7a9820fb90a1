/**
 * A fresh web/dist for the suites that serve the PWA (e2e, layouts): built with `npm run build`
 * (vite) when web/dist/index.html is missing or older than any file the build reads, so
 * `npm run test:e2e` on a fresh clone works without a separate build step, and an unchanged tree
 * is not rebuilt. Builds are serialised across processes with a lock directory, because two vite
 * builds emptying the same outDir at once leave a dist that references deleted assets.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** What vite's build reads, relative to the repo: the page, its config, assets, the wire format, the lockfile. */
export const WEB_BUILD_INPUTS = [
  'web/src',
  'web/index.html',
  'web/vite.config.ts',
  'web/public',
  'protocol',
  'package-lock.json',
] as const;
export const WEB_BUILD_OUTPUT = 'web/dist/index.html';

/** Inside node_modules: ignored by git, and there whenever npm ci was. */
const LOCK = 'node_modules/.cache/webkvm-web-build.lock';
const LOCK_STALE_MS = 10 * 60_000;
const LOCK_WAIT_MS = 10 * 60_000;

export class WebBuildError extends Error {
  override name = 'WebBuildError';
  constructor(
    readonly code: 'BUILD_FAILED' | 'LOCK_TIMEOUT',
    message: string,
  ) {
    super(message);
  }
}

/** The newest file under `p` (recursively), as { file, mtimeMs }; undefined if `p` does not exist. */
export function newestFile(p: string): { file: string; mtimeMs: number } | undefined {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return undefined;
  if (!st.isDirectory()) return { file: p, mtimeMs: st.mtimeMs };
  let newest: { file: string; mtimeMs: number } | undefined;
  for (const name of fs.readdirSync(p)) {
    const n = newestFile(path.join(p, name));
    if (n && (!newest || n.mtimeMs > newest.mtimeMs)) newest = n;
  }
  return newest;
}

/**
 * Why web/dist must be (re)built, or undefined when it is newer than every input.
 * @param repo the checkout (tests pass a temp dir shaped like one)
 */
export function webBuildStaleness(repo = REPO): string | undefined {
  const out = fs.statSync(path.join(repo, WEB_BUILD_OUTPUT), { throwIfNoEntry: false });
  if (!out) return `${WEB_BUILD_OUTPUT} does not exist`;
  for (const input of WEB_BUILD_INPUTS) {
    const n = newestFile(path.join(repo, input));
    if (n && n.mtimeMs > out.mtimeMs) return `${path.relative(repo, n.file)} is newer than ${WEB_BUILD_OUTPUT}`;
  }
  return undefined;
}

/** Takes the build lock (mkdir is atomic), waiting for another build to finish; returns the release. */
async function lock(repo: string, log: (line: string) => void): Promise<() => void> {
  const dir = path.join(repo, LOCK);
  const deadline = Date.now() + LOCK_WAIT_MS;
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      fs.mkdirSync(dir);
      return () => fs.rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > LOCK_STALE_MS) {
      log(`removing a stale build lock ${LOCK} (${Math.round((Date.now() - st.mtimeMs) / 1000)} s old)`);
      fs.rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new WebBuildError('LOCK_TIMEOUT', `another web build held ${dir} for too long`);
    if (!said) log(`waiting for another web build (${LOCK})`);
    said = true;
    await sleep(500);
  }
}

/**
 * Builds web/dist with `npm run build` if webBuildStaleness says so; vite's output goes to this
 * process's stdout/stderr.
 * @returns whether it built
 * @throws WebBuildError BUILD_FAILED (vite exited non-zero) | LOCK_TIMEOUT
 */
export async function ensureWebBuild(log: (line: string) => void = console.log, repo = REPO): Promise<boolean> {
  if (!webBuildStaleness(repo)) return false;
  const release = await lock(repo, log);
  try {
    const why = webBuildStaleness(repo); // the build we waited for may have made it fresh
    if (!why) return false;
    log(`building the PWA (npm run build): ${why}`);
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' });
    if (r.status !== 0) {
      // A half-written dist must not look fresh next time.
      fs.rmSync(path.join(repo, WEB_BUILD_OUTPUT), { force: true });
      throw new WebBuildError(
        'BUILD_FAILED',
        `npm run build failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`,
      );
    }
    return true;
  } finally {
    release();
  }
}
