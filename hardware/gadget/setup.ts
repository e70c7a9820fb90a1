/**
 * webkvm gadget setup, run as root by a oneshot systemd unit before the bridge starts:
 *   tsx hardware/gadget/setup.ts up|down [--udc NAME]
 *   node webkvm-gadget.mjs up|down [--udc NAME]     (the bundle build.ts makes from this file)
 * See cli.ts for the environment and exit codes, README.md for the unit.
 */
import { main } from './cli.ts';

process.exitCode = main(process.argv.slice(2));
