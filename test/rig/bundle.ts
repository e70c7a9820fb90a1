import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GADGET_BUNDLE_NAME, bundleGadgetSetup } from '../../hardware/gadget/build.ts';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Bundles what runs inside the guest into `outDir`: the gadget setup exactly as the Pi gets it
 * (hardware/gadget/build.ts) and the guest test program, which imports the bridge's own HID writer
 * and relay. Both are single ESM files with no runtime dependencies.
 * @returns host paths of { gadget, guest }
 */
export async function bundleGuest(outDir: string): Promise<{ gadget: string; guest: string }> {
  const gadget = join(outDir, GADGET_BUNDLE_NAME);
  const guest = join(outDir, 'guest.mjs');
  await bundleGadgetSetup(gadget);
  await build({
    entryPoints: [join(here, 'guest', 'main.ts')],
    outfile: guest,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // Some CommonJS dependencies (msgpackr) call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __rigCreateRequire } from 'node:module'; const require = __rigCreateRequire(import.meta.url);",
    },
  });
  return { gadget, guest };
}
