import { readdirSync, readFileSync } from 'node:fs';
import type { UsbHostState } from '../../../protocol/index.ts';

/**
 * Where to read the gadget's UDC state: a path to a `state` file, 'auto' for the UDC the gadget
 * setup binds (pickUdc: WEBKVM_UDC, else the first under /sys/class/udc), or undefined where there
 * is no UDC (simulated target).
 */
export type UdcStateSource = string | 'auto' | undefined;

/** The sysfs class of USB Device Controllers (Linux drivers/usb/gadget/udc/core.c). */
export const UDC_CLASS = '/sys/class/udc';

/** Where pickUdc looks: the UDC class directory and the wanted name (WEBKVM_UDC). */
export interface UdcLookup {
  udcClass?: string;
  wanted?: string | undefined;
}

export type UdcChoice =
  | { ok: true; udc: string; available: readonly string[] }
  | {
      ok: false;
      /** 'no-udc': the class is empty or absent; 'udc-unknown': `wanted` is not in it; 'unreadable': readdir failed. */
      code: 'no-udc' | 'udc-unknown' | 'unreadable';
      message: string;
      available: readonly string[];
      cause?: unknown;
    };

/**
 * The one UDC choice of webkvm, shared by the gadget setup (which binds it) and the bridge (which
 * watches its `state`), so a board with two UDCs never binds one and reports the other:
 * `wanted` (WEBKVM_UDC) when set, which must exist; else the first entry of the class directory
 * in byte order (a Pi has one: `fe980000.usb` on a Pi 4, `20980000.usb` on a Zero).
 * An empty `wanted` counts as unset. Never throws: failures are values with a code.
 * @param lookup.udcClass default /sys/class/udc; lookup.wanted default process.env.WEBKVM_UDC
 */
export function pickUdc(lookup: UdcLookup = {}): UdcChoice {
  const udcClass = lookup.udcClass ?? UDC_CLASS;
  const wanted = ('wanted' in lookup ? lookup.wanted : process.env.WEBKVM_UDC) || undefined;
  let available: string[];
  try {
    available = readdirSync(udcClass).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      const errno = (e as NodeJS.ErrnoException).code ?? String(e);
      return {
        ok: false,
        code: 'unreadable',
        message: `listing ${udcClass} failed: ${errno}`,
        available: [],
        cause: e,
      };
    }
    available = []; // no UDC class at all: not a gadget-capable kernel
  }
  if (wanted) {
    if (available.includes(wanted)) return { ok: true, udc: wanted, available };
    const have = available.join(', ') || 'none';
    return {
      ok: false,
      code: 'udc-unknown',
      message: `UDC "${wanted}" not found in ${udcClass} (have: ${have})`,
      available,
    };
  }
  const first = available[0];
  if (first === undefined)
    return { ok: false, code: 'no-udc', message: `no USB device controller in ${udcClass}`, available };
  return { ok: true, udc: first, available };
}

function resolve(source: UdcStateSource, lookup: UdcLookup): string | undefined {
  if (source !== 'auto') return source;
  const choice = pickUdc(lookup);
  // No usable UDC (none, or WEBKVM_UDC names a missing one, so the gadget refused to bind): 'unknown'.
  return choice.ok ? `${lookup.udcClass ?? UDC_CLASS}/${choice.udc}/state` : undefined;
}

/**
 * Reads the UDC state once: "configured" means the target's USB host enumerated the gadget.
 * Other states ("not attached", "powered", "default", "addressed", "suspended") mean no usable
 * host. sysfs reads are in-memory and never block, so a sync read is fine here.
 * (Linux include/linux/usb/ch9.h usb_state_string.)
 * @param lookup for 'auto' only: where pickUdc looks (tests pass a temp dir)
 */
export function readUsbHost(source: UdcStateSource, lookup: UdcLookup = {}): UsbHostState {
  const path = resolve(source, lookup);
  if (!path) return 'unknown';
  try {
    return readFileSync(path, 'utf8').trim() === 'configured' ? 'connected' : 'disconnected';
  } catch {
    return 'unknown'; // the UDC went away (driver unbound); the devices report offline themselves
  }
}

/** Polls the UDC state every `intervalMs` and calls `onChange` when it changes. Returns a stop function. */
export function watchUsbHost(
  source: UdcStateSource,
  onChange: (s: UsbHostState) => void,
  intervalMs = 1000,
  lookup: UdcLookup = {},
): { current(): UsbHostState; stop(): void } {
  let state = readUsbHost(source, lookup);
  const timer = setInterval(() => {
    const next = readUsbHost(source, lookup);
    if (next !== state) {
      state = next;
      onChange(next);
    }
  }, intervalMs);
  timer.unref();
  return { current: () => state, stop: () => clearInterval(timer) };
}
