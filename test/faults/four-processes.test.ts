import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnChild } from '../fixtures/migrations-child/spawn-child.js';
import { DIALECTS } from '../support/databases.js';
import { useDatabase } from '../support/use-database.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const files = (name: string) =>
  readdirSync(fixture(name))
    .filter((file) => /\.(mjs|js|cjs|ts)$/.test(file))
    .sort();

describe.each(DIALECTS)('four processes registering one app at once (%s)', (dialect) => {
  const db = useDatabase(dialect);

  it('every migration and seed runs exactly once, no process fails, no lock or dirty row is left', async () => {
    const config = {
      database: db.config(),
      migrations: { directory: fixture('migrations-concurrency'), lockTimeout: 30_000 },
      seeds: { directory: fixture('seeds-concurrency') },
    };
    const children = Array.from({ length: 4 }, () => spawnChild('crowd', config));
    onTestFinished(() => {
      for (const child of children) child.kill('SIGKILL');
    });
    await Promise.all(children.map((child) => child.ready));
    for (const child of children) child.start();
    const results = await Promise.all(children.map((child) => child.done));

    expect(results.map((r) => [r.exitCode, r.outcome?.ok, r.outcome?.message])).toEqual(
      Array.from({ length: 4 }, () => [0, true, undefined]),
    );
    const applied = results.flatMap((r) => r.outcome?.migrations?.applied ?? []).sort();
    const seeded = results.flatMap((r) => r.outcome?.seeds?.applied ?? []).sort();
    expect(applied).toEqual(files('migrations-concurrency'));
    expect(seeded).toEqual(files('seeds-concurrency'));
    const migrations = (await db.knex('knexus_migrations').where({ app: 'crowd' }).select('name', 'batch')) as {
      name: string;
      batch: number;
    }[];
    expect(migrations.map((row) => row.name).sort()).toEqual(files('migrations-concurrency'));
    expect(migrations.every((row) => Number(row.batch) > 0)).toBe(true);
    const [{ n }] = (await db.knex('knexus_seeds').where({ app: 'crowd' }).count({ n: '*' })) as [{ n: number | string }];
    expect(Number(n)).toBe(files('seeds-concurrency').length);
  });
});
