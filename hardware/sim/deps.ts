/**
 * The simulated target's Debian packages: suite "start" of hardware/deps/packages.json, checked up
 * front (hardware/deps/deps.ts) so a missing binary is one clear message with the exact install
 * command instead of a child process failing with ENOENT halfway.
 */
import { DepsError, dependenciesOf, ensureDependencies, missingPackages, type Dependency } from '../deps/deps.ts';
import { SimError } from './errors.ts';

/** Binary (or absolute file) → the Debian package that provides it. */
export const SIM_DEPENDENCIES: readonly Dependency[] = dependenciesOf(['start']);

/** Debian packages whose files are missing, deduplicated, in table order; [] when all present. */
export function missingSimPackages(): string[] {
  return missingPackages(SIM_DEPENDENCIES);
}

/**
 * Makes sure the sim's packages are installed. All present: returns. Missing and running as root:
 * `apt-get install -y <pkgs>` (after `apt-get update` if the first attempt fails), output streamed
 * to `log`. Missing otherwise: throws SimError DEPS_MISSING whose message is the exact
 * `sudo apt-get install -y <pkgs>` command to run; DEPS_INSTALL_FAILED if apt-get fails.
 */
export async function ensureSimDeps(log: (line: string) => void = console.log): Promise<void> {
  try {
    await ensureDependencies(SIM_DEPENDENCIES, { who: 'the simulated target', log });
  } catch (err) {
    if (err instanceof DepsError && (err.code === 'DEPS_MISSING' || err.code === 'DEPS_INSTALL_FAILED'))
      throw new SimError(err.code, err.message, { cause: err });
    throw err;
  }
}
