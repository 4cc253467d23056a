import type { Knex } from 'knex';

/** The demo authors; `unseed` removes exactly these, by email. */
export const AUTHORS = [
  { name: 'Ada Lovelace', email: 'ada@example.com', bio: 'Writes about engines, analytical and otherwise.' },
  { name: 'Grace Hopper', email: 'grace@example.com', bio: 'Debugging since 1947.' },
] as const;

export async function seed(knex: Knex): Promise<void> {
  await knex('authors').insert(AUTHORS.map((author) => ({ ...author })));
}

export async function unseed(knex: Knex): Promise<void> {
  await knex('authors')
    .whereIn(
      'email',
      AUTHORS.map((author) => author.email),
    )
    .delete();
}
