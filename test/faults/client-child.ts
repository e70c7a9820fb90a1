/**
 * A controlling client in its own process, so a test can SIGKILL it (the kernel closes its
 * socket) or SIGSTOP it (its socket stays open, nothing reads or answers pings: a frozen tab).
 * Env FAULT_CLIENT: JSON { port, token, act }.
 * - act 'hold': presses Shift+A and keeps it held;
 * - act 'batch': starts a batch that presses Shift and waits 10 s before letting go.
 * Prints `READY <you>` once in control, then `SENT` once the input is on its way.
 */
import WebSocket from 'ws';
import { decodeServer, encodeClient, keyboardReport, PROTOCOL_VERSION } from '../../protocol/index.ts';

const { port, token, act } = JSON.parse(process.env.FAULT_CLIENT ?? '{}') as {
  port: number;
  token: string;
  act: 'hold' | 'batch';
};
const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
ws.on('open', () =>
  ws.send(encodeClient({ type: 'hello', version: PROTOCOL_VERSION, capabilities: ['batch'], agent: 'fault', token })),
);
let sent = false;
ws.on('message', (data: Buffer) => {
  const r = decodeServer(new Uint8Array(data), 64 * 1024 * 1024);
  if (!r.ok || r.message.type !== 'control-status' || sent) return;
  if (r.message.controller !== r.message.you) return;
  sent = true;
  console.log(`READY ${r.message.you}`);
  const shiftA = keyboardReport({ modifiers: 0x02, keys: [0x04] });
  if (act === 'hold') ws.send(encodeClient({ type: 'keyboard', report: shiftA }));
  else
    ws.send(
      encodeClient({
        type: 'batch',
        id: 1,
        steps: [
          { device: 'keyboard', report: keyboardReport({ modifiers: 0x02, keys: [] }), delayMs: 10_000 },
          { device: 'keyboard', report: keyboardReport({ modifiers: 0, keys: [] }), delayMs: 0 },
        ],
      }),
    );
  console.log('SENT');
});
ws.on('close', (code) => {
  console.log(`CLOSED ${code}`);
  process.exit(0);
});
