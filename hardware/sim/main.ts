/**
 * Manual use: `npx tsx hardware/sim/main.ts [--display :99] [--size 1280x720] [--fps 30]
 * [--layout de] [--workdir DIR]`. Starts the simulated target, prints the device paths and the
 * video command (as JSON on stdout, so a script can pick them up), and runs until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { describeError } from './errors.ts';
import { startSimTarget } from './target.ts';

const { values } = parseArgs({
  options: {
    display: { type: 'string' },
    size: { type: 'string' },
    fps: { type: 'string' },
    layout: { type: 'string' },
    workdir: { type: 'string' },
  },
});

const size = /^(\d+)x(\d+)$/.exec(values.size ?? '1280x720');
if (!size) {
  console.error('--size must look like 1280x720');
  process.exit(2);
}

try {
  const target = await startSimTarget({
    display: values.display,
    width: Number(size[1]),
    height: Number(size[2]),
    fps: values.fps ? Number(values.fps) : undefined,
    xkbLayout: values.layout,
    workDir: values.workdir,
    log: (line) => console.error(`[sim] ${line}`),
  });
  const info = {
    display: target.display,
    width: target.width,
    height: target.height,
    devices: target.devices,
    videoCommand: target.videoCommand,
  };
  console.log(JSON.stringify(info, null, 2));
  console.error(
    `[sim] watch it: ${target.videoCommand.map((a) => (/[\s]/.test(a) ? `'${a}'` : a)).join(' ')} | ffplay -f mpjpeg -`,
  );
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    console.error(`[sim] stopping; stats ${JSON.stringify(target.stats())}`);
    void target.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (err) {
  console.error(`[sim] ${describeError(err)}`);
  process.exit(1);
}
