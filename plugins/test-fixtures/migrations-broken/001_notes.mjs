export async function up(knex) {
  await knex.schema.createTable('notes', (t) => {
    t.increments('id');
    t.string('body').notNullable();
  });
}

export async function down(knex) {
  await knex.schema.dropTable('notes');
}
