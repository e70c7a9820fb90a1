import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../../bridge/src/counters.ts';
import { HidDeviceWriter, type HidFs } from '../../bridge/src/hid/device.ts';
import { keyboardReport, mouseAbsReport } from '../../protocol/index.ts';

const errno = (code: string) => Object.assign(new Error(code), { code });

/** A fake device node: records writes, and fails the next writes with queued errno codes. */
function makeFakeFs() {
  const state = {
    exists: true,
    writes: [] as number[][],
    failWrites: [] as string[],
    leds: [] as number[],
    openFlags: [] as number[],
    opens: 0,
  };
  const fs: HidFs = {
    openSync: (_path, flags) => {
      if (!state.exists) throw errno('ENOENT');
      state.openFlags.push(flags);
      return 100 + state.opens++;
    },
    writeSync: (_fd, buf) => {
      const fail = state.failWrites.shift();
      if (fail) throw errno(fail);
      state.writes.push([...buf]);
      return buf.length;
    },
    readSync: (_fd, buf) => {
      const b = state.leds.shift();
      if (b === undefined) throw errno('EAGAIN');
      buf[0] = b;
      return 1;
    },
    closeSync: () => undefined,
  };
  return { fs, state };
}

describe('HidDeviceWriter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const make = (policy: 'ordered' | 'coalesce', fake = makeFakeFs()) => {
    const online: boolean[] = [];
    const leds: number[] = [];
    const counters = new Counters();
    const dev = new HidDeviceWriter({
      name: policy === 'ordered' ? 'keyboard' : 'mouse',
      path: '/dev/hidg0',
      policy,
      fs: fake.fs,
      counters,
      log: () => undefined,
      onOnline: (o) => online.push(o),
      onLeds: (l) => leds.push(l),
      retryMs: 2,
      reopenMs: 500,
      readMs: 50,
    });
    return { dev, fake, online, leds, counters };
  };

  it('opens the node O_RDWR|O_NONBLOCK', async () => {
    const { fake } = make('ordered');
    const { constants } = await import('node:fs');
    expect(fake.state.openFlags[0]! & constants.O_RDWR).toBe(constants.O_RDWR);
    expect(fake.state.openFlags[0]! & constants.O_NONBLOCK).toBe(constants.O_NONBLOCK);
  });

  it('retries a key report after EAGAIN on a short timer and keeps key order', async () => {
    const { dev, fake, counters } = make('ordered');
    fake.state.failWrites.push('EAGAIN', 'EAGAIN');
    const a = keyboardReport({ modifiers: 0, keys: [4] });
    const up = keyboardReport({ modifiers: 0, keys: [] });
    const b = keyboardReport({ modifiers: 0, keys: [5] });
    const results = [dev.write(a), dev.write(up), dev.write(b), dev.write(up)];
    expect(fake.state.writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(2);
    expect(fake.state.writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(2);
    expect(fake.state.writes).toEqual([[...a], [...up], [...b], [...up]]);
    expect(await Promise.all(results)).toEqual([true, true, true, true]);
    expect(counters.get('hid.keyboard.eagain')).toBe(2);
  });

  it('coalesces mouse moves waiting behind EAGAIN to the latest position but keeps clicks', async () => {
    const { dev, fake } = make('coalesce');
    fake.state.failWrites.push('EAGAIN');
    const move = (x: number, buttons = 0) => mouseAbsReport({ buttons, x, y: 100, wheel: 0, pan: 0 });
    void dev.write(move(1));
    void dev.write(move(2));
    void dev.write(move(3));
    void dev.write(move(3, 1));
    void dev.write(move(3, 0));
    void dev.write(move(4));
    void dev.write(move(5));
    await vi.advanceTimersByTimeAsync(5);
    expect(fake.state.writes.map((w) => [w[0], w[1]])).toEqual([
      [0, 3],
      [1, 3],
      [0, 3],
      [0, 5],
    ]);
  });

  it('goes offline on ESHUTDOWN, drops queued input, and reopens when the node comes back', async () => {
    const { dev, fake, online } = make('ordered');
    expect(online).toEqual([true]);
    fake.state.failWrites.push('ESHUTDOWN');
    expect(await dev.write(keyboardReport({ modifiers: 0, keys: [4] }))).toBe(false);
    expect(online).toEqual([true, false]);
    expect(await dev.write(keyboardReport({ modifiers: 0, keys: [5] }))).toBe(false); // typed while away: dropped
    fake.state.exists = false;
    await vi.advanceTimersByTimeAsync(1500);
    expect(dev.isOnline()).toBe(false);
    fake.state.exists = true;
    await vi.advanceTimersByTimeAsync(500);
    expect(online).toEqual([true, false, true]);
    expect(await dev.write(keyboardReport({ modifiers: 0, keys: [6] }))).toBe(true);
    expect(fake.state.writes).toEqual([[0, 0, 6, 0, 0, 0, 0, 0]]);
  });

  it('starts offline when the node is missing and comes online once it appears', async () => {
    const fake = makeFakeFs();
    fake.state.exists = false;
    const { dev, online } = make('ordered', fake);
    expect(dev.isOnline()).toBe(false);
    fake.state.exists = true;
    await vi.advanceTimersByTimeAsync(500);
    expect(online).toEqual([true]);
  });

  it('reads LED output reports without blocking, newest byte wins', async () => {
    const { fake, leds } = make('ordered');
    fake.state.leds.push(0x00);
    await vi.advanceTimersByTimeAsync(50);
    fake.state.leds.push(0x02);
    await vi.advanceTimersByTimeAsync(50);
    await vi.advanceTimersByTimeAsync(200);
    expect(leds).toEqual([0x00, 0x02]);
  });

  it('drops the oldest reports when the host stops polling for long, and counts them', async () => {
    const { dev, fake, counters } = make('ordered');
    fake.state.failWrites.push(...Array.from({ length: 5000 }, () => 'EAGAIN'));
    for (let i = 0; i < 1100; i++) void dev.write(keyboardReport({ modifiers: 0, keys: [4 + (i % 20)] }));
    expect(dev.queued()).toBe(1024);
    expect(counters.get('hid.keyboard.dropped_overflow')).toBe(76);
  });
});
