import * as fs from 'node:fs';
import type { HidRole } from '../../../hardware/gadget/spec.ts';

/** One input device the host side created for our gadget, from /proc/bus/input/devices. */
export interface GadgetInput {
  role: HidRole;
  /** /dev/input/eventN */
  event: string;
  /** sysfs input device name, e.g. input3: a new one after every re-enumeration. */
  input: string;
  /** USB interface number from Phys (…/input<n>), which follows the configfs link order. */
  iface: number;
  name: string;
  uniq: string;
}

/**
 * Finds the host-side input devices of the gadget (by USB vendor:product) and tells them apart by
 * capability, not by order: the keyboard has LEDs, the absolute mouse has ABS axes, the relative
 * mouse has REL axes only.
 */
export function findGadgetInputs(vendor: number, product: number): GadgetInput[] {
  const text = fs.readFileSync('/proc/bus/input/devices', 'utf8');
  const out: GadgetInput[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const id = /^I: .*Vendor=([0-9a-f]{4}) Product=([0-9a-f]{4})/m.exec(block);
    if (!id || parseInt(id[1]!, 16) !== vendor || parseInt(id[2]!, 16) !== product) continue;
    const event = /^H: Handlers=.*\b(event\d+)\b/m.exec(block)?.[1];
    const input = /^S: Sysfs=.*\/(input\d+)$/m.exec(block)?.[1];
    if (!event || !input) continue;
    const role: HidRole = /^B: LED=/m.test(block) ? 'keyboard' : /^B: ABS=/m.test(block) ? 'mouse' : 'mouse-rel';
    out.push({
      role,
      event: `/dev/input/${event}`,
      input,
      iface: Number(/^P: Phys=.*\/input(\d+)$/m.exec(block)?.[1] ?? -1),
      name: /^N: Name="(.*)"$/m.exec(block)?.[1] ?? '',
      uniq: /^U: Uniq=(.*)$/m.exec(block)?.[1] ?? '',
    });
  }
  return out;
}

/** The input of `role`, or throws: callers wait for all three first. */
export function inputOf(inputs: readonly GadgetInput[], role: HidRole): GadgetInput {
  const found = inputs.find((i) => i.role === role);
  if (!found) throw new Error(`no host input device for the ${role}`);
  return found;
}
