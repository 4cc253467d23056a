// The audit-log table. knexus runs this file in the destination app's database as a plugin-owned
// migration (ledger namespace `plugin:audit-log`) and rolls it back when the plugin is unloaded with
// `purgeData`; in `database` mode the plugin runs `up` itself on its own database. knexus passes
// `{ plugin, appName }` as the second argument: the table is named by the plugin's `table` option.
// Plain JavaScript (typed by 001_audit_log.d.mts), so its ledger name is the same from src/ and from a build.

/** @param {{ plugin?: { table?: string } } | undefined} context */
const tableOf = (context) => context?.plugin?.table ?? 'knexus_audit_log';

/** Creates the table; one left by an earlier version of the plugin (which created it by hand) is adopted as is. */
export async function up(knex, context) {
  const table = tableOf(context);
  if (await knex.schema.hasTable(table)) return;
  await knex.schema.createTable(table, (t) => {
    t.increments('id').primary();
    // ISO 8601 text sorts in time order and reads the same on every dialect.
    t.string('occurred_at', 32).notNullable().index();
    t.string('app', 63).notNullable().index();
    t.string('operation', 32).notNullable();
    t.string('outcome', 16).notNullable();
    t.double('duration_ms').nullable();
    t.string('error_code', 64).nullable();
    t.text('error_message').nullable();
    t.text('details').nullable();
  });
}

/** Drops the table and every record in it. */
export async function down(knex, context) {
  await knex.schema.dropTableIfExists(tableOf(context));
}
