import { join } from 'node:path';
import { entries, exists, linkTargetName, readBytes, readText } from './configfs.ts';
import { CONFIG, LANG, hex4, type GadgetSpec } from './spec.ts';

/**
 * How an existing gadget directory differs from `spec` bound to `udc`, one line per difference;
 * [] when it matches. Lets `up` leave a correct gadget alone: rebuilding it would make the target
 * see an unplug and replug.
 */
export function differences(dir: string, spec: GadgetSpec, udc: string): string[] {
  const diff: string[] = [];
  const want = (path: string, value: string, norm = (s: string) => s) => {
    const got = readText(join(dir, path));
    if (got === null || norm(got) !== norm(value))
      diff.push(`${path}: ${JSON.stringify(got)} != ${JSON.stringify(value)}`);
  };
  // The kernel prints descriptor fields as 0x%04x; compare hex without regard to case.
  const hex = (s: string) => s.toLowerCase();
  want('idVendor', hex4(spec.idVendor), hex);
  want('idProduct', hex4(spec.idProduct), hex);
  want('bcdDevice', hex4(spec.bcdDevice), hex);
  want('bcdUSB', hex4(spec.bcdUSB), hex);
  want(`strings/${LANG}/manufacturer`, spec.manufacturer);
  want(`strings/${LANG}/product`, spec.product);
  want(`strings/${LANG}/serialnumber`, spec.serialnumber);
  want(`configs/${CONFIG}/MaxPower`, String(spec.maxPower));
  want(`configs/${CONFIG}/strings/${LANG}/configuration`, spec.configuration);
  const configs = entries(join(dir, 'configs')).map((e) => e.name);
  if (configs.join() !== CONFIG) diff.push(`configs: ${configs.join() || 'none'}`);
  const names = spec.functions.map((f) => `hid.${f.instance}`);
  const functions = entries(join(dir, 'functions')).map((e) => e.name);
  if (functions.join() !== [...names].sort().join()) diff.push(`functions: ${functions.join() || 'none'}`);
  const links = entries(join(dir, 'configs', CONFIG)).filter((e) => e.kind === 'link');
  const linked = links.map((e) => `${e.name}->${linkTargetName(e.path)}`).sort();
  if (
    linked.join() !==
    names
      .map((n) => `${n}->${n}`)
      .sort()
      .join()
  )
    diff.push(`links: ${linked.join() || 'none'}`);
  for (const f of spec.functions) {
    const fdir = `functions/hid.${f.instance}`;
    want(`${fdir}/protocol`, String(f.protocol));
    want(`${fdir}/subclass`, String(f.subclass));
    want(`${fdir}/report_length`, String(f.reportLength));
    if (exists(join(dir, fdir, 'no_out_endpoint'))) want(`${fdir}/no_out_endpoint`, '1');
    const desc = readBytes(join(dir, fdir, 'report_desc'));
    if (!desc || Buffer.compare(desc, f.reportDesc) !== 0) diff.push(`${fdir}/report_desc differs`);
  }
  want('UDC', udc);
  return diff;
}
