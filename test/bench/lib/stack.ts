/**
 * The benchmarks' setup: the simulated target with the pixel clock on its screen, the bridge in
 * its own process, and optionally an MJPEG tee. The tee runs the target's capture command itself
 * and serves the same bytes as one multipart/x-mixed-replace stream to every GET /stream (the
 * bridge, as its `http` video source, and an `<img>`), the way uStreamer serves PiKVM and
 * TinyPilot; GET /img.html is a page with that `<img>` at (0, 0), natural size.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startSimTarget, type SimTarget } from '../../../hardware/sim/target.ts';

export interface BenchStack {
  sim: SimTarget;
  /** The bridge's port on `host`. */
  port: number;
  bridgePid: number;
  /** A fresh one-time login token for the bridge's local admin. */
  login(): Promise<string>;
  /** The tee's base URL (`http://127.0.0.1:N`), when started with `tee: true`. */
  teeUrl?: string;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  display: string;
  width: number;
  height: number;
  fps: number;
  /** Serve the capture through the MJPEG tee (the bridge reads it over HTTP). */
  tee?: boolean;
  /** Bridge listen address, default 127.0.0.1. */
  host?: string;
  allowedHosts?: string[];
  /**
   * The sim's encoder as it was before 4d0737b: without `-threads 1` (frame-threaded, about two
   * frames held) and without `-fps_mode vfr` (constant frame rate: byte-identical repeats, in
   * bursts, whenever ffmpeg falls behind). For the 9-fps question.
   */
  legacyEncoder?: boolean;
  log?: (line: string) => void;
}

/** argv without `-threads 1` and `-fps_mode vfr`. */
function legacyArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === '-threads' && argv[i + 1] === '1') || (argv[i] === '-fps_mode' && argv[i + 1] === 'vfr')) i++;
    else out.push(argv[i]!);
  }
  return out;
}

const TSX = ['--import', 'tsx'];

function lines(proc: ChildProcess, onLine: (l: string) => void): void {
  if (proc.stdout) createInterface({ input: proc.stdout }).on('line', onLine);
}

function firstJson<T>(proc: ChildProcess, key: string, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no "${key}" line within 30 s`)), 30_000);
    const onLine = (l: string) => {
      if (!l.startsWith('{')) return;
      const v = JSON.parse(l) as Record<string, unknown>;
      if (key in v) {
        clearTimeout(timer);
        resolve(v[key] as T);
      }
    };
    lines(proc, onLine);
    proc.once('exit', (code) => reject(new Error(`${what} exited (${code}) before "${key}"`)));
  });
}

/** Starts target, clock, tee and bridge; stop() ends them all. */
export async function startBenchStack(o: BenchStackOptions): Promise<BenchStack> {
  const log = o.log ?? (() => undefined);
  const workDir = mkdtempSync(join(tmpdir(), 'kvm-bench-'));
  const sim = await startSimTarget({ display: o.display, width: o.width, height: o.height, fps: o.fps, workDir, log });
  const children: ChildProcess[] = [];
  const kill = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
  process.once('exit', kill);
  const clock = spawn(process.execPath, [...TSX, 'hardware/sim/clock.ts', '--display', o.display], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(clock);
  await new Promise<void>((resolve, reject) => {
    lines(clock, (l) => l.startsWith('{') && resolve());
    clock.once('exit', (c) => reject(new Error(`pixel clock exited (${c})`)));
  });

  let tee: http.Server | undefined;
  let teeUrl: string | undefined;
  const argv = o.legacyEncoder ? legacyArgv(sim.videoCommand) : sim.videoCommand;
  let video: unknown = { kind: 'command', argv };
  if (o.tee) {
    const ff = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(ff);
    const clients = new Set<http.ServerResponse>();
    ff.stdout.on('data', (chunk: Buffer) => {
      for (const res of clients) res.write(chunk);
    });
    tee = http.createServer((req, res) => {
      if (req.url === '/img.html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          '<!doctype html><body style="margin:0;background:#000;overflow:hidden">' +
            '<img id="stream" src="/stream" style="position:absolute;left:0;top:0"></body>',
        );
        return;
      }
      if (req.url?.startsWith('/stream')) {
        // ffmpeg -f mpjpeg writes "--ffmpeg" boundaries; a client joining mid-part skips to the next one.
        res.writeHead(200, {
          'content-type': 'multipart/x-mixed-replace;boundary=ffmpeg',
          'cache-control': 'no-store',
          'access-control-allow-origin': '*',
        });
        clients.add(res);
        res.on('close', () => clients.delete(res));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => tee!.listen(0, '127.0.0.1', r));
    teeUrl = `http://127.0.0.1:${(tee.address() as AddressInfo).port}`;
    video = { kind: 'http', url: `${teeUrl}/stream` };
  }

  const bridge = spawn(process.execPath, [...TSX, 'test/bench/lib/bridge-proc.ts'], {
    env: {
      ...process.env,
      BENCH_BRIDGE: JSON.stringify({
        port: 0,
        host: o.host ?? '127.0.0.1',
        staticDir: join(process.cwd(), 'web/dist'),
        hid: { keyboard: sim.devices.keyboard, mouse: sim.devices.mouse, mouseRel: sim.devices.mouseRelative },
        video,
        allowedHosts: o.allowedHosts ?? [],
      }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(bridge);
  if (bridge.stderr) createInterface({ input: bridge.stderr }).on('line', log);
  const port = await firstJson<number>(bridge, 'port', 'bridge');
  const waiting: ((t: string) => void)[] = [];
  lines(bridge, (l) => {
    if (l.startsWith('{"login"')) waiting.shift()?.((JSON.parse(l) as { login: string }).login);
  });
  return {
    sim,
    port,
    bridgePid: bridge.pid!,
    teeUrl,
    login: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        bridge.stdin!.write('login\n');
      }),
    stop: async () => {
      kill();
      await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
      tee?.closeAllConnections();
      tee?.close();
      await sim.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
