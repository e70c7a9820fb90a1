import { spawn } from 'node:child_process';
import { videoError, type VideoError } from './errors.ts';
import type { Transport, TransportSink } from './transport.ts';

/** How long a child gets after SIGTERM before SIGKILL, ms. */
const KILL_GRACE_MS = 2_000;
/** Longest stderr line passed on, characters; ffmpeg can print very long lines. */
const MAX_LINE = 500;

/**
 * Runs `argv` (no shell: arguments reach the program verbatim) and streams its stdout to `sink`,
 * e.g. `ffmpeg -f v4l2 -i /dev/video0 -c:v mjpeg -f mpjpeg -`. The boundary is learnt from the
 * data. stderr is passed on line by line (ffmpeg's `\r` progress lines count as lines). The stream
 * closes with `process-exited` once the child has exited and its pipes are drained.
 */
export function openCommand(argv: readonly string[], sink: TransportSink): Transport {
  let done = false;
  const finish = (err: VideoError): void => {
    if (done) return;
    done = true;
    sink.onClose(err);
  };
  const [file, ...args] = argv;
  if (!file) {
    setImmediate(() => finish(videoError('bad-config', 'video command argv is empty')));
    return { close: () => void (done = true) };
  }
  const name = file.split('/').pop() ?? file;
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  child.on('spawn', () => {
    if (!done) sink.onOpen(undefined, `${name} (pid ${child.pid})`);
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (!done) sink.onData(chunk);
  });
  let partial = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    const lines = (partial + text).split(/\r\n|\r|\n/);
    partial = lines.pop()!.slice(0, MAX_LINE);
    for (const line of lines) if (line.trim() && !done) sink.log('stderr', `${name}: ${line.slice(0, MAX_LINE)}`);
  });
  child.on('error', (e) => finish(videoError('connect-failed', `${file}: ${e.message}`)));
  child.on('close', (code, signal) => {
    if (partial.trim() && !done) sink.log('stderr', `${name}: ${partial}`);
    finish(videoError('process-exited', `${name} exited with ${signal ? `signal ${signal}` : `code ${code}`}`));
  });

  return {
    close: () => {
      done = true;
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // A child that ignores SIGTERM must still go; unref'd so it never holds the bridge open.
      const force = setTimeout(
        () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'),
        KILL_GRACE_MS,
      );
      force.unref();
      child.once('exit', () => clearTimeout(force));
    },
  };
}
