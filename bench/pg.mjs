/** A throw-away PostgreSQL database for one benchmark; `null` (with a message) when the server is unreachable. */
import knexFactory from 'knex';

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };

export async function freshPgDatabase(label) {
  const admin = knexFactory({ client: 'pg', connection: { ...PG, database: 'postgres' }, pool: { min: 0, max: 1 } });
  try {
    await admin.raw('select 1');
  } catch {
    await admin.destroy();
    if (process.env.CI === 'true') throw new Error('PostgreSQL at 127.0.0.1:5432 is unreachable, and CI requires it');
    console.log(`PostgreSQL at 127.0.0.1:5432 is unreachable: ${label} skipped`);
    return null;
  }
  const name = `knexus_bench_${label}_${process.pid}`;
  await admin.raw(`create database "${name}"`);
  return {
    name,
    connection: { ...PG, database: name },
    async drop() {
      await admin.raw(`drop database if exists "${name}" with (force)`);
      await admin.destroy();
    },
  };
}
