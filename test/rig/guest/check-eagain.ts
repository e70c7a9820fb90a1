import { promises as fsp } from 'node:fs';
import { RELEASE_KEYBOARD, keyboardReport, mouseRelReport } from '../../../protocol/reports.ts';
import { type RigContext, send } from './context.ts';
import { EV_KEY, EV_REL, EvdevReader, REL_X } from './evdev.ts';
import { inputOf } from './inputs.ts';
import { playPaced, type PacedStep } from './paced.ts';
import { sleep, waitFor, within } from './util.ts';

const KEY_A = 30;
const MOVES = [1, 2, 3, 4, 5, 6];
/**
 * How long each piece of other work may take while the mouse is stuck. It only has to be finite:
 * a blocked event loop or a starved threadpool would wait for the host to open the mouse, which
 * this check does only afterwards. Generous, because the emulator shares two busy cores.
 */
const BOUND_MS = 10_000;

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
  for (const dx of MOVES) send(ctx, 'mouse-rel', mouseRelReport({ buttons: 0, dx, dy: 0, wheel: 0 }));
  await waitFor(() => eagain() > 0, BOUND_MS, 'EAGAIN on the unpolled mouse');
  const writtenBefore = written();

  // With the mouse stuck, everything else must keep running.
  const timer = await within(sleep(20), BOUND_MS);
  const readFile = await within(fsp.readFile('/proc/version', 'utf8'), BOUND_MS);
  ctx.readers.keyboard.clear();
  const keyboard = await playPaced(
    [
      {
        label: 'A',
        events: [
          { type: EV_KEY, code: KEY_A, value: 1 },
          { type: EV_KEY, code: KEY_A, value: 0 },
        ],
        ordered: true,
        send: () =>
          send(ctx, 'keyboard', keyboardReport({ modifiers: 0, keys: [0x04] })) ??
          send(ctx, 'keyboard', RELEASE_KEYBOARD),
      },
    ],
    {
      reader: ctx.readers.keyboard,
      watch: (e) => e.type === EV_KEY && e.value !== 2,
      window: 1,
      stallMs: BOUND_MS,
      reset: () => void send(ctx, 'keyboard', RELEASE_KEYBOARD),
    },
  );
  const stillPending = written() < MOVES.length;
  const eagainWhilePending = eagain();

  // Opening the input device makes the host poll: the moves the writer still holds must all
  // arrive, in order, once each. Of the ones f_hid accepted before the host listened, the one in
  // flight may arrive first or not: usbhid_open discards the input reports that come in the 50 ms
  // after it submits its first URB (HID_RESUME_RUNNING), and whether that report lands inside
  // those 50 ms is a race under emulation. Anything more (a replay) is a stray, and shows up in
  // the quiet time after the last move.
  const reader = new EvdevReader(inputOf(ctx.inputs, 'mouse-rel').event);
  ctx.readers.mouseRel = reader;
  const accepted = MOVES.slice(0, writtenBefore);
  const held = MOVES.slice(writtenBefore);
  const rel = (dx: number) => ({ type: EV_REL, code: REL_X, value: dx });
  const nothing = () => undefined; // every move is already queued in the writer or in f_hid
  const steps: PacedStep[] = [
    ...accepted.map((dx) => ({
      label: `accepted ${dx}`,
      events: [rel(dx)],
      ordered: true,
      optional: true,
      send: nothing,
    })),
    { label: 'held moves', events: held.map(rel), ordered: true, send: nothing },
  ];
  const delivered = await playPaced(steps, {
    reader,
    from: 0,
    watch: (e) => e.type === EV_REL && e.code === REL_X,
    window: MOVES.length,
    stallMs: BOUND_MS,
    reset: nothing,
  });
  const received = reader.of(EV_REL, [REL_X]).map((e) => e.value);
  return {
    eagain: eagainWhilePending,
    writtenBeforeOpen: writtenBefore,
    stillPending,
    /** ms each took while the mouse was stuck; null: not within BOUND_MS. */
    timerMs: timer?.ms ?? null,
    readFileOk: readFile?.value.startsWith('Linux') ?? false,
    readFileMs: readFile?.ms ?? null,
    keyboardMs: keyboard.ok === 1 ? keyboard.slowestWindowMs : null,
    keyboard: { missing: keyboard.missing, strays: keyboard.strays, synDropped: keyboard.synDropped },
    deliveredMs: delivered.failed.length === 0 ? delivered.slowestWindowMs : null,
    /** dx of the moves f_hid took before the host listened, of those the writer held back on EAGAIN, and what the host received after opening. */
    accepted,
    held,
    received,
    /** The moves f_hid took before the host listened that the host still delivered. */
    acceptedDelivered: received.slice(0, Math.max(0, received.length - held.length)),
    mouse: { missing: delivered.missing, strays: delivered.strays, synDropped: delivered.synDropped },
    writtenAfterOpen: written(),
  };
}
