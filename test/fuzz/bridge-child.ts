/**
 * A real bridge in its own process, for the fuzzer, the soak and the fault tests: a crash, an
 * RSS figure and an event-loop stall then belong to the bridge alone, not to the clients that
 * attack it. Started by bridge-proc.ts with `node --import tsx --expose-gc` and an IPC channel.
 *
 * Config: JSON in env BRIDGE_CHILD_CONFIG (see ChildConfig). HID: 'fake' records writes in memory
 * (optionally answering EAGAIN like a host that polls slowly); real paths (the simulated target's
 * ptys) are opened with node:fs and recorded the same way. Either way the parent can read the last
 * report per device and a timestamped log of keyboard reports (ms since the epoch, from
 * performance.timeOrigin + performance.now(), the same clock the parent uses).
 *
 * IPC, parent → child: { type: 'stats', id, since?, resetLoop?, gc? } | { type: 'token', id, user, role } | { type: 'stop' }.
 * Child → parent: { type: 'ready', port } | { type: 'reply', id, ... } | { type: 'crash', error }.
 */
import * as nodeFs from 'node:fs';
import { monitorEventLoopDelay, performance as nodePerformance } from 'node:perf_hooks';
import type { Role } from '../../bridge/src/auth/index.ts';
import { makeAuthDir, sessionToken, TEST_AUTH_OPTIONS } from '../../bridge/src/auth/testing.ts';
import type { Limits } from '../../bridge/src/control/limits.ts';
import type { HidFs } from '../../bridge/src/hid/device.ts';
import { startBridge } from '../../bridge/src/server.ts';
import type { VideoSourceConfig } from '../../bridge/src/video/source.ts';

export interface ChildConfig {
  hid: 'fake' | { keyboard: string; mouse: string; mouseRel: string };
  /** Fake HID only: the fraction of writes answered with EAGAIN (a host that polls slowly), 0..1. */
  eagain?: number;
  /** Default: a command that never writes a frame. */
  video?: VideoSourceConfig;
  limits?: Partial<Limits>;
}

/** One device's writes as the child saw them. */
export interface DeviceRecord {
  writes: number;
  /** Hex of the last report written, '' before the first. */
  last: string;
  /** When it was written, ms since the epoch. */
  lastAt: number;
}

export interface ChildStats {
  rssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay (1 ms resolution histogram), ms: what each timer tick came late by. */
  loop: { maxMs: number; p99Ms: number; p50Ms: number; samples: number };
  /**
   * The longest stall the bridge caused itself, ms: for each tick of a 5 ms probe timer, the
   * lateness capped by the CPU time the process used meanwhile. On a shared machine a process
   * that is not scheduled is late without using CPU; that lateness is the machine's, not the
   * bridge's, and `loop.maxMs` (wall clock) includes it.
   */
  busyStallMaxMs: number;
  /** How many probe ticks saw 50 ms or more of such a stall (a real bug repeats; noise is rare). */
  busyStallsOver50: number;
  counters: Record<string, number>;
  hid: Record<'keyboard' | 'mouse' | 'mouseRel', DeviceRecord>;
  /** Keyboard writes after `since` (see the 'stats' request): [ms since epoch, hex]. */
  keyboardLog: [number, string][];
  clients: number;
}

const now = (): number => performance.timeOrigin + performance.now();
const send = (m: unknown): void => {
  process.send?.(m);
};

process.on('uncaughtException', (e) => {
  send({ type: 'crash', error: e instanceof Error ? (e.stack ?? e.message).slice(0, 4000) : typeof e });
  setTimeout(() => process.exit(70), 100);
});
process.on('unhandledRejection', (e) => {
  send({ type: 'crash', error: `unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : typeof e}` });
  setTimeout(() => process.exit(70), 100);
});

const config = JSON.parse(process.env.BRIDGE_CHILD_CONFIG ?? '{}') as ChildConfig;
const FAKE = { keyboard: '/fake/keyboard', mouse: '/fake/mouse', mouseRel: '/fake/mouse-rel' };
const paths = config.hid === 'fake' ? FAKE : config.hid;
const byPath = new Map<string, keyof typeof FAKE>([
  [paths.keyboard, 'keyboard'],
  [paths.mouse, 'mouse'],
  [paths.mouseRel, 'mouseRel'],
]);
const records: ChildStats['hid'] = {
  keyboard: { writes: 0, last: '', lastAt: 0 },
  mouse: { writes: 0, last: '', lastAt: 0 },
  mouseRel: { writes: 0, last: '', lastAt: 0 },
};
/** Ring of the last keyboard writes. */
const KEYBOARD_LOG = 20_000;
const keyboardLog: [number, string][] = [];
const fdDevice = new Map<number, keyof typeof FAKE>();
const eagain = Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
let nextFakeFd = 1000;

