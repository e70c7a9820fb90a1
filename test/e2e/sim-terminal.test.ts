/**
 * The simulated target's screen as a person sees it: the terminal covers the whole screen and has
 * the keyboard focus every time the target starts (hardware/sim/terminal.ts; no window manager, so
 * the sim does both itself), and the "HDMI capture" command streams JPEG frames.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { keyboardReport } from '../../protocol/reports.ts';
import { windowGeometry } from '../../hardware/sim/terminal.ts';
import { startSimTarget } from '../../hardware/sim/target.ts';

// A display no other test file uses.
const DISPLAY = ':86';
const STARTS = 10;
const xEnv = (): NodeJS.ProcessEnv => ({ ...process.env, DISPLAY });
const xdotool = (...args: string[]): string => execFileSync('xdotool', args, { env: xEnv(), encoding: 'utf8' }).trim();
/** A shell command's stdout, '' when it fails. */
const shell = (cmd: string): string =>
  execFileSync('sh', ['-c', `${cmd} || true`], { env: xEnv(), encoding: 'utf8' }).trim();

describe('the simulated target terminal', () => {
  it(`fills the screen and holds the keyboard focus, ${STARTS} starts in a row`, async () => {
    const seen: string[] = [];
    for (let i = 0; i < STARTS; i++) {
      const logs: string[] = [];
      const sim = await startSimTarget({ display: DISPLAY, width: 1280, height: 720, log: (l) => logs.push(l) });
      try {
        const windows = xdotool('search', '--onlyvisible', '--classname', 'simtarget').split('\n');
        expect(windows, `start ${i + 1}: one terminal window`).toHaveLength(1);
        const wid = windows[0]!;
        const g = await windowGeometry(xEnv(), wid);
        seen.push(`${g.width}x${g.height}+${g.x}+${g.y}`);
        expect(g, `start ${i + 1}; sim log:\n${logs.join('\n')}`).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
        expect(xdotool('getwindowfocus'), `start ${i + 1}: focus`).toBe(wid);
      } finally {
        await sim.stop();
      }
    }
    console.log(`terminal geometry on ${STARTS} starts: ${seen.join(', ')}`);
  });

  it('fits and focuses the terminal that replaces one whose shell exited', async () => {
    const sim = await startSimTarget({ display: DISPLAY, width: 1280, height: 720, log: () => undefined });
    try {
      // The X server may hand the new xterm the same window id, so tell the two apart by pid.
      const firstPid = xdotool('getwindowpid', xdotool('search', '--onlyvisible', '--classname', 'simtarget'));
      // `exit` + Enter as HID usages (e x i t Return), press and release each.
      const fd = fs.openSync(sim.devices.keyboard, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
      for (const usage of [0x08, 0x1b, 0x0c, 0x17, 0x28]) {
        fs.writeSync(fd, keyboardReport({ modifiers: 0, keys: [usage] }));
        fs.writeSync(fd, keyboardReport({ modifiers: 0, keys: [] }));
      }
      fs.closeSync(fd);
      let wid = '';
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        // These fail for a moment while one window is gone and the next not yet there.
        const now = shell('xdotool search --onlyvisible --classname simtarget 2>/dev/null');
        const pid = now && shell(`xdotool getwindowpid ${now} 2>/dev/null`);
        // The new terminal is up once it has also been focused (a step of every start).
        if (pid && pid !== firstPid && shell('xdotool getwindowfocus 2>/dev/null') === now) {
          wid = now;
          break;
        }
        await sleep(100);
      }
      expect(wid, 'a new terminal window with the focus').not.toBe('');
      expect(await windowGeometry(xEnv(), wid)).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
    } finally {
      await sim.stop();
    }
  });

  it('streams JPEG frames through the video command', async () => {
    const sim = await startSimTarget({ display: DISPLAY, width: 1280, height: 720, fps: 30, log: () => undefined });
    try {
      const [cmd, ...args] = sim.videoCommand;
      const ffmpeg = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      ffmpeg.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const chunks: Buffer[] = [];
      ffmpeg.stdout.on('data', (d: Buffer) => chunks.push(d));
      await new Promise((r) => setTimeout(r, 2000));
      ffmpeg.kill('SIGTERM');
      await new Promise((r) => ffmpeg.once('exit', r));
      const body = Buffer.concat(chunks);
      // -f mpjpeg parts: headers, a blank line, then the JPEG (SOI FF D8).
      const parts = body.toString('latin1').split('--ffmpeg\r\n').filter(Boolean);
      const jpegs = parts.filter((p) => p.includes('Content-type: image/jpeg\r\n') && p.includes('\r\n\r\n\xff\xd8'));
      console.log(`video: ${jpegs.length} JPEG frames in 2 s at 30 fps`);
      expect(jpegs.length, `ffmpeg stderr: ${stderr}`).toBeGreaterThanOrEqual(15);
    } finally {
      await sim.stop();
    }
  });
});
