/**
 * The command line of the gadget setup (entry point: setup.ts): `up [--udc NAME]` creates and
 * binds the composite HID gadget, `down` removes it.
 *
 * Environment: WEBKVM_UDC names the UDC (default: the first in /sys/class/udc); WEBKVM_SERIAL
 * sets the USB serial number (default: the Pi's board serial, else a fixed one).
 * Exit codes: 0 done, 1 failed (stderr says `webkvm-gadget: <code>: <message>`), 2 usage.
 */
import { readFileSync } from 'node:fs';
import { GadgetError } from './errors.ts';
import { gadgetDown, gadgetUp } from './gadget.ts';
import { WEBKVM_GADGET, type GadgetSpec } from './spec.ts';

const USAGE = 'usage: webkvm-gadget up|down [--udc NAME]';

/** The Pi's serial (device tree), so two webkvm units on one target enumerate as two devices. */
function boardSerial(): string | undefined {
  try {
    const raw = readFileSync('/sys/firmware/devicetree/base/serial-number', 'latin1');
    const serial = raw.replace(/\0/g, '').trim();
    return serial || undefined;
  } catch {
    return undefined; // not a Pi (or no device tree): the fixed default serial is used
  }
}

export function specFromEnv(env: NodeJS.ProcessEnv): GadgetSpec {
  const serialnumber = env.WEBKVM_SERIAL || boardSerial() || WEBKVM_GADGET.serialnumber;
  return { ...WEBKVM_GADGET, serialnumber };
}

/** Runs the command line `argv` (without node and script); returns the exit code. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const [command, ...rest] = argv;
  let udc = env.WEBKVM_UDC || undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--udc' && rest[i + 1]) udc = rest[++i];
    else return usage(`unknown argument ${rest[i]}`);
  }
  const log = (line: string) => console.log(`webkvm-gadget: ${line}`);
  try {
    if (command === 'up') {
      gadgetUp({ spec: specFromEnv(env), log, ...(udc && { udc }) });
    } else if (command === 'down') {
      if (gadgetDown({ log }) === 'absent') log('gadget absent, nothing to do');
    } else {
      return usage(command ? `unknown command ${command}` : 'missing command');
    }
    return 0;
  } catch (e) {
    if (e instanceof GadgetError) {
      console.error(`webkvm-gadget: ${e.code}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

function usage(problem: string): number {
  console.error(`webkvm-gadget: usage: ${problem}\n${USAGE}`);
  return 2;
}
