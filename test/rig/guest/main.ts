/**
 * The guest side of the kernel rig, run by /init under QEMU: sets the gadget up with the project's
 * own setup bundle, drives it with the bridge's own HID relay and writer, reads what the host side
 * of the same kernel makes of it from evdev, and prints one `@rig {json}` line per check for
 * test/rig/rig.test.ts. Checks run in a fixed order: EAGAIN needs a mouse nobody has opened yet,
 * and replug and down change the devices the others use.
 */
import { GUEST_GADGET } from '../initramfs.ts';
import { checkEagain } from './check-eagain.ts';
import { checkKeyboard } from './check-keyboard.ts';
import { checkLeds } from './check-leds.ts';
import { checkMice } from './check-mice.ts';
import { checkBuiltins, checkPaste } from './check-paste.ts';
import { checkReplug } from './check-replug.ts';
import { checkSetupDown, checkSetupUp } from './check-setup.ts';
import { checkThroughput } from './check-throughput.ts';
import { UDEV_NAMES, checkUdev } from './check-udev.ts';
import { makeContext } from './context.ts';
import { emit, waitFor } from './util.ts';
import * as fs from 'node:fs';
import type { RatePreset } from '../../../web/src/lib/layouts/planner.ts';

/**
 * Options from the kernel command line (runRig's `append`): `webkvm.only=paste` runs just the
 * setup and the paste check (the paste benchmark), `webkvm.paste=<chars>` sizes the pasted text
 * (default 300), `webkvm.rates=safe,fast` picks the rate presets.
 */
function cmdline(): { only: string; pasteChars: number; rates: RatePreset[] } {
  const args = new Map(
    fs
      .readFileSync('/proc/cmdline', 'utf8')
      .trim()
      .split(/\s+/)
      .filter((a) => a.startsWith('webkvm.'))
      .map((a) => [a.slice('webkvm.'.length).split('=')[0]!, a.split('=')[1] ?? ''] as const),
  );
  const rates = (args.get('rates') ?? 'safe,fast')
    .split(',')
    .filter((r): r is RatePreset => r === 'safe' || r === 'fast');
  return { only: args.get('only') ?? '', pasteChars: Number(args.get('paste') ?? 300) || 300, rates };
}

async function check<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  const start = performance.now();
  try {
    const result = await run();
    emit('check', { name, ms: Math.round(performance.now() - start), result });
    return result;
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown; stack?: unknown };
    emit('check', {
      name,
      ms: Math.round(performance.now() - start),
      error: {
        code: String(err.code ?? 'exception'),
        message: String(err.message ?? e),
        stack: String(err.stack ?? ''),
      },
    });
    return undefined;
  }
}

async function main(): Promise<void> {
  emit('start');
  const setup = await check('setup', () => checkSetupUp(GUEST_GADGET));
  if (!setup) return;
  // The bridge gets the udev rules' stable names, as the Pi's config will; the plain hidg nodes
  // (matched by major:minor) only where the host has no udevadm to run the rules with.
  const udev = await check('udev', async () => checkUdev(setup.paths));
  const paths = udev && 'ok' in udev && udev.ok ? { ...setup.paths, ...UDEV_NAMES } : setup.paths;
  const ctx = makeContext(GUEST_GADGET, setup.udc, paths, setup.inputs);
  await check('relay-online', async () => {
    const ms = await waitFor(
      () => {
        const s = ctx.relay.status();
        return s.keyboard && s.mouse && s.mouseRel;
      },
      20_000,
      'relay online',
    );
    return { ms, status: ctx.relay.status(), paths };
  });
  const opts = cmdline();
  if (opts.only === 'paste') {
    await check('paste', () => checkPaste(ctx, opts.pasteChars, opts.rates));
  } else {
    await check('eagain', () => checkEagain(ctx));
    await check('keyboard', () => checkKeyboard(ctx));
    await check('leds', () => checkLeds(ctx));
    await check('mice', () => checkMice(ctx));
    await check('throughput', () => checkThroughput(ctx));
    await check('paste', () => checkPaste(ctx, opts.pasteChars, opts.rates));
    await check('builtins', () => checkBuiltins(ctx));
    await check('replug', () => checkReplug(ctx));
  }
  ctx.relay.close();
  for (const r of Object.values(ctx.readers)) r?.close();
  await check('down', () => checkSetupDown(GUEST_GADGET, ctx.inputs));
  emit('done', { counters: ctx.counters.snapshot(), log: ctx.log.slice(-40) });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    emit('fatal', { message: String(e) });
    process.exit(1);
  },
);
