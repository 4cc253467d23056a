import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts `server` on `port`/`host` and resolves with its address (the real port when 0 was asked);
 * rejects when the address is taken. Errors the server reports after it listens go to `onError`:
 * without a listener an 'error' (e.g. accept EMFILE) would be thrown and crash the process.
 */
export function listen(server: Server, port: number, host: string | undefined, onError: (error: Error) => void): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Closes `server`, dropping idle keep-alive connections, and resolves once it is closed. */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/** `http://<host>:<port>` of a listening address, an IPv6 host in brackets. */
export function serverOrigin(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
