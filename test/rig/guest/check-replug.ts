import * as fs from 'node:fs';
import { WEBKVM_GADGET } from '../../../hardware/gadget/spec.ts';
import { keyboardReport, mouseAbsReport, mouseRelReport } from '../../../protocol/reports.ts';
import { type RigContext, send, waitForInputs } from './context.ts';
import { EV_KEY, EvdevReader } from './evdev.ts';
import { inputOf } from './inputs.ts';
import { settle } from './paced.ts';
import { sleep, until, waitFor } from './util.ts';

const UDC_FILE = `/sys/kernel/config/usb_gadget/${WEBKVM_GADGET.name}/UDC`;
const KEY_B = 48;
/** Bound of each wait; enumeration takes ~0.6 s and a reopen ≤ 0.5 s, so this is only for a stuck rig. */
const BOUND_MS = 20_000;
const MAX_TYPING_ATTEMPTS = 5;
const allOnline = (ctx: RigContext) => {
  const s = ctx.relay.status();
  return s.keyboard && s.mouse && s.mouseRel;
};

/**
 * Unplug and replug, as the target sees it: unbinding the UDC disables the functions (writes fail
 * with ESHUTDOWN) and removes /dev/hidg*; the writers must go offline and refuse input rather
 * than queue it. Rebinding creates new nodes; the writers must reopen by themselves and typing
 * must resume, with nothing typed while offline replayed. (soft_connect does not re-enumerate
 * under dummy_hcd, so UDC unbind/bind stands in for the cable; hardware-facts §4.)
 */
export async function checkReplug(ctx: RigContext) {
  const oldInputs = ctx.inputs.map((i) => i.input);
  const hostBefore = ctx.relay.status().host;
  const unplugAt = performance.now();
  fs.writeFileSync(UDC_FILE, '\n');
  const nodesGone = !fs.existsSync(ctx.paths.keyboard);
  // Nothing tells the writers until they write (f_hid reads do not fail); a key press does.
  send(ctx, 'keyboard', keyboardReport({ modifiers: 0, keys: [0x06] }));
  send(ctx, 'mouse', mouseAbsReport({ buttons: 0, x: 1, y: 1, wheel: 0, pan: 0 }));
  send(ctx, 'mouse-rel', mouseRelReport({ buttons: 0, dx: 1, dy: 0, wheel: 0 }));
  const offlineMs = await waitFor(
    () => {
      const s = ctx.relay.status();
      return !s.keyboard && !s.mouse && !s.mouseRel;
    },
    BOUND_MS,
    'all writers offline',
  );
  const refused = send(ctx, 'keyboard', keyboardReport({ modifiers: 0, keys: [0x07] }));
  await sleep(1100); // let the relay's UDC watcher (1 s) see the state
  const hostUnplugged = ctx.relay.status().host;
  const udcState = fs.readFileSync(`/sys/class/udc/${ctx.udc}/state`, 'utf8').trim();
  const offlineCodes = Object.entries(ctx.counters.snapshot())
    .filter(([k]) => /\.offline\./.test(k))
    .map(([k, v]) => `${k}=${v}`);

  const plugAt = performance.now();
  fs.writeFileSync(UDC_FILE, ctx.udc);
  const inputs = await waitForInputs(WEBKVM_GADGET, BOUND_MS, oldInputs);
  const enumeratedMs = Math.round(performance.now() - plugAt);
  const reopenedMs = (await waitFor(() => allOnline(ctx), BOUND_MS, 'writers online again')) + enumeratedMs;
  ctx.inputs = inputs;
  for (const r of [ctx.readers.keyboard, ctx.readers.mouse, ctx.readers.mouseRel]) r?.close();
  ctx.readers = { keyboard: new EvdevReader(inputOf(inputs, 'keyboard').event) };
  const kbd = ctx.readers.keyboard;

  // Type B once. A slow host is waited for, never typed at twice: a second B would look like a
  // replay. B is typed again only if its write failed, i.e. the writer went offline again (a write
  // can race the host's SET_CONFIGURATION and meet a disabled endpoint: ESHUTDOWN) or the relay
  // refused it while the writer was reopening.
  const offlines = () =>
    Object.entries(ctx.counters.snapshot())
      .filter(([k]) => k.startsWith('hid.keyboard.offline.'))
      .reduce((n, [, v]) => n + v, 0);
  const typedB = () => kbd.of(EV_KEY, [KEY_B]).filter((e) => e.value !== 2).length >= 2;
  let attempts = 0;
  const typedStart = performance.now();
  while (attempts < MAX_TYPING_ATTEMPTS && !typedB()) {
    await waitFor(() => allOnline(ctx), BOUND_MS, 'writers online before typing');
    attempts++;
    const offlineBefore = offlines();
    const refusedB =
      send(ctx, 'keyboard', keyboardReport({ modifiers: 0, keys: [0x05] })) ??
      send(ctx, 'keyboard', keyboardReport({ modifiers: 0, keys: [] }));
    if (refusedB) continue;
    if ((await until(() => typedB() || offlines() > offlineBefore, BOUND_MS)) === null) break;
  }
  const typedMs = Math.round(performance.now() - typedStart);
  await settle(kbd, 300, 3000); // input held while offline would be replayed about now
  return {
    nodesGone,
    offlineMs: Math.round(offlineMs),
    offlineCodes,
    statusesSeen: ctx.statuses.length,
    refusedWhileOffline: refused ?? null,
    /** The relay's UDC watcher; under dummy_hcd the UDC `state` file does not follow an unbind. */
    host: {
      before: hostBefore,
      unplugged: hostUnplugged,
      after: ctx.relay.status().host,
      udcStateUnplugged: udcState,
      udcStateReplugged: fs.readFileSync(`/sys/class/udc/${ctx.udc}/state`, 'utf8').trim(),
    },
    unplugToPlugMs: Math.round(plugAt - unplugAt),
    enumeratedMs,
    reopenedMs,
    typedAttempts: attempts,
    typedMs,
    typed: kbd
      .of(EV_KEY, [KEY_B])
      .filter((e) => e.value !== 2)
      .map((e) => e.value),
    /** Key events other than B on the new keyboard: input made while offline, replayed. */
    stale: kbd
      .of(EV_KEY)
      .filter((e) => e.code !== KEY_B)
      .map((e) => `${e.code}=${e.value}`),
  };
}
