/**
 * No key outlives its controller (issue 8 §3, §5): a real bridge in its own process with
 * recording HID devices (test/fuzz/bridge-child.ts); the time to release is measured from the
 * fault to the all-zero keyboard report the bridge wrote, on one clock (ms since the epoch).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeServer, encodeClient, keyboardReport, PROTOCOL_VERSION } from '../../protocol/index.ts';
import { spawnBridge, type BridgeProc } from '../fuzz/bridge-proc.ts';

const CLIENT = fileURLToPath(new URL('./client-child.ts', import.meta.url));
const ZERO = '0000000000000000';
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let bridge: BridgeProc | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGCONT');
    c.kill('SIGKILL');
  }
  await bridge?.stop();
  bridge = undefined;
});

/** Starts client-child.ts; resolves once it says SENT. */
async function startClient(port: number, token: string, act: 'hold' | 'batch'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENT], {
    env: { ...process.env, FAULT_CLIENT: JSON.stringify({ port, token, act }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('fault client not ready in 20 s')), 20_000);
    lines.on('line', (l) => {
      if (l === 'SENT') {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`fault client exited early (${code})`)));
  });
  return child;
}

/** Waits until the bridge wrote a keyboard report matching `want` after `since`; returns its time. */
async function keyboardWrite(b: BridgeProc, since: number, want: (hex: string) => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const s = await b.stats({ since });
    const hit = s.keyboardLog.find(([, hex]) => want(hex));
    if (hit) return hit[0];
    if (Date.now() > end) throw new Error(`no such keyboard report within ${ms} ms; last ${s.hid.keyboard.last}`);
    await sleep(20);
  }
}

describe('a held key does not outlive its controller', () => {
  it('releases the keys of a controller that freezes (SIGSTOP: no reads, no pongs) within 3 s', async () => {
    bridge = await spawnBridge({ hid: 'fake' });
    const t0 = now();
    const child = await startClient(bridge.port, await bridge.token(), 'hold');
    await keyboardWrite(bridge, t0, (h) => h === '0200040000000000');
    await sleep(1500); // the bridge pings a controller holding keys every second: let one be answered
    const frozenAt = now();
    child.kill('SIGSTOP');
    const releasedAt = await keyboardWrite(bridge, frozenAt, (h) => h === ZERO);
    const ms = releasedAt - frozenAt;
    console.log(`frozen controller: keys released ${ms.toFixed(0)} ms after SIGSTOP`);
    expect(ms).toBeLessThan(3000);
    const s = await bridge.stats();
    expect(s.hid.keyboard.last).toBe(ZERO);
    expect(bridge.crashes).toEqual([]);
  });

  it('releases Shift within 100 ms when the controller is SIGKILLed during a 10 s batch step', async () => {
    bridge = await spawnBridge({ hid: 'fake' });
    const t0 = now();
    const child = await startClient(bridge.port, await bridge.token(), 'batch');
    await keyboardWrite(bridge, t0, (h) => h === '0200000000000000');
    await sleep(300);
    const killedAt = now();
    child.kill('SIGKILL');
    const releasedAt = await keyboardWrite(bridge, killedAt, (h) => h === ZERO);
    const ms = releasedAt - killedAt;
    console.log(`killed mid-batch: Shift released ${ms.toFixed(0)} ms after SIGKILL`);
    expect(ms).toBeLessThan(100);
    expect(bridge.crashes).toEqual([]);
  });

  it('releases Shift within 100 ms of a batch-cancel during a 10 s step', async () => {
    bridge = await spawnBridge({ hid: 'fake' });
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/ws`);
    const ends: unknown[] = [];
    let inControl = false;
    ws.on('message', (d: Buffer) => {
      const r = decodeServer(new Uint8Array(d), 64 * 1024 * 1024);
      if (!r.ok) return;
      if (r.message.type === 'control-status') inControl = r.message.controller === r.message.you;
      if (r.message.type === 'batch-end') ends.push(r.message);
    });
    await new Promise((r) => ws.once('open', r));
    const token = await bridge.token();
    ws.send(encodeClient({ type: 'hello', version: PROTOCOL_VERSION, capabilities: [], agent: 't', token }));
    for (let i = 0; i < 200 && !inControl; i++) await sleep(25);
    expect(inControl).toBe(true);
    const t0 = now();
    ws.send(
      encodeClient({
        type: 'batch',
        id: 7,
        steps: [
          { device: 'keyboard', report: keyboardReport({ modifiers: 0x02, keys: [] }), delayMs: 10_000 },
          { device: 'keyboard', report: keyboardReport({ modifiers: 0, keys: [] }), delayMs: 0 },
        ],
      }),
    );
    await keyboardWrite(bridge, t0, (h) => h === '0200000000000000');
    await sleep(500);
    const cancelAt = now();
    ws.send(encodeClient({ type: 'batch-cancel', id: 7 }));
    const releasedAt = await keyboardWrite(bridge, cancelAt, (h) => h === ZERO);
    const ms = releasedAt - cancelAt;
    console.log(`batch-cancel: Shift released ${ms.toFixed(0)} ms after the cancel was sent`);
    expect(ms).toBeLessThan(100);
    for (let i = 0; i < 100 && !ends.length; i++) await sleep(20);
    expect(ends).toEqual([expect.objectContaining({ id: 7, outcome: 'cancelled', sent: 1 })]);
    ws.terminate();
    expect(bridge.crashes).toEqual([]);
  });
});
