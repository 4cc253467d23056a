/** A throw-away PostgreSQL or MariaDB database (and the MariaDB databases named after it) around one benchmark. */
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

/** Runs `work(name)` with a new database `<prefix>_<random>` on `client`'s server, dropped after. */
export async function withDatabase(client, work, prefix = 'knexus_bench') {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({
    client,
    connection: client === 'pg' ? { ...PG, database: 'postgres' } : { ...MARIADB },
    pool: { min: 0, max: 1 },
  });
  await admin.raw(client === 'pg' ? `create database "${name}"` : `create database \`${name}\``);
  try {
    return await work(name);
  } finally {
    if (client === 'pg') await admin.raw(`drop database if exists "${name}" with (force)`);
    else {
      // Tenants of a MariaDB bench are databases named after this one.
      const [rows] = await admin.raw('select schema_name as s from information_schema.schemata where schema_name like ?', [`${name}%`]);
      for (const { s } of rows) await admin.raw(`drop database if exists \`${s}\``);
    }
    await admin.destroy();
  }
}
