import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
const emit = (o: object) => process.stdout.write(`@rig ${JSON.stringify(o)}\n`);
emit({ type: 'hello', uptime: fs.readFileSync('/proc/uptime', 'utf8') });
const r = spawnSync(process.execPath, ['/rig/webkvm-gadget.mjs', 'up'], { encoding: 'utf8' });
emit({ type: 'up', status: r.status, out: r.stdout, err: r.stderr, uptime: fs.readFileSync('/proc/uptime', 'utf8') });
await new Promise((r) => setTimeout(r, 2000));
emit({ type: 'devs', d: fs.readFileSync('/proc/bus/input/devices', 'utf8'), hidg: fs.readdirSync('/dev').filter((n) => n.startsWith('hidg')), uptime: fs.readFileSync('/proc/uptime', 'utf8') });
