import type { ClientName } from '../clients.js';
import type { PoolerMode } from '../dialects/dialect-of.js';

/** Where an app's connection points, with secrets removed. Safe to log and print. */
export interface ConnectionTarget {
  readonly client: ClientName;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly filename?: string;
  readonly schema?: string;
  /** The pooler in front of the server (`database.pooler`), when one was declared. */
  readonly pooler?: PoolerMode;
}

/** Describes where a connection points without any secret: no password, no connection string. */
export function describeTarget(client: ClientName, connection: unknown, schema?: string, pooler?: PoolerMode): ConnectionTarget {
  const target: { -readonly [K in keyof ConnectionTarget]: ConnectionTarget[K] } = { client };
  if (schema !== undefined) target.schema = schema;
  if (pooler !== undefined) target.pooler = pooler;
  if (typeof connection === 'string') {
    const url = parseUrl(connection);
    if (url === null) return target;
    if (url.hostname) target.host = url.hostname;
    if (url.port) target.port = Number(url.port);
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (database) target.database = database;
    if (url.username) target.user = decodeURIComponent(url.username);
    return target;
  }
  if (connection !== null && typeof connection === 'object') {
    const c = connection as Record<string, unknown>;
    if (typeof c['filename'] === 'string') target.filename = c['filename'];
    if (typeof c['host'] === 'string') target.host = c['host'];
    if (typeof c['port'] === 'number' || typeof c['port'] === 'string') target.port = Number(c['port']);
    if (typeof c['database'] === 'string') target.database = c['database'];
    if (typeof c['user'] === 'string') target.user = c['user'];
    if (typeof c['connectionString'] === 'string') return { ...describeTarget(client, c['connectionString'], schema, pooler), ...target };
  }
  return target;
}

/** The secrets inside connection configs (an app's `connection` and `directConnection`): passwords and whole connection strings. */
export function collectSecrets(...connections: readonly unknown[]): string[] {
  const secrets: string[] = [];
  for (const connection of connections) addSecrets(connection, secrets);
  // Very short secrets would scrub ordinary words out of messages; a 1-3 char password is not worth that.
  return [...new Set(secrets.filter((s) => s.length >= 4))];
}

function addSecrets(connection: unknown, secrets: string[]): void {
  const addUrl = (text: string) => {
    const url = parseUrl(text);
    if (url === null) return;
    secrets.push(text);
    if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
  };
  if (typeof connection === 'string') addUrl(connection);
  else if (connection !== null && typeof connection === 'object') {
    const c = connection as Record<string, unknown>;
    if (typeof c['password'] === 'string') secrets.push(c['password']);
    if (typeof c['connectionString'] === 'string') addUrl(c['connectionString']);
  }
}

function parseUrl(text: string): URL | null {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return null;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