const record = (fd: number, buf: Uint8Array): void => {
  const dev = fdDevice.get(fd);
  if (!dev) return;
  const r = records[dev];
  r.writes++;
  r.last = Buffer.from(buf).toString('hex');
  r.lastAt = now();
  if (dev === 'keyboard') {
    keyboardLog.push([r.lastAt, r.last]);
    if (keyboardLog.length > KEYBOARD_LOG) keyboardLog.splice(0, keyboardLog.length - KEYBOARD_LOG);
  }
};

const hidFs: HidFs =
  config.hid === 'fake'
    ? {
        openSync: (path) => {
          const fd = nextFakeFd++;
          fdDevice.set(fd, byPath.get(path)!);
          return fd;
        },
        writeSync: (fd, buf) => {
          if (config.eagain && Math.random() < config.eagain) throw eagain;
          record(fd, buf);
          return buf.length;
        },
        readSync: () => {
          throw eagain;
        },
        closeSync: (fd) => void fdDevice.delete(fd),
      }
    : {
        openSync: (path, flags) => {
          const fd = nodeFs.openSync(path, flags);
          const dev = byPath.get(path);
          if (dev) fdDevice.set(fd, dev);
          return fd;
        },
        writeSync: (fd, buf) => {
          const n = nodeFs.writeSync(fd, buf);
          record(fd, buf);
          return n;
        },
        readSync: (fd, buf, off, len, pos) => nodeFs.readSync(fd, buf, off, len, pos),
        closeSync: (fd) => {
          fdDevice.delete(fd);
          nodeFs.closeSync(fd);
        },
      };

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const PROBE_MS = 5;
let busyStallMaxMs = 0;
let busyStallsOver50 = 0;
let lastWall = performance.now();
let lastCpu = process.cpuUsage();
let lastElu = nodePerformance.eventLoopUtilization();
setInterval(() => {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const elu = nodePerformance.eventLoopUtilization();
  const lateMs = wall - lastWall - PROBE_MS;
  // process.cpuUsage() counts every thread (GC helpers, libuv's pool), so also bound the stall by
  // the main thread's own active time: event-loop utilisation's `active` ms over the interval.
  const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
  const activeMs = elu.active - lastElu.active;
  const own = Math.min(lateMs, cpuMs, activeMs);
  busyStallMaxMs = Math.max(busyStallMaxMs, own);
  if (own >= 50) busyStallsOver50++;
  lastWall = wall;
  lastCpu = cpu;
  lastElu = elu;
}, PROBE_MS).unref();
const authDir = makeAuthDir();
const bridge = await startBridge(
  {
    port: 0,
    host: '127.0.0.1',
    staticDir: '/nonexistent',
    hid: paths,
    video: config.video ?? { kind: 'command', argv: ['sleep', '100000'] },
    auth: authDir.config,
    ...(config.limits && { limits: config.limits }),
  },
  { log: () => undefined, hidFs, auth: TEST_AUTH_OPTIONS },
);
sessionToken(bridge); // makes the admin 'local': while no admin exists the upgrade is refused

const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
const stats = (since: number, gc: boolean): ChildStats => {
  if (gc) (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();
  return {
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    // The histogram records whole timer intervals: take the 1 ms resolution off to get lateness.
    loop: {
      maxMs: loop.count ? Math.max(0, ms(loop.max) - 1) : 0,
      p99Ms: loop.count ? Math.max(0, ms(loop.percentile(99)) - 1) : 0,
      p50Ms: loop.count ? Math.max(0, ms(loop.percentile(50)) - 1) : 0,
      samples: loop.count,
    },
    busyStallMaxMs: Math.round(busyStallMaxMs * 100) / 100,
    busyStallsOver50,
    counters: bridge.counters.snapshot() as Record<string, number>,
    hid: structuredClone(records),
    keyboardLog: keyboardLog.filter(([t]) => t > since),
    clients: bridge.clients(),
  };
};

type Request =
  | { type: 'stats'; id: number; since?: number; resetLoop?: boolean; gc?: boolean }
  | { type: 'token'; id: number; user: string; role: Role }
  | { type: 'stop' };

process.on('message', (m: Request) => {
  switch (m.type) {
    case 'stats': {
      const s = stats(m.since ?? Infinity, m.gc ?? false);
      if (m.resetLoop) {
        loop.reset();
        busyStallMaxMs = 0;
        busyStallsOver50 = 0;
      }
      return send({ type: 'reply', id: m.id, stats: s });
    }
    case 'token':
      return send({ type: 'reply', id: m.id, token: sessionToken(bridge, { user: m.user, role: m.role }) });
    case 'stop':
      void bridge.close().then(() => {
        authDir.cleanup();
        process.exit(0);
      });
  }
});
process.on('disconnect', () => {
  void bridge.close().then(() => process.exit(0));
});
send({ type: 'ready', port: bridge.port, pid: process.pid });
