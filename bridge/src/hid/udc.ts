import { readdirSync, readFileSync } from 'node:fs';
import type { UsbHostState } from '../../../protocol/index.ts';

/**
 * Where to read the gadget's UDC state: a path to a `state` file, 'auto' for the first UDC under
 * /sys/class/udc (the Pi has one, dwc2), or undefined where there is no UDC (simulated target).
 */
export type UdcStateSource = string | 'auto' | undefined;

const UDC_ROOT = '/sys/class/udc';

function resolve(source: UdcStateSource): string | undefined {
  if (source !== 'auto') return source;
  try {
    const first = readdirSync(UDC_ROOT).sort()[0];
    return first ? `${UDC_ROOT}/${first}/state` : undefined;
  } catch {
    return undefined; // no UDC class at all: not a gadget-capable kernel, so 'unknown'
  }
}

/**
 * Reads the UDC state once: "configured" means the target's USB host enumerated the gadget.
 * Other states ("not attached", "powered", "default", "addressed", "suspended") mean no usable
 * host. sysfs reads are in-memory and never block, so a sync read is fine here.
 * (Linux include/linux/usb/ch9.h usb_state_string.)
 */
export function readUsbHost(source: UdcStateSource): UsbHostState {
  const path = resolve(source);
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
): { current(): UsbHostState; stop(): void } {
  let state = readUsbHost(source);
  const timer = setInterval(() => {
    const next = readUsbHost(source);
    if (next !== state) {
      state = next;
      onChange(next);
    }
  }, intervalMs);
  timer.unref();
  return { current: () => state, stop: () => clearInterval(timer) };
}
