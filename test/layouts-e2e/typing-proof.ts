import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import {
  decodeServer,
  encodeClient,
  keyboardReport,
  PROTOCOL_VERSION,
  type BatchStep,
  type ClientMessage,
  type ControlStatus,
  type ErrorMsg,
  type ServerMessage,
} from '../../protocol/index.ts';
import { planText, repertoire, type Layout } from '../../web/src/lib/layouts/index.ts';
import { runPaste } from '../../web/src/lib/paste.ts';

const run = promisify(execFile);

/** `de(nodeadkeys)` → setxkbmap arguments. */
export function setxkbmapArgs(name: string): string[] {
  const m = /^([^(]+)(?:\((.+)\))?$/.exec(name);
  if (!m) throw new Error(`not an xkb layout name: ${name}`);
  return ['-layout', m[1]!, ...(m[2] ? ['-variant', m[2]] : []), '-option', ''];
}

/** Switches the target's X server to `name`, as its user would in their desktop settings. */
export async function switchTargetLayout(display: string, name: string): Promise<void> {
  await run('setxkbmap', ['-display', display, ...setxkbmapArgs(name)]);
  await new Promise((r) => setTimeout(r, 400)); // xterm picks up the new keymap (MappingNotify)
}

/** The repertoire as lines short enough for a tty in canonical mode, each ending in Enter. */
export function repertoireText(layout: Layout, perLine = 48): string {
  const chars = repertoire(layout);
  const lines: string[] = [];
  for (let i = 0; i < chars.length; i += perLine) lines.push(chars.slice(i, i + perLine).join(''));
  return lines.map((l) => `${l}\n`).join('');
}

export interface ProtocolClient {
  send(m: ClientMessage): boolean;
  onBatch: Parameters<typeof runPaste>[0]['onBatch'];
  /** Subscribes to the bridge's error messages. */
  onError(fn: (m: ErrorMsg) => void): void;
  /** Takes control (control-request take=true; the test users are admins) and waits until granted. */
  takeControl(): Promise<void>;
  close(): void;
}

/**
 * A protocol client of the bridge's WebSocket, as the PWA is, for driving batches from Node. It
 * logs in with `token` (POST /api/login or /api/login/once) in its hello and resolves once the
 * bridge has accepted it (its first control-status).
 */
export async function connectClient(port: number, token: string): Promise<ProtocolClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const listeners = new Set<(m: Extract<ServerMessage, { type: 'batch-progress' | 'batch-end' }>) => void>();
  let control: ControlStatus | undefined;
  const errorListeners = new Set<(m: ErrorMsg) => void>();
  const controlWaiters = new Set<() => void>();
  ws.on('message', (d: Buffer) => {
    const r = decodeServer(new Uint8Array(d), 64 << 20);
    if (!r.ok) return console.log(`bridge sent a bad message: ${r.error.code}`);
    const m = r.message;
    if (m.type === 'batch-progress' || m.type === 'batch-end') for (const l of listeners) l(m);
    if (m.type === 'control-status') {
      control = m;
      for (const w of controlWaiters) w();
    }
    if (m.type === 'error') {
      if (errorListeners.size === 0) console.log(`bridge error: ${m.code}: ${m.message}`);
      for (const l of errorListeners) l(m);
    }
  });
  const untilControl = (ok: (c: ControlStatus) => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 10_000);
      const check = (): void => {
        if (!control || !ok(control)) return;
        clearTimeout(timer);
        controlWaiters.delete(check);
        resolve();
      };
      controlWaiters.add(check);
      check();
    });
  const send = (m: ClientMessage): boolean => {
    ws.send(encodeClient(m));
    return true;
  };
  send({ type: 'hello', version: PROTOCOL_VERSION, capabilities: ['batch'], agent: 'test:layouts', token });
  await untilControl(() => true, 'the bridge to accept the hello');
  return {
    send,
    onBatch: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    onError: (fn) => void errorListeners.add(fn),
    takeControl: async () => {
      if (control && control.controller === control.you) return;
      send({ type: 'control-request', take: true });
      await untilControl((c) => c.controller === c.you, 'control');
    },
    close: () => ws.close(),
  };
}

/** Types `text` on the target with the planner and the bridge's batch player. */
export async function typeThroughBridge(client: ProtocolClient, text: string, layout: Layout): Promise<void> {
  await client.takeControl();
  const plan = planText(text, layout, { capsLock: false, unicodeFallback: 'skip', reportDelayMs: 0, charDelayMs: 0 });
  if (plan.untypable.length)
    throw new Error(`repertoire has untypable chars: ${plan.untypable.map((c) => c.char).join('')}`);
  const result = await runPaste(client, plan.steps, () => undefined).done;
  if (result.outcome !== 'done') throw new Error(`batch ${result.outcome}: ${result.reason}`);
}

/** Types plain US-layout text (the shell command) with live keyboard reports. */
export function usSteps(text: string, usageOf: (ch: string) => { usage: number; shift: boolean }): BatchStep[] {
  return [...text].flatMap((ch) => {
    const k = usageOf(ch);
    return [
      {
        device: 'keyboard' as const,
        report: keyboardReport({ modifiers: k.shift ? 0x02 : 0, keys: [k.usage] }),
        delayMs: 0,
      },
      { device: 'keyboard' as const, report: keyboardReport({ modifiers: 0, keys: [] }), delayMs: 0 },
    ];
  });
}

/** Waits until `file` has stopped growing (and reached `minBytes`), then returns what was appended after `offset`. */
export async function readAppended(file: string, offset: number, minBytes: number, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  let lastSize = -1;
  let stableSince = Date.now();
  while (Date.now() < end) {
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size !== lastSize) {
      lastSize = size;
      stableSince = Date.now();
    } else if (size - offset >= minBytes && Date.now() - stableSince > 300) break;
    else if (size - offset < minBytes && Date.now() - stableSince > 3000) break; // stuck short: report what arrived
    await new Promise((r) => setTimeout(r, 50));
  }
  return readFileSync(file).subarray(offset).toString('utf8');
}

/** Names the first difference between what was typed and what arrived. */
export function firstDifference(expected: string, got: string): string | null {
  const e = [...expected];
  const g = [...got];
  for (let i = 0; i < Math.max(e.length, g.length); i++) {
    if (e[i] !== g[i]) {
      const show = (c: string | undefined) =>
        c === undefined
          ? 'nothing'
          : `${JSON.stringify(c)} U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      return `character ${show(e[i])} arrived as ${show(g[i])} (at ${i}; context ${JSON.stringify(g.slice(Math.max(0, i - 3), i + 4).join(''))})`;
    }
  }
  return null;
}
