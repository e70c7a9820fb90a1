/**
 * A TCP proxy that delays every byte by DELAY_MS in each direction, order kept: the slow
 * viewer's round-trip time where the kernel has no sch_netem (tc-netem(8)). Run inside the
 * viewer's network namespace, on the viewer's side of the tbf bottleneck, so the bridge's own TCP
 * connection still meets the real bottleneck and its backpressure. Reading pauses while more than
 * 256 KiB wait, so the proxy never becomes a hidden buffer.
 * Usage: `tsx delay-proxy.ts <target host> <target port> <delay ms>`; prints `{"port":N}` (127.0.0.1).
 */
import net from 'node:net';

const [host, port, delay] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const MAX_WAITING = 256 * 1024;

function pipeDelayed(from: net.Socket, to: net.Socket): void {
  const queue: { due: number; chunk: Buffer }[] = [];
  let waiting = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const t = performance.now();
    while (queue.length && queue[0]!.due <= t) {
      const { chunk } = queue.shift()!;
      waiting -= chunk.length;
      to.write(chunk);
    }
    if (waiting <= MAX_WAITING && !to.writableNeedDrain) from.resume();
    if (queue.length) timer = setTimeout(flush, Math.max(0, queue[0]!.due - performance.now()));
  };
  from.on('data', (chunk: Buffer) => {
    queue.push({ due: performance.now() + delay, chunk });
    waiting += chunk.length;
    if (waiting > MAX_WAITING) from.pause();
    timer ??= setTimeout(flush, delay);
  });
  to.on('drain', () => waiting <= MAX_WAITING && from.resume());
  from.on('end', () => setTimeout(() => to.end(), delay));
}

const server = net.createServer((client) => {
  const upstream = net.connect(port, host);
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  pipeDelayed(client, upstream);
  pipeDelayed(upstream, client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as net.AddressInfo).port }));
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
