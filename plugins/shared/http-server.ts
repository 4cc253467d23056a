import type { Server } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';

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

/**
 * True when a request's `Host` header names this server: an IP address (a browser never sends one for a
 * page from a domain), `localhost` or a `*.localhost` name (browsers keep those on this machine), the host the
 * server was told to listen on, or one of `allowedHosts` (`'.example.com'` also allows its subdomains, `'*'`
 * allows any). Anything else may be a page from another site reaching this server through a domain it made
 * resolve to this machine (DNS rebinding), and is refused. A request without a `Host` header is no browser's.
 */
export function isAllowedHost(hostHeader: string | undefined, listenHost: string | undefined, allowedHosts: readonly string[]): boolean {
  if (hostHeader === undefined || allowedHosts.includes('*')) return true;
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return /^\[[0-9a-f:.]+\](?::\d*)?$/.test(host);
  const name = host.replace(/:\d*$/, '').replace(/\.$/, '');
  if (name === '') return false;
  if (isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return true;
  if (listenHost !== undefined && name === listenHost.toLowerCase()) return true;
  return allowedHosts.some((allowed) => {
    const entry = allowed.toLowerCase();
    return entry.startsWith('.') ? name.endsWith(entry) || name === entry.slice(1) : name === entry;
  });
}

/** The answer to a request whose `Host` is not this server's (see `isAllowedHost`): 421, saying which option fixes it. */
export const MISDIRECTED_BODY = JSON.stringify({
  error:
    "this server answers only requests addressed to it (its listen host, localhost or an IP address); add the host name to the plugin's allowedHosts option",
});

/** True when `value` is a list of host names for an `allowedHosts` option. */
export function isHostList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string' && /^(\*|\.?[A-Za-z0-9_.-]+)$/.test(entry));
}
