import { pickUdc } from '../../bridge/src/hid/udc.ts';
import { GadgetError, ioError } from './errors.ts';

/**
 * Picks the USB Device Controller to bind with the choice the bridge also watches (pickUdc in
 * bridge/src/hid/udc.ts): the one named by the caller (--udc, WEBKVM_UDC), else the first in
 * /sys/class/udc by name. A Raspberry Pi has one (e.g. `fe980000.usb` on a Pi 4, `20980000.usb`
 * on a Zero), and only with the dwc2 overlay loaded.
 * @param udcClass the sysfs class directory, /sys/class/udc outside tests
 * @param wanted the UDC asked for; undefined or '' picks the first
 * @throws GadgetError 'no-udc' when the class is empty, 'udc-unknown' when `wanted` is missing,
 *   'permission' | 'io' when the class cannot be listed
 */
export function chooseUdc(udcClass: string, wanted?: string): string {
  const choice = pickUdc({ udcClass, wanted });
  if (choice.ok) return choice.udc;
  switch (choice.code) {
    case 'udc-unknown':
      throw new GadgetError('udc-unknown', choice.message);
    case 'no-udc':
      throw new GadgetError(
        'no-udc',
        `${choice.message}: on a Raspberry Pi add "dtoverlay=dwc2,dr_mode=peripheral" ` +
          'to config.txt, reboot and check that the dwc2 module is loaded (lsmod | grep dwc2); ' +
          'the Pi must be plugged into the target with its USB-C/OTG port',
      );
    case 'unreadable':
      throw ioError('listing', udcClass, choice.cause);
  }
}
