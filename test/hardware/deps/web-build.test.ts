import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WEB_BUILD_INPUTS, webBuildStaleness } from '../../../hardware/deps/web-build.ts';

// A temp dir shaped like the checkout; mtimes set explicitly (seconds since the epoch).
let repo: string;
const write = (rel: string, mtime: number): void => {
  const f = path.join(repo, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, rel);
  fs.utimesSync(f, mtime, mtime);
};

beforeEach(() => {
  repo = fs.mkdtempSync(path.join(tmpdir(), 'web-build-'));
  write('web/src/main.tsx', 1000);
  write('web/src/lib/deep/module.ts', 1000);
  write('web/index.html', 1000);
  write('web/vite.config.ts', 1000);
  write('protocol/index.ts', 1000);
});
afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

describe('web/dist freshness', () => {
  it('builds when there is no web/dist (a fresh clone)', () => {
    expect(webBuildStaleness(repo)).toBe('web/dist/index.html does not exist');
  });

  it('keeps a dist newer than every input', () => {
    write('web/dist/index.html', 2000);
    expect(webBuildStaleness(repo)).toBeUndefined();
  });

  it.each([
    'web/src/lib/deep/module.ts',
    'web/index.html',
    'web/vite.config.ts',
    'protocol/index.ts',
    'web/public/icon.svg',
  ])('rebuilds when %s changed after the build', (changed) => {
    write('web/dist/index.html', 2000);
    write(changed, 3000);
    expect(webBuildStaleness(repo)).toBe(`${changed} is newer than web/dist/index.html`);
  });

  it('reads what vite reads', () => {
    expect(WEB_BUILD_INPUTS).toEqual(
      expect.arrayContaining(['web/src', 'web/index.html', 'web/vite.config.ts', 'protocol']),
    );
  });
});
