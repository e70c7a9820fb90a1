import net from 'node:net';

/**
 * A TCP proxy between the browser and the bridge that can cut the network: `cut()` resets every
 * connection and stops accepting, `restore()` accepts again on the same port. This is the Wi-Fi
 * drop a real user sees; the bridge itself keeps running and sees its client vanish.
 */
export async function startOutageProxy(
  targetPort: number | (() => number),
): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  // A function, so the proxy can listen before the bridge (which must be told the proxy's Host).
  const target = typeof targetPort === 'number' ? () => targetPort : targetPort;
  const sockets = new Set<net.Socket>();
  const makeServer = () =>
    net.createServer((client) => {
      const upstream = net.connect(target(), '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy()); // a reset on one side ends both; nothing to report
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  let server = makeServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const closeServer = () => new Promise<void>((r) => server.close(() => r()));
  return {
    port,
    cut: async () => {
      const closing = closeServer();
      for (const s of sockets) s.resetAndDestroy();
      await closing;
    },
    restore: async () => {
      server = makeServer();
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      if (server.listening) await closeServer();
    },
  };
}
