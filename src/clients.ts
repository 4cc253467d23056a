/** Database clients knexus drives; each is loaded only when an app uses it. */
export const CLIENTS = ['better-sqlite3', 'pg', 'mysql2'] as const;
/** A database client name. */
export type ClientName = (typeof CLIENTS)[number];

/** Other names users write for the same clients; normalized on validation. */
export const CLIENT_ALIASES: Readonly<Record<string, ClientName>> = Object.freeze({
  'better-sqlite3': 'better-sqlite3',
  sqlite: 'better-sqlite3',
  sqlite3: 'better-sqlite3',
  pg: 'pg',
  postgres: 'pg',
  postgresql: 'pg',
  mysql2: 'mysql2',
  mysql: 'mysql2',
  mariadb: 'mysql2',
});
