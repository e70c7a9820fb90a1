/**
 * deploy/lib/boot.sh on copies of config.txt: dtoverlay=dwc2 lands under [all] once, a dwc2
 * line that only applies to some boards doesn't count, and uninstall restores the file exactly.
 * Runs the real shell functions with bash; no root needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './chroot.ts';

const work = mkdtempSync(join(tmpdir(), 'webkvm-boot-'));
const BOOKWORM = readFileSync(join(import.meta.dirname, 'fixtures/bookworm-config.txt'), 'utf8');

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Sources common.sh and boot.sh, then runs `fn file`; returns stdout and the file after. */
function call(fn: string, content: string, name = 'config.txt'): { stdout: string; after: string; status: number } {
  const file = join(work, name);
  writeFileSync(file, content);
  const script = `. "${REPO}/deploy/lib/common.sh"; . "${REPO}/deploy/lib/boot.sh"; ${fn} "$1"; echo "BOOT_CHANGED=$BOOT_CHANGED"`;
  const r = spawnSync('bash', ['-c', `set -euo pipefail; ${script}`, 'bash', file], { encoding: 'utf8' });
  return { stdout: r.stdout + r.stderr, after: readFileSync(file, 'utf8'), status: r.status ?? -1 };
}

describe('the dwc2 overlay in config.txt', () => {
  it("appends dtoverlay=dwc2 under its own [all] to Bookworm's default config", () => {
    const r = call('ensure_dwc2_overlay', BOOKWORM);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('BOOT_CHANGED=1');
    expect(r.after.startsWith(BOOKWORM)).toBe(true);
    expect(r.after.slice(BOOKWORM.length)).toMatch(/^# >>> webkvm.*\n\[all\]\ndtoverlay=dwc2\n# <<< webkvm\n$/);
  });

  it('leaves a config alone the second time', () => {
    const once = call('ensure_dwc2_overlay', BOOKWORM).after;
    const twice = call('ensure_dwc2_overlay', once);
    expect(twice.after).toBe(once);
    expect(twice.stdout).toContain('BOOT_CHANGED=0');
  });

  it.each([
    ['before any section', 'dtparam=audio=on\ndtoverlay=dwc2\n'],
    ['under [all]', '[pi4]\narm_boost=1\n[all]\ndtoverlay=dwc2,dr_mode=peripheral\n'],
    ['with spaces around =', '[all]\ndtoverlay = dwc2\n'],
  ])('counts a dwc2 line %s as already enabled', (_where, content) => {
    const r = call('ensure_dwc2_overlay', content);
    expect(r.after).toBe(content);
    expect(r.stdout).toContain('BOOT_CHANGED=0');
  });

  it.each([
    ['under [cm4] only', '[cm4]\ndtoverlay=dwc2\n'],
    ['commented out', '#dtoverlay=dwc2\n'],
    ['another overlay with a similar name', 'dtoverlay=dwc2-extra\n'],
  ])('adds the block when dwc2 is %s', (_where, content) => {
    const r = call('ensure_dwc2_overlay', content);
    expect(r.stdout).toContain('BOOT_CHANGED=1');
    expect(r.after).toContain('[all]\ndtoverlay=dwc2\n');
  });

  it('starts the block on a new line when the file lacks a final newline', () => {
    const r = call('ensure_dwc2_overlay', 'arm_boost=1');
    expect(r.after.startsWith('arm_boost=1\n# >>> webkvm')).toBe(true);
  });

  it('removes exactly its own block on uninstall', () => {
    const added = call('ensure_dwc2_overlay', `${BOOKWORM}dtparam=spi=on\n`).after;
    const edited = `${added}# added by the user later\n`;
    const r = call('remove_dwc2_overlay', edited);
    expect(r.after).toBe(`${BOOKWORM}dtparam=spi=on\n# added by the user later\n`);
  });

  it("leaves a user's own dwc2 line in place on uninstall", () => {
    const content = '[all]\ndtoverlay=dwc2\n';
    expect(call('remove_dwc2_overlay', content).after).toBe(content);
  });
});
