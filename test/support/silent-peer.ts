// Real TCP peers for dead-broker tests: one that accepts connections, reads
// what it is sent and never writes a byte (a hung broker), and a port that
// nothing listens on (a stopped one).

import net from 'node:net';

export interface SilentPeer {
  /** "127.0.0.1:PORT" */
  address: string;
  /** Connections currently open to it. */
  open(): number;
  /** Connections it has accepted since it started. */
  accepted(): number;
  stop(): Promise<void>;
}

export async function startSilentPeer(): Promise<SilentPeer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    open: () => sockets.size,
    accepted: () => accepted,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** "127.0.0.1:PORT" of a port that was just free: connecting to it is refused. */
export async function closedPort(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}
