import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Counters } from '../../bridge/src/counters.ts';
import { HidDeviceWriter } from '../../bridge/src/hid/device.ts';
import { keyboardReport } from '../../protocol/index.ts';

// A real character device whose reader has stalled: a pty whose other end (socat) cannot pass
// data on. Writes then fail with a real EAGAIN, as on a
// hidg endpoint the host does not poll.
describe('HID writer on a stalled real device', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hid-pty-'));
  const paths = [0, 1, 2, 3].map((i) => join(dir, `hidg${i}`));
  const socats: ChildProcess[] = [];

  beforeAll(async () => {
    for (const p of paths) {
      // socat hands what it reads from the pty to `sleep`, which never reads: once that pipe
      // and the pty buffer are full, the device stops taking reports.
      socats.push(spawn('socat', [`PTY,link=${p},rawer`, 'EXEC:sleep 30'], { stdio: 'ignore' }));
    }
    const end = Date.now() + 5000;
    while (!paths.every((p) => existsSync(p)) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(() => {
    for (const s of socats) s.kill();
  });

  it('gets EAGAIN, never blocks, and leaves file I/O and timers running', async () => {
    const counters = new Counters();
    const writers = paths.map(
      (path) =>
        new HidDeviceWriter({
          name: 'keyboard',
          path,
          policy: 'ordered',
          counters,
          log: () => undefined,
          onOnline: () => undefined,
        }),
    );
    try {
      expect(writers.every((w) => w.isOnline())).toBe(true);
      const started = performance.now();
      for (const w of writers)
        for (let i = 0; i < 100_000; i++) void w.write(keyboardReport({ modifiers: 0, keys: [4 + (i % 2)] }));
      const enqueueMs = performance.now() - started;
      await new Promise((r) => setTimeout(r, 200));
      expect(counters.get('hid.keyboard.eagain')).toBeGreaterThan(0);
      expect(writers.every((w) => w.queued() > 0)).toBe(true); // still waiting on the stalled readers
      // Four stuck devices: async file I/O and timers must still be prompt (no parked threadpool).
      const t0 = performance.now();
      await fsp.readFile('/proc/self/status');
      await new Promise((r) => setTimeout(r, 10));
      const ioMs = performance.now() - t0;
      console.log(
        `enqueue 400 000 reports: ${enqueueMs.toFixed(0)} ms; readFile + 10 ms timer with 4 stalled devices: ${ioMs.toFixed(1)} ms`,
      );
      expect(ioMs).toBeLessThan(500);
    } finally {
      for (const w of writers) w.close();
    }
  });
});
