/**
 * Chaos across tenants on one small shared pool: victims read and write their canary through every way of
 * reaching a tenant's knex (plain, withUserParams, transactions, a transaction provider, raw, Objection),
 * while an attacker tenant leaves everything it can in the sessions it touches (temporary tables, search
 * paths and default databases pointing at a victim, prepared statements, variables, read-only and timeout
 * settings). No victim may ever see or write another tenant's rows.
 */
import { Model } from 'objection';
import { describe, expect, it } from 'vitest';
import type { AppHandle } from '../../src/index.js';
import { TENANT_MIGRATIONS, tenantSchema, useTenantDatabase } from '../support/tenants.js';
import { useRegistry } from '../support/use-registry.js';

const VICTIMS = 6;
const OPERATIONS = 240;

class Note extends Model {
  static override tableName = 'notes';
  declare body: string;
}

type Way = (app: AppHandle) => Promise<string[]>;

const rowsOf = (result: unknown): { body: string }[] => (Array.isArray(result) ? result[0] : (result as { rows: { body: string }[] }).rows);

const WAYS: Readonly<Record<string, Way>> = {
  plain: async (app) => app.knex('notes').pluck('body'),
  userParams: async (app) => app.knex.withUserParams({ request: Math.random() })('notes').pluck('body'),
  transaction: (app) => app.knex.transaction((trx) => trx('notes').pluck('body')),
  provider: async (app) => {
    const trx = await app.knex.transactionProvider()();
    try {
      return await trx('notes').pluck('body');
    } finally {
      await trx.commit();
    }
  },
  raw: async (app) => rowsOf(await app.knex.raw('select body from notes')).map((row) => row.body),
  queryBuilder: async (app) => app.knex.queryBuilder().from('notes').pluck('body'),
  model: async (app) => (await Note.query(app.knex.withUserParams({}))).map((note) => note.body),
  withTransaction: (app) => app.withTransaction((trx) => trx('notes').pluck('body')),
};

/** Something the attacker leaves in its session that would show a victim the attacker's or another victim's rows. */
function attacks(dialect: 'pg' | 'mariadb', victimSchema: string): ((app: AppHandle) => Promise<unknown>)[] {
  if (dialect === 'pg') {
    return [
      async (app) => {
        await app.knex.raw('create temp table if not exists notes (id serial, body text)');
        await app.knex.raw("insert into notes (body) values ('attacker-temp')");
      },
      (app) => app.knex.raw(`set search_path to "${victimSchema}"`),
      (app) => app.knex.raw("set statement_timeout = '1ms'"),
      (app) => app.knex.raw('set default_transaction_read_only = on'),
      (app) => app.knex.raw('prepare attacker_stmt as select 1'),
    ];
  }
  return [
    (app) => app.knex.raw(`use \`${victimSchema}\``),
    (app) => app.knex.raw("set @attacker = 'x'"),
    (app) => app.knex.raw('set session transaction read only'),
    async (app) => {
      await app.knex.raw('create temporary table if not exists notes (id int auto_increment primary key, body varchar(64))');
      await app.knex.raw("insert into notes (body) values ('attacker-temp')");
    },
    (app) => app.knex.raw('prepare attacker_stmt from ?', [`select body from \`${victimSchema}\`.notes`]),
  ];
}

describe.each(['pg', 'mariadb'] as const)('canary rows never cross tenants (%s)', (dialect) => {
  const db = useTenantDatabase(dialect);
  const createRegistry = useRegistry();

  it(`${OPERATIONS} mixed operations of ${VICTIMS} victims and an attacker on a pool of 3: 0 crossings`, async () => {
    const registry = createRegistry();
    await registry.registerApp('main', { database: db.config({ pool: { max: 3 } }), reusable: true });
    const victims: { name: string; schema: string; app: AppHandle }[] = [];
    for (let i = 0; i < VICTIMS; i++) {
      const schema = tenantSchema(db, `cv${i}`);
      const app = await registry.registerApp(`victim${i}`, { useConnection: 'main', schema, migrations: TENANT_MIGRATIONS });
      await app.knex('notes').insert({ body: `canary-${i}` });
      victims.push({ name: `victim${i}`, schema, app });
    }
    const attacker = await registry.registerApp('attacker', {
      useConnection: 'main',
      schema: tenantSchema(db, 'cx'),
      migrations: TENANT_MIGRATIONS,
    });

    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const crossings: string[] = [];
    const ways = Object.keys(WAYS);
    const operations = Array.from({ length: OPERATIONS }, (_, i) => {
      const victim = victims[random(VICTIMS)]!;
      if (i % 4 === 0) {
        const list = attacks(dialect, victims[random(VICTIMS)]!.schema);
        // Attacks may fail (read-only, timeouts they set themselves): only what victims see counts.
        return () => list[random(list.length)]!(attacker).catch(() => undefined);
      }
      if (i % 4 === 1) {
        const index = victims.indexOf(victim);
        return async () => {
          await victim.app.knex('notes').insert({ body: `write-${index}` });
        };
      }
      const way = ways[random(ways.length)]!;
      return async () => {
        const index = victims.indexOf(victim);
        const bodies = await WAYS[way]!(victim.app);
        for (const body of bodies)
          if (body !== `canary-${index}` && body !== `write-${index}`) crossings.push(`${victim.name} via ${way} saw ${body}`);
      };
    });
    // Eight at a time, so connections keep moving between tenants.
    for (let i = 0; i < operations.length; i += 8) await Promise.all(operations.slice(i, i + 8).map((run) => run()));

    expect(crossings).toEqual([]);
    // The database agrees: each victim's schema holds only its own rows.
    for (const [index, victim] of victims.entries()) {
      const bodies = (await db.knex.withSchema(victim.schema).from('notes').pluck('body')) as string[];
      expect(bodies.filter((body) => !body.endsWith(`-${index}`))).toEqual([]);
      expect(bodies).toContain(`canary-${index}`);
    }
  });
});
