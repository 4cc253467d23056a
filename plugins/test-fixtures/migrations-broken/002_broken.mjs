export async function up(knex) {
  await knex.raw('this is not sql');
}

export async function down() {}
