import { KEYBOARD_REPORT_BYTES, MOUSE_ABS_REPORT_BYTES, MOUSE_REL_REPORT_BYTES } from '../../protocol/reports.ts';
import { KEYBOARD_REPORT_DESC, MOUSE_ABS_REPORT_DESC, MOUSE_REL_REPORT_DESC } from './descriptors.ts';

/**
 * What the gadget looks like to the target: the composite device webkvm presents through configfs
 * (kernel Documentation/usb/gadget_configfs.rst). Values follow the anchor products
 * (hardware-facts §1.1): Linux Foundation "Multifunction Composite Gadget" IDs, MaxPower 250.
 */

/** The one configuration, configs/c.1, and the string table language (0x409, English (US)). */
export const CONFIG = 'c.1';
export const LANG = '0x409';
/** configfs spells 16-bit descriptor fields as 0x-prefixed 4-digit hex. */
export const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

export type HidRole = 'keyboard' | 'mouse' | 'mouse-rel';

/** One f_hid function instance (configfs `functions/hid.<instance>`). */
export interface HidFunctionSpec {
  /** configfs instance name, e.g. 'usb0' → functions/hid.usb0. */
  instance: string;
  role: HidRole;
  /** bInterfaceProtocol: 1 keyboard, 2 mouse (boot), 0 none. */
  protocol: number;
  /** bInterfaceSubClass: 1 boot interface, 0 none. */
  subclass: number;
  /** Input report length, bytes (also wMaxPacketSize of the IN endpoint). */
  reportLength: number;
  reportDesc: Uint8Array;
}

export interface GadgetSpec {
  /** Directory name under /sys/kernel/config/usb_gadget. */
  name: string;
  idVendor: number;
  idProduct: number;
  bcdDevice: number;
  bcdUSB: number;
  manufacturer: string;
  product: string;
  serialnumber: string;
  configuration: string;
  /**
   * configfs `MaxPower`, in mA: the composite layer converts it to bMaxPower's 2 mA units (USB 2.0
   * §9.6.3), so 250 declares 250 mA (the rig's host reads back "250mA"), not 500 mA.
   */
  maxPower: number;
  /**
   * Functions in creation order. f_hid gives each new instance the lowest free minor, so on a
   * machine with no other HID gadget this order is /dev/hidg0, hidg1, hidg2; the interface
   * numbers the target sees follow the link order, which is the same. The udev rule does not rely
   * on either: it matches each hidg node to its configfs function by major:minor.
   */
  functions: readonly HidFunctionSpec[];
}

export const WEBKVM_GADGET: GadgetSpec = {
  name: 'webkvm',
  idVendor: 0x1d6b,
  idProduct: 0x0104,
  bcdDevice: 0x0100,
  bcdUSB: 0x0200,
  manufacturer: 'webkvm',
  product: 'webkvm Composite HID',
  serialnumber: 'WEBKVM0001',
  configuration: 'Config 1: HID keyboard and mice',
  maxPower: 250,
  functions: [
    // Boot keyboard: a BIOS/UEFI setup screen uses the boot protocol (HID 1.11 §4.2).
    {
      instance: 'usb0',
      role: 'keyboard',
      protocol: 1,
      subclass: 1,
      reportLength: KEYBOARD_REPORT_BYTES,
      reportDesc: KEYBOARD_REPORT_DESC,
    },
    // Absolute pointer: no boot protocol exists for it, so protocol 0 / subclass 0 (as TinyPilot
    // and PiKVM); the rig shows Linux binds hid-generic to it.
    {
      instance: 'usb1',
      role: 'mouse',
      protocol: 0,
      subclass: 0,
      reportLength: MOUSE_ABS_REPORT_BYTES,
      reportDesc: MOUSE_ABS_REPORT_DESC,
    },
    // Boot mouse, for BIOSes that ignore absolute pointers.
    {
      instance: 'usb2',
      role: 'mouse-rel',
      protocol: 2,
      subclass: 1,
      reportLength: MOUSE_REL_REPORT_BYTES,
      reportDesc: MOUSE_REL_REPORT_DESC,
    },
  ],
};
