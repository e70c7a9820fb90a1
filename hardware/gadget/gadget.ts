import { join } from 'node:path';
import { entries, exists, makeDir, makeLink, readText, removeDir, removeLink, writeAttr } from './configfs.ts';
import { GadgetError, errnoOf } from './errors.ts';
import { differences } from './compare.ts';
import { CONFIG, LANG, WEBKVM_GADGET, hex4, type GadgetSpec } from './spec.ts';
import { chooseUdc } from './udc.ts';

export interface GadgetPaths {
  /** configfs mount point, /sys/kernel/config. */
  configfs: string;
  /** /sys/class/udc. */
  udcClass: string;
}

export const SYSTEM_PATHS: GadgetPaths = { configfs: '/sys/kernel/config', udcClass: '/sys/class/udc' };

export interface GadgetOptions {
  spec?: GadgetSpec;
  /** UDC to bind; default the first in /sys/class/udc. */
  udc?: string;
  paths?: GadgetPaths;
  log?: (line: string) => void;
}

export interface UpResult {
  /** 'unchanged': already exactly as specified and bound, so the target saw no replug. */
  action: 'created' | 'recreated' | 'unchanged';
  udc: string;
  dir: string;
}

function gadgetDir(spec: GadgetSpec, paths: GadgetPaths): string {
  const root = join(paths.configfs, 'usb_gadget');
  if (!exists(root)) {
    throw new GadgetError(
      'configfs-missing',
      `${root} does not exist: load the gadget framework ("modprobe libcomposite") and make sure configfs ` +
        `is mounted ("mount -t configfs none ${paths.configfs}", which systemd's sys-kernel-config.mount does)`,
    );
  }
  return join(root, spec.name);
}

/**
 * Creates the composite HID gadget and binds it to a UDC. Idempotent: a gadget that already
 * matches `spec` and is bound to the chosen UDC is left alone; anything else under the gadget's
 * name (half-made by a crash, an older version, another UDC) is torn down and rebuilt.
 * Follows Documentation/usb/gadget_configfs.rst (create, link, bind).
 * @throws GadgetError 'configfs-missing' | 'no-udc' | 'udc-unknown' | 'udc-busy' | 'permission' | 'io'
 */
export function gadgetUp(opts: GadgetOptions = {}): UpResult {
  const spec = opts.spec ?? WEBKVM_GADGET;
  const paths = opts.paths ?? SYSTEM_PATHS;
  const log = opts.log ?? (() => undefined);
  const dir = gadgetDir(spec, paths);
  const udc = chooseUdc(paths.udcClass, opts.udc);
  let action: UpResult['action'] = 'created';
  if (exists(dir)) {
    const diff = differences(dir, spec, udc);
    if (diff.length === 0) {
      log(`gadget ${spec.name}: already up on ${udc}`);
      return { action: 'unchanged', udc, dir };
    }
    log(`gadget ${spec.name}: rebuilding (${diff.slice(0, 3).join('; ')}${diff.length > 3 ? '; ...' : ''})`);
    teardown(dir);
    action = 'recreated';
  }
  build(dir, spec);
  try {
    writeAttr(join(dir, 'UDC'), udc);
  } catch (e) {
    if (e instanceof GadgetError && errnoOf(e.cause) === 'EBUSY') {
      throw new GadgetError(
        'udc-busy',
        `UDC ${udc} is already bound to another gadget (see ${paths.configfs}/usb_gadget/*/UDC)`,
        { cause: e },
      );
    }
    throw e;
  }
  log(`gadget ${spec.name}: ${action}, bound to ${udc}`);
  return { action, udc, dir };
}

/**
 * Unbinds and removes the gadget (the target sees an unplug). Does nothing if it is absent.
 * @returns 'removed' or 'absent'
 */
export function gadgetDown(opts: GadgetOptions = {}): 'removed' | 'absent' {
  const spec = opts.spec ?? WEBKVM_GADGET;
  const dir = gadgetDir(spec, opts.paths ?? SYSTEM_PATHS);
  if (!exists(dir)) return 'absent';
  teardown(dir);
  opts.log?.(`gadget ${spec.name}: removed`);
  return 'removed';
}

function build(dir: string, spec: GadgetSpec): void {
  makeDir(dir);
  writeAttr(join(dir, 'idVendor'), hex4(spec.idVendor));
  writeAttr(join(dir, 'idProduct'), hex4(spec.idProduct));
  writeAttr(join(dir, 'bcdDevice'), hex4(spec.bcdDevice));
  writeAttr(join(dir, 'bcdUSB'), hex4(spec.bcdUSB));
  const strings = join(dir, 'strings', LANG);
  makeDir(strings);
  writeAttr(join(strings, 'manufacturer'), spec.manufacturer);
  writeAttr(join(strings, 'product'), spec.product);
  writeAttr(join(strings, 'serialnumber'), spec.serialnumber);
  const config = join(dir, 'configs', CONFIG);
  makeDir(config);
  writeAttr(join(config, 'MaxPower'), String(spec.maxPower));
  makeDir(join(config, 'strings', LANG));
  writeAttr(join(config, 'strings', LANG, 'configuration'), spec.configuration);
  // Functions are created, then linked, in spec order: hidg minors and interface numbers follow it.
  for (const f of spec.functions) {
    const fdir = join(dir, 'functions', `hid.${f.instance}`);
    makeDir(fdir);
    writeAttr(join(fdir, 'protocol'), String(f.protocol));
    writeAttr(join(fdir, 'subclass'), String(f.subclass));
    writeAttr(join(fdir, 'report_length'), String(f.reportLength));
    writeAttr(join(fdir, 'report_desc'), f.reportDesc);
    // LEDs then come as SET_REPORT on EP0, as with most real keyboards, and each function needs
    // only its IN endpoint (the Pi's dwc2 has few). Older kernels lack the attribute: skip it.
    if (exists(join(fdir, 'no_out_endpoint'))) writeAttr(join(fdir, 'no_out_endpoint'), '1');
  }
  for (const f of spec.functions)
    makeLink(join(dir, 'functions', `hid.${f.instance}`), join(config, `hid.${f.instance}`));
}

/** Reverse of build, for whatever subset exists: unbind, unlink, rmdir (gadget_configfs.rst "Cleaning up"). */
function teardown(dir: string): void {
  if (readText(join(dir, 'UDC'))) writeAttr(join(dir, 'UDC'), '\n');
  for (const config of entries(join(dir, 'configs')).filter((e) => e.kind === 'dir')) {
    for (const e of entries(config.path)) if (e.kind === 'link') removeLink(e.path);
    for (const s of entries(join(config.path, 'strings'))) if (s.kind === 'dir') removeDir(s.path);
    removeDir(config.path);
  }
  for (const f of entries(join(dir, 'functions'))) if (f.kind === 'dir') removeDir(f.path);
  for (const s of entries(join(dir, 'strings'))) if (s.kind === 'dir') removeDir(s.path);
  for (const e of entries(join(dir, 'os_desc'))) if (e.kind === 'link') removeLink(e.path);
  removeDir(dir);
}
