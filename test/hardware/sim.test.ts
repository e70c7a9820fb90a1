import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyboardReport, Led, Modifier, mouseAbsReport, mouseRelReport } from '../../protocol/reports.ts';
import { startSimTarget, type SimTarget } from '../../hardware/sim/target.ts';

// A display no developer session or other test file uses.
const DISPLAY = ':91';
const O_FLAGS = fs.constants.O_RDWR | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY;

/** US-layout usage for the few characters the tests type. */
function usageFor(ch: string): { usage: number; shift: boolean } {
  if (/^[a-z]$/.test(ch)) return { usage: 0x04 + ch.charCodeAt(0) - 97, shift: false };
  const table: Record<string, [number, boolean]> = {
    ' ': [0x2c, false],
    '-': [0x2d, false],
    '.': [0x37, false],
    '>': [0x37, true],
    '\n': [0x28, false],
  };
  const hit = table[ch];
  if (!hit) throw new Error(`no usage for ${JSON.stringify(ch)}`);
  return { usage: hit[0], shift: hit[1] };
}

/** Writes press + release reports per character, as the bridge does for typed text. */
function typeText(fd: number, text: string): void {
  for (const ch of text) {
    const { usage, shift } = usageFor(ch);
    const modifiers = shift ? Modifier.LeftShift : 0;
    fs.writeSync(fd, keyboardReport({ modifiers, keys: [usage] }));
    fs.writeSync(fd, keyboardReport({ modifiers: 0, keys: [] }));
  }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Every byte currently readable from a non-blocking device fd. */
function drain(fd: number): number[] {
  const out: number[] = [];
  const buf = Buffer.alloc(64);
  for (;;) {
    try {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) return out;
      out.push(...buf.subarray(0, n));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return out;
      throw err;
    }
  }
}

function pointer(): { x: number; y: number } {
  const text = execFileSync('xdotool', ['getmouselocation', '--shell'], {
    env: { ...process.env, DISPLAY },
    encoding: 'utf8',
  });
  return { x: Number(/X=(\d+)/.exec(text)?.[1]), y: Number(/Y=(\d+)/.exec(text)?.[1]) };
}

describe('the simulated target', () => {
  let sim: SimTarget;
  let workDir: string;
  let kbd: number;
  const logs: string[] = [];

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-test-'));
    sim = await startSimTarget({ display: DISPLAY, width: 1280, height: 720, workDir, log: (l) => logs.push(l) });
    kbd = fs.openSync(sim.devices.keyboard, O_FLAGS);
  }, 60_000);

  afterAll(async () => {
    if (kbd !== undefined) fs.closeSync(kbd);
    await sim?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
    if (process.env.SIM_TEST_LOGS) console.log(logs.join('\n'));
  }, 30_000);

  it('types into its shell from keyboard reports written to the device path', async () => {
    typeText(kbd, 'echo hello-sim > out.txt\n');
    const file = path.join(workDir, 'out.txt');
    const text = await until('out.txt', () =>
      fs.existsSync(file) ? fs.readFileSync(file, 'utf8') || undefined : undefined,
    );
    expect(text.trim()).toBe('hello-sim');
    expect(sim.stats().keyboardReports).toBe(2 * 'echo hello-sim > out.txt\n'.length);
  });

  it('moves the pointer to the pixel an absolute mouse report maps to', async () => {
    const fd = fs.openSync(sim.devices.mouse, O_FLAGS);
    fs.writeSync(fd, mouseAbsReport({ buttons: 0, x: 16384, y: 8192, wheel: 0, pan: 0 }));
    fs.closeSync(fd);
    // round(16384 * 1279 / 32767) = 640, round(8192 * 719 / 32767) = 180
    await until('pointer at 640,180', () => (pointer().x === 640 && pointer().y === 180 ? true : undefined));
  });

  it('moves the pointer by the counts of a relative mouse report', async () => {
    const before = pointer();
    const fd = fs.openSync(sim.devices.mouseRelative, O_FLAGS);
    fs.writeSync(fd, mouseRelReport({ buttons: 0, dx: 30, dy: -20, wheel: 0 }));
    fs.closeSync(fd);
    await until('relative move', () => {
      const p = pointer();
      return p.x === before.x + 30 && p.y === before.y - 20 ? true : undefined;
    });
  });

  it('sends the Caps Lock LED back on the keyboard device and clears it again', async () => {
    const leds = (): number | undefined => drain(kbd).at(-1);
    leds(); // the initial 0x00 a host sends at enumeration
    fs.writeSync(kbd, keyboardReport({ modifiers: 0, keys: [0x39] }));
    fs.writeSync(kbd, keyboardReport({ modifiers: 0, keys: [] }));
    const on = await until('Caps LED on', () => leds());
    expect(on & Led.CapsLock).toBe(Led.CapsLock);
    fs.writeSync(kbd, keyboardReport({ modifiers: 0, keys: [0x39] }));
    fs.writeSync(kbd, keyboardReport({ modifiers: 0, keys: [] }));
    expect(await until('Caps LED off', () => leds())).toBe(0);
  });

  it('keeps working after the bridge closes and reopens the device', async () => {
    fs.closeSync(kbd);
    kbd = fs.openSync(sim.devices.keyboard, O_FLAGS);
    typeText(kbd, 'echo again > two.txt\n');
    const file = path.join(workDir, 'two.txt');
    expect(
      await until('two.txt', () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') || undefined : undefined)),
    ).toBe('again\n');
    expect(sim.stats().badReports).toBe(0);
    expect(logs.filter((l) => /UNEXPECTEDLY|error/i.test(l))).toEqual([]);
  });

  it('refuses a second target on a display that is already in use', async () => {
    await expect(startSimTarget({ display: DISPLAY, log: () => {} })).rejects.toMatchObject({
      code: 'DISPLAY_IN_USE',
      message: expect.stringContaining('SIM_DISPLAY'),
    });
  });
});

describe('a simulated target with a German layout', () => {
  it('interprets the same key usages with its own keymap, as a real German machine would', async () => {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-test-de-'));
    const sim = await startSimTarget({
      display: ':88',
      width: 640,
      height: 480,
      workDir,
      xkbLayout: 'de',
      log: () => {},
    });
    try {
      const fd = fs.openSync(sim.devices.keyboard, O_FLAGS);
      // US positions of "touch yz": on a German keyboard the Y and Z keys are swapped.
      typeText(fd, 'touch yz\n');
      fs.closeSync(fd);
      await until('file zy', () => (fs.existsSync(path.join(workDir, 'zy')) ? true : undefined));
      expect(fs.existsSync(path.join(workDir, 'yz'))).toBe(false);
    } finally {
      await sim.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }, 30_000);
});
