/**
 * A HID gadget endpoint stand-in: a pseudo-terminal whose slave path behaves like /dev/hidgN for
 * the bridge. `socat PTY,link=<path>,rawer STDIO` (socat 1.7.4) makes the pty transparent: bytes
 * the bridge writes to <path> arrive unmodified on socat's stdout (input reports), bytes written to
 * socat's stdin can be read from <path> (the keyboard's LED output report), and a full pty buffer
 * gives the bridge a real EAGAIN.
 *
 * No `wait-slave`: with it socat 1.7.4 moved no data at all for a non-blocking opener. Without it
 * socat keeps the pty alive across any number of bridge open/close cycles (it holds the slave
 * itself, so the master never sees the hang-up), and bytes written while nobody has the device open
 * wait in the pty for the next opener, as a pending LED report would.
 */
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startChild, type Child } from './children.ts';
import { SimError } from './errors.ts';

/**
 * Cuts a byte stream into fixed-size reports. A pty read may split one report or join several;
 * the gadget's reports have a fixed length per device, so the length alone frames them.
 */
export class ReportFramer {
  private pending = new Uint8Array(0);
  constructor(readonly reportBytes: number) {}

  push(chunk: Uint8Array): Uint8Array[] {
    const buf = new Uint8Array(this.pending.length + chunk.length);
    buf.set(this.pending);
    buf.set(chunk, this.pending.length);
    const reports: Uint8Array[] = [];
    let at = 0;
    for (; at + this.reportBytes <= buf.length; at += this.reportBytes)
      reports.push(buf.slice(at, at + this.reportBytes));
    this.pending = buf.slice(at);
    return reports;
  }
}

export interface HidEndpoint {
  /** The path the bridge opens, a symlink to the pty slave. */
  readonly path: string;
  /** Sends bytes to whoever reads the device (the LED output report). */
  write(bytes: Uint8Array): void;
  stop(): Promise<void>;
}

export interface HidEndpointOptions {
  name: string;
  path: string;
  reportBytes: number;
  onReport: (report: Uint8Array) => void;
  /** socat died: like a USB unplug, the host should release whatever this device held. */
  onDisconnect?: () => void;
  /** After socat was restarted following a crash; the link points at a new pty. */
  onRestart?: () => void;
  log: (line: string) => void;
}

const LINK_TIMEOUT_MS = 5000;
const RESTART_DELAY_MS = 250;

async function spawnSocat(o: HidEndpointOptions, onExit: () => void): Promise<Child> {
  fs.rmSync(o.path, { force: true }); // a stale link from a killed socat would mislead the bridge
  const framer = new ReportFramer(o.reportBytes);
  const child = startChild(`socat ${o.name}`, 'socat', [`PTY,link=${o.path},rawer`, 'STDIO'], {
    log: o.log,
    stdio: ['pipe', 'pipe', 'pipe'],
    onUnexpectedExit: onExit,
  });
  child.proc.stdout?.on('data', (chunk: Buffer) => {
    for (const report of framer.push(chunk)) o.onReport(report);
  });
  child.proc.stdin?.on('error', (err) => o.log(`[socat ${o.name}] stdin: ${err.message}`));
  const deadline = Date.now() + LINK_TIMEOUT_MS;
  while (!fs.existsSync(o.path)) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null || Date.now() > deadline) {
      await child.stop();
      throw new SimError('ENDPOINT_FAILED', `socat did not create ${o.path} for the ${o.name} endpoint`);
    }
    await sleep(10);
  }
  return child;
}

/** Starts the endpoint; resolves once `path` exists. A crashed socat is restarted and logged. */
export async function startHidEndpoint(o: HidEndpointOptions): Promise<HidEndpoint> {
  let stopping = false;
  let child: Child;
  const restart = (): void => {
    if (stopping) return;
    o.onDisconnect?.();
    o.log(`[socat ${o.name}] restarting; the bridge must reopen ${o.path}`);
    void sleep(RESTART_DELAY_MS)
      .then(() => (stopping ? undefined : spawnSocat(o, restart)))
      .then((c) => {
        if (!c) return;
        child = c;
        o.onRestart?.();
      })
      .catch((err: unknown) => o.log(`[socat ${o.name}] restart failed: ${String(err)}`));
  };
  child = await spawnSocat(o, restart);
  return {
    path: o.path,
    write(bytes) {
      const stdin = child.proc.stdin;
      if (stdin && !stdin.destroyed) stdin.write(bytes);
      else o.log(`[socat ${o.name}] dropped ${bytes.length} byte(s): endpoint not running`);
    },
    async stop() {
      stopping = true;
      await child.stop();
      fs.rmSync(o.path, { force: true });
    },
  };
}
