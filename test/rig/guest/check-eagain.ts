import { promises as fsp } from 'node:fs';
import { keyboardReport, mouseRelReport } from '../../../protocol/reports.ts';
import { CLIENT, type RigContext } from './context.ts';
import { EV_KEY, EV_REL, EvdevReader, REL_X } from './evdev.ts';
import { inputOf } from './inputs.ts';
import { sleep, until, waitFor } from './util.ts';

const KEY_A = 30;
const MOVES = [1, 2, 3, 4, 5, 6];

/**
 * The host polls a USB mouse only while something has its input device open, so until then
 * f_hid takes one or two reports and then answers EAGAIN. The bridge's writer must keep retrying
 * on a timer without blocking the event loop: a timer, a file read and keyboard input must all
 * go on while mouse reports wait; once the host opens the mouse, the queued moves arrive.
 * Must run before anything opens the relative mouse's evdev node.
 */
export async function checkEagain(ctx: RigContext) {
  const written = () => ctx.counters.get('hid.mouse-rel.written');
  const eagain = () => ctx.counters.get('hid.mouse-rel.eagain');
  for (const dx of MOVES) ctx.relay.report(CLIENT, 'mouse-rel', mouseRelReport({ buttons: 0, dx, dy: 0, wheel: 0 }));
  await waitFor(() => eagain() > 0, 3000, 'EAGAIN on the unpolled mouse');
  const writtenBefore = written();

  // With the mouse stuck, everything else must keep running.
  const timerStart = performance.now();
  await sleep(20);
  const timerMs = Math.round(performance.now() - timerStart);
  const readStart = performance.now();
  const version = await fsp.readFile('/proc/version', 'utf8');
  const readFileMs = Math.round(performance.now() - readStart);
  ctx.readers.keyboard.clear();
  const kbdStart = performance.now();
  ctx.relay.report(CLIENT, 'keyboard', keyboardReport({ modifiers: 0, keys: [0x04] }));
  ctx.relay.report(CLIENT, 'keyboard', keyboardReport({ modifiers: 0, keys: [] }));
  const keyboardMs = await waitFor(
    () => ctx.readers.keyboard.of(EV_KEY, [KEY_A]).filter((e) => e.value !== 2).length >= 2,
    3000,
    'keyboard input while mouse reports wait',
  );
  const kbdTotalMs = Math.round(performance.now() - kbdStart);
  const stillPending = written() < MOVES.length;
  const eagainWhilePending = eagain();

  // Opening the input device makes the host poll: the moves the writer still holds must arrive.
  // The ones f_hid accepted before the host listened are gone: the host's usbhid drops input
  // reports for a device nobody has open (measured; a closed mouse cannot act on them anyway).
  const reader = new EvdevReader(inputOf(ctx.inputs, 'mouse-rel').event);
  ctx.readers.mouseRel = reader;
  const held = MOVES.slice(writtenBefore);
  const values = () => reader.of(EV_REL, [REL_X]).map((e) => e.value);
  const deliveredMs = await until(() => values().length >= held.length, 5000);
  await sleep(200); // anything beyond the held moves (a replay of the lost ones) would show up now
  return {
    eagain: eagainWhilePending,
    writtenBeforeOpen: writtenBefore,
    stillPending,
    timerMs,
    readFileOk: version.startsWith('Linux'),
    readFileMs,
    keyboardMs: Math.max(keyboardMs, kbdTotalMs),
    deliveredMs,
    /** dx of the moves the writer held back on EAGAIN, and what the host received after opening. */
    held,
    received: values(),
    writtenAfterOpen: written(),
  };
}
