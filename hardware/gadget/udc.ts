import { entries, exists } from './configfs.ts';
import { GadgetError } from './errors.ts';

/**
 * Picks the USB Device Controller to bind: the one named by the caller (--udc, WEBKVM_UDC), else
 * the first in /sys/class/udc by name. A Raspberry Pi has one (e.g. `fe980000.usb` on a Pi 4,
 * `20980000.usb` on a Zero), and only with the dwc2 overlay loaded.
 * @param udcClass the sysfs class directory, /sys/class/udc outside tests
 * @throws GadgetError 'no-udc' when the class is empty, 'udc-unknown' when `wanted` is missing
 */
export function chooseUdc(udcClass: string, wanted?: string): string {
  const names = exists(udcClass) ? entries(udcClass).map((e) => e.name) : [];
  if (wanted) {
    if (!names.includes(wanted)) {
      throw new GadgetError(
        'udc-unknown',
        `UDC "${wanted}" not found in ${udcClass} (have: ${names.join(', ') || 'none'})`,
      );
    }
    return wanted;
  }
  const first = names[0];
  if (first === undefined) {
    throw new GadgetError(
      'no-udc',
      `no USB device controller in ${udcClass}: on a Raspberry Pi add "dtoverlay=dwc2,dr_mode=peripheral" ` +
        'to config.txt, reboot and check that the dwc2 module is loaded (lsmod | grep dwc2); ' +
        'the Pi must be plugged into the target with its USB-C/OTG port',
    );
  }
  return first;
}
