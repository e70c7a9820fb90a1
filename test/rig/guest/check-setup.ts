import * as fs from 'node:fs';
import { join } from 'node:path';
import type { HidPaths } from '../../../bridge/src/hid/relay.ts';
import { WEBKVM_GADGET, hex4 } from '../../../hardware/gadget/spec.ts';
import { waitForInputs } from './context.ts';
import type { GadgetInput } from './inputs.ts';
import { RigCheckError, emit, runGadget, sleep } from './util.ts';

const GADGET = `/sys/kernel/config/usb_gadget/${WEBKVM_GADGET.name}`;

/**
 * `up` on a half-made gadget (as a crash mid-setup leaves it) must rebuild it; the host must then
 * enumerate it with our identity; a second `up` must change nothing (no re-enumeration).
 * Also maps each function to its /dev/hidgN by major:minor, as the udev rule does.
 */
export async function checkSetupUp(bundle: string) {
  fs.mkdirSync(`${GADGET}/functions/hid.usb0`, { recursive: true });
  fs.writeFileSync(`${GADGET}/functions/hid.usb0/protocol`, '2');
  fs.mkdirSync(`${GADGET}/configs/c.1`, { recursive: true });
  fs.symlinkSync(`${GADGET}/functions/hid.usb0`, `${GADGET}/configs/c.1/hid.usb0`);
  const first = runGadget(bundle, 'up');
  if (first.status !== 0 || !/recreated/.test(first.out))
    throw new RigCheckError('setup', `up on a half-made gadget: ${first.status} ${first.out}`);
  const inputs = await waitForInputs(WEBKVM_GADGET, 30_000);
  emit('configured');
  // A rebuild removes and recreates the configfs directories and the hidg nodes: their inodes and
  // device numbers change at once, without waiting for the host to notice.
  const identity = () => {
    const fn = `${GADGET}/functions/hid.${WEBKVM_GADGET.functions[0]!.instance}`;
    return `${fs.statSync(GADGET).ino}/${fs.statSync(fn).ino}/${fs.readFileSync(`${fn}/dev`, 'utf8').trim()}`;
  };
  const identityBefore = identity();
  const second = runGadget(bundle, 'up');
  const gadgetKept = identity() === identityBefore;
  // The host would notice an unplug within ~0.6 s (hardware-facts §4); a second look after that.
  await sleep(1500);
  const after = await waitForInputs(WEBKVM_GADGET, 30_000);
  const reenumerated =
    after
      .map((i) => i.input)
      .sort()
      .join() !==
    inputs
      .map((i) => i.input)
      .sort()
      .join();
  const udc = fs.readFileSync(`${GADGET}/UDC`, 'utf8').trim();
  return {
    halfMade: { status: first.status, out: first.out, ms: first.ms },
    again: { status: second.status, out: second.out, ms: second.ms, reenumerated, gadgetKept },
    udc,
    inputs: after,
    usb: usbView(),
    paths: hidgPaths(),
  };
}

/** The gadget as the host's USB core sees it (sysfs of the enumerated device and its interfaces). */
function usbView() {
  const root = '/sys/bus/usb/devices';
  const dev = fs.readdirSync(root).find((d) => {
    const read = (f: string) => fs.readFileSync(join(root, d, f), 'utf8').trim();
    return (
      fs.existsSync(join(root, d, 'idProduct')) &&
      read('idProduct') === hex4(WEBKVM_GADGET.idProduct).slice(2) &&
      read('idVendor') === hex4(WEBKVM_GADGET.idVendor).slice(2)
    );
  });
  if (!dev) throw new RigCheckError('setup', 'the host has no USB device with our vendor:product');
  const attr = (path: string) => fs.readFileSync(join(root, path), 'utf8').trim();
  const device = Object.fromEntries(
    [
      'idVendor',
      'idProduct',
      'bcdDevice',
      'version',
      'manufacturer',
      'product',
      'serial',
      'bMaxPower',
      'configuration',
      'bNumInterfaces',
    ].map((f) => [f, attr(`${dev}/${f}`)]),
  );
  const interfaces = WEBKVM_GADGET.functions.map((_, n) => {
    const i = `${dev}/${dev}:1.${n}`;
    return {
      iface: n,
      class: attr(`${i}/bInterfaceClass`),
      subclass: attr(`${i}/bInterfaceSubClass`),
      protocol: attr(`${i}/bInterfaceProtocol`),
      endpoints: attr(`${i}/bNumEndpoints`),
    };
  });
  return { device, interfaces };
}

/** /dev/hidgN of each function, found by the `dev` (major:minor) attribute configfs shows. */
export function hidgPaths(): HidPaths {
  const byDev = new Map(
    fs
      .readdirSync('/sys/class/hidg')
      .map((n) => [fs.readFileSync(`/sys/class/hidg/${n}/dev`, 'utf8').trim(), `/dev/${n}`]),
  );
  const pathOf = (role: string) => {
    const f = WEBKVM_GADGET.functions.find((fn) => fn.role === role)!;
    const dev = fs.readFileSync(`${GADGET}/functions/hid.${f.instance}/dev`, 'utf8').trim();
    const path = byDev.get(dev);
    if (!path) throw new RigCheckError('setup', `no /dev/hidg* with dev ${dev} for ${role}`);
    return path;
  };
  return { keyboard: pathOf('keyboard'), mouse: pathOf('mouse'), mouseRel: pathOf('mouse-rel'), udcState: 'auto' };
}

/** `down` removes everything (twice is fine), and the host's input devices go away. */
export async function checkSetupDown(bundle: string, before: readonly GadgetInput[]) {
  const first = runGadget(bundle, 'down');
  const gone = !fs.existsSync(GADGET);
  const nodes = fs.readdirSync('/dev').filter((n) => n.startsWith('hidg'));
  const start = performance.now();
  while (
    fs.readFileSync('/proc/bus/input/devices', 'utf8').includes(`Uniq=${WEBKVM_GADGET.serialnumber}`) &&
    performance.now() - start < 20_000
  )
    await sleep(20);
  const inputsLeft = fs
    .readFileSync('/proc/bus/input/devices', 'utf8')
    .split('\n')
    .filter((l) => l.includes(`Uniq=${WEBKVM_GADGET.serialnumber}`)).length;
  const second = runGadget(bundle, 'down');
  return { first, second, gone, hidgNodesLeft: nodes, inputsBefore: before.length, inputsLeft };
}
