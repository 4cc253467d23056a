import type { Knex } from 'knex';

/**
 * Keeps knex's own ledger (`knex_migrations` and its `_lock` table) in step with what knexus applies
 * and rolls back (`migrations.knexLedger: 'mirror'`), so scripts that still run `knex migrate:latest`
 * find nothing to do during a migration period. Each write runs in the same transaction as the
 * knexus ledger's, with the shapes knex itself creates.
 */
export class KnexLedgerMirror {
  readonly #table: string;
  readonly #schema: string | undefined;

  constructor(options: { readonly tableName: string; readonly schema: string | undefined }) {
    this.#table = options.tableName;
    this.#schema = options.schema;
  }

  /** Creates knex's ledger and lock tables as knex would, when they are missing. */
  async ensure(db: Knex): Promise<void> {
    const schema = () => (this.#schema === undefined ? db.schema : db.schema.withSchema(this.#schema));
    if (!(await schema().hasTable(this.#table))) {
      await schema().createTable(this.#table, (t) => {
        t.increments('id').primary();
        t.string('name');
        t.integer('batch');
        t.timestamp('migration_time');
      });
    }
    const lock = `${this.#table}_lock`;
    if (!(await schema().hasTable(lock))) {
      await schema().createTable(lock, (t) => {
        t.increments('index').primary();
        t.integer('is_locked');
      });
      await this.#query(db, lock).insert({ is_locked: 0 });
    }
  }

  /** Creates the tables if needed and records every applied row knex does not list yet (the mode was just turned on). */
  async sync(db: Knex, applied: readonly { readonly name: string; readonly batch: number }[]): Promise<void> {
    await this.ensure(db);
    const listed = new Set((await this.#query(db, this.#table).select('name')).map((row: { name: string }) => row.name));
    for (const row of applied) if (row.batch > 0 && !listed.has(row.name)) await this.record(db, row.name, row.batch);
  }

  /** Records `name` as applied in `batch`, unless knex already lists it. */
  async record(db: Knex, name: string, batch: number): Promise<void> {
    const known = await this.#query(db, this.#table).where({ name }).first('id');
    if (known === undefined) await this.#query(db, this.#table).insert({ name, batch, migration_time: new Date() });
  }

  /** Forgets a rolled-back `name`. */
  async forget(db: Knex, name: string): Promise<void> {
    await this.#query(db, this.#table).where({ name }).delete();
  }

  #query(db: Knex, table: string): Knex.QueryBuilder {
    return this.#schema === undefined ? db(table) : db.withSchema(this.#schema).table(table);
  }
}
