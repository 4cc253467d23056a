export async function seed(knex) {
  await knex('notes').insert([{ body: 'first note' }, { body: 'second note' }]);
}

export async function unseed(knex) {
  await knex('notes').del();
}
