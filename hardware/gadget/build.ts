/**
 * Bundles the gadget setup into one dependency-free ESM file for the Pi (esbuild, Node 20 target):
 * `tsx hardware/gadget/build.ts OUT_DIR/webkvm-gadget.mjs`, or call
 * bundleGadgetSetup() from an installer or the kernel rig. Run it as `node webkvm-gadget.mjs up`.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

/** The bundle's conventional file name. */
export const GADGET_BUNDLE_NAME = 'webkvm-gadget.mjs';

/** Writes the bundle (any file name) to `outfile`; resolves when written. */
export async function bundleGadgetSetup(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(here, 'setup.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'none',
    banner: {
      js: '// webkvm gadget setup, bundled from hardware/gadget/setup.ts; usage: node webkvm-gadget.mjs up|down',
    },
    logLevel: 'warning',
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2];
  if (!arg) {
    console.error(`usage: tsx hardware/gadget/build.ts OUT_DIR/${GADGET_BUNDLE_NAME}`);
    process.exit(2);
  }
  await bundleGadgetSetup(resolve(arg));
  console.log(`wrote ${resolve(arg)}`);
}
