/**
 * `npm run soak`: 8 viewers and 1 controller typing and moving the mouse for N minutes against
 * the simulated target (Xvfb + xterm, HID ptys, the bridge spawning the sim's real ffmpeg MJPEG),
 * with the bridge in its own process (test/fuzz/bridge-child.ts). Prints the bridge's RSS growth,
 * the worst frame gap per viewer, stuck keys at the end (the target's X keymap and the last
 * keyboard report the bridge wrote; must be 0) and the event-loop stall p99.
 *
 *   npm run soak                       # 30 minutes
 *   SOAK_MINUTES=2 npm run soak        # or: npm run soak -- --minutes 2
 *   SOAK_DISPLAY=:61 (default)
 */
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { startSimTarget } from '../../hardware/sim/target.ts';
import {
  decodeServer,
  encodeClient,
  keyboardReport,
  mouseAbsReport,
  PROTOCOL_VERSION,
  type ServerMessage,
} from '../../protocol/index.ts';
import { queryXInput } from '../e2e/x-state.ts';
import { spawnBridge } from '../fuzz/bridge-proc.ts';

export interface SoakOptions {
  minutes: number;
  display: string;
  viewers?: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  seconds: number;
  rssStartBytes: number;
  rssEndBytes: number;
  rssMaxBytes: number;
  /** Per viewer: frames received and the longest gap between two frames, ms. */
  viewers: { frames: number; worstGapMs: number }[];
  keysTyped: number;
  mouseMoves: number;
  /** X keycodes down on the target after the controller's last release, and after it left. */
  xKeysDown: number[];
  xButtonsMask: number;
  /** The last keyboard report the bridge wrote (hex). */
  lastKeyboardReport: string;
  stuckKeys: number;
  stallP99Ms: number;
  stallMaxMs: number;
  busyStallMaxMs: number;
  errors: Record<string, number>;
  crashes: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ZERO = '0000000000000000';

/** A connected, authenticated client; `onMessage` sees every message but frames (counted apart). */
async function connect(port: number, token: string, onFrame: () => void, onMessage: (m: ServerMessage) => void) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { maxPayload: 64 * 1024 * 1024 });
  ws.on('message', (d: Buffer) => {
    if (d[0] === 0x9a && d[1] === 0x30) return onFrame(); // fixarray(10) [0x30 frame, ...]: no need to scan the JPEG
    const r = decodeServer(new Uint8Array(d), 64 * 1024 * 1024);
    if (r.ok) onMessage(r.message);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(encodeClient({ type: 'hello', version: PROTOCOL_VERSION, capabilities: [], agent: 'soak', token }));
  return ws;
}

/** HID usages a..z (0x04..0x1d) and space (0x2c). */
const LETTERS = [...Array.from({ length: 26 }, (_, i) => 0x04 + i), 0x2c];

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const log = o.log ?? ((l: string) => console.log(l));
  const sim = await startSimTarget({ display: o.display, width: 800, height: 600, fps: 15, log: () => undefined });
  const bridge = await spawnBridge({
    hid: { keyboard: sim.devices.keyboard, mouse: sim.devices.mouse, mouseRel: sim.devices.mouseRelative },
    video: { kind: 'command', argv: sim.videoCommand },
  });
  const errors: Record<string, number> = {};
  const onMessage = (m: ServerMessage) => {
    if (m.type === 'error') errors[m.code] = (errors[m.code] ?? 0) + 1;
  };
  const sockets: WebSocket[] = [];
  try {
    const viewers = Array.from({ length: o.viewers ?? 8 }, () => ({ frames: 0, last: 0, worstGapMs: 0 }));
    let measuring = false;
    for (const [i, v] of viewers.entries()) {
      const token = await bridge.token(`viewer${i}`, 'viewer');
      const frame = () => {
        const t = performance.now();
        if (measuring && v.last) v.worstGapMs = Math.max(v.worstGapMs, t - v.last);
        v.last = t;
        v.frames++;
      };
      sockets.push(await connect(bridge.port, token, frame, onMessage));
    }
    let inControl = false;
    const controller = await connect(
      bridge.port,
      await bridge.token(),
      () => undefined,
      (m) => {
        onMessage(m);
        if (m.type === 'control-status') inControl = m.controller === m.you;
      },
    );
    sockets.push(controller);
    for (let i = 0; i < 200 && (!inControl || viewers.some((v) => v.frames < 3)); i++) await sleep(50);
    if (!inControl) throw new Error('the soak controller did not get control');
    if (viewers.some((v) => v.frames < 3)) throw new Error('the viewers get no video');

    await sleep(2000);
    const start = await bridge.stats({ gc: true });
    await bridge.stats({ resetLoop: true });
    for (const v of viewers) v.last = 0;
    measuring = true;
    const t0 = performance.now();
    const end = t0 + o.minutes * 60_000;
    let keysTyped = 0;
    let mouseMoves = 0;
    let rssMax = start.rssBytes;
    let nextReport = t0 + 30_000;
    const send = (m: Parameters<typeof encodeClient>[0]) => controller.send(encodeClient(m));
    // About 10 keys/s, a Ctrl+U every 40 (the shell's line stays short), and a pointer circling.
    while (performance.now() < end) {
      const usage = LETTERS[keysTyped % LETTERS.length]!;
      const shift = keysTyped % 7 === 3 ? 0x02 : 0;
      send({ type: 'keyboard', report: keyboardReport({ modifiers: shift, keys: [usage] }) });
      await sleep(40);
      send({ type: 'keyboard', report: keyboardReport({ modifiers: 0, keys: [] }) });
      if (++keysTyped % 40 === 0) {
        send({ type: 'keyboard', report: keyboardReport({ modifiers: 0x01, keys: [0x18] }) }); // Ctrl+U
        send({ type: 'keyboard', report: keyboardReport({ modifiers: 0, keys: [] }) });
      }
      const a = (mouseMoves++ / 50) * Math.PI;
      const x = Math.round(16383 + 12000 * Math.cos(a));
      const y = Math.round(16383 + 12000 * Math.sin(a));
      send({ type: 'mouse', report: mouseAbsReport({ buttons: 0, x, y, wheel: 0, pan: 0 }) });
      await sleep(60);
      if (performance.now() > nextReport) {
        nextReport += 30_000;
        const s = await bridge.stats();
        rssMax = Math.max(rssMax, s.rssBytes);
        const gaps = viewers.map((v) => v.worstGapMs.toFixed(0)).join(' ');
        log(
          `  ${((performance.now() - t0) / 1000).toFixed(0)} s: RSS ${(s.rssBytes / 2 ** 20).toFixed(1)} MiB, ${keysTyped} keys, worst gaps ${gaps} ms`,
        );
      }
      if (bridge.crashes.length) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    measuring = false;
    await sleep(500);
    const loaded = await bridge.stats();
    const x1 = await queryXInput(o.display);
    controller.close(1000);
    await sleep(1000);
    const x2 = await queryXInput(o.display);
    const endStats = await bridge.stats({ gc: true });
    const xKeysDown = [...new Set([...x1.keys, ...x2.keys])];
    const last = endStats.hid.keyboard.last;
    return {
      seconds,
      rssStartBytes: start.rssBytes,
      rssEndBytes: endStats.rssBytes,
      rssMaxBytes: Math.max(rssMax, loaded.rssBytes, endStats.rssBytes),
      viewers: viewers.map((v) => ({ frames: v.frames, worstGapMs: v.worstGapMs })),
      keysTyped,
      mouseMoves,
      xKeysDown,
      xButtonsMask: (x1.mask | x2.mask) & 0x1f00,
      lastKeyboardReport: last,
      stuckKeys: xKeysDown.length + (last === ZERO ? 0 : 1),
      stallP99Ms: loaded.loop.p99Ms,
      stallMaxMs: loaded.loop.maxMs,
      busyStallMaxMs: loaded.busyStallMaxMs,
      errors,
      crashes: [...bridge.crashes],
    };
  } finally {
    for (const s of sockets) s.terminate();
    await bridge.stop();
    await sim.stop();
  }
}

const MiB = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

export function formatSoak(r: SoakReport): string {
  return [
    `soak: ${(r.seconds / 60).toFixed(1)} min, ${r.viewers.length} viewers, 1 controller: ${r.keysTyped} keys, ${r.mouseMoves} mouse moves`,
    `  bridge RSS: ${MiB(r.rssStartBytes)} at start, ${MiB(r.rssEndBytes)} at the end (${MiB(r.rssEndBytes - r.rssStartBytes)}), max ${MiB(r.rssMaxBytes)}`,
    `  worst frame gap per viewer: ${r.viewers.map((v) => `${v.worstGapMs.toFixed(0)} ms`).join(', ')} (frames: ${r.viewers.map((v) => v.frames).join(', ')})`,
    `  stuck keys at the end: ${r.stuckKeys} (X keycodes down: [${r.xKeysDown.join(', ')}], buttons mask 0x${r.xButtonsMask.toString(16)}, last keyboard report ${r.lastKeyboardReport})`,
    `  event-loop stall p99: ${r.stallP99Ms.toFixed(1)} ms (max ${r.stallMaxMs.toFixed(1)} ms wall clock, ${r.busyStallMaxMs.toFixed(1)} ms of its own work)`,
    `  error replies: ${JSON.stringify(r.errors)}; crashes: ${r.crashes.length}${r.crashes.length ? `: ${r.crashes.join(' | ')}` : ''}`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const flag = process.argv.indexOf('--minutes');
  const minutes = Number(flag > 0 ? process.argv[flag + 1] : (process.env.SOAK_MINUTES ?? 30));
  const display = process.env.SOAK_DISPLAY ?? ':61';
  console.log(`soak: ${minutes} min on display ${display}`);
  const r = await runSoak({ minutes, display });
  console.log(formatSoak(r));
  const bad = r.stuckKeys > 0 || r.crashes.length > 0;
  console.log(bad ? 'FAIL' : 'PASS');
  process.exit(bad ? 1 : 0);
}
