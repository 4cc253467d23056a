import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('posts', (table) => {
    table.increments('id');
    // Deleting an author deletes their posts (and, through posts, their comments).
    table.integer('author_id').unsigned().notNullable().references('id').inTable('authors').onDelete('CASCADE');
    table.string('title', 200).notNullable();
    table.string('slug', 200).notNullable().unique();
    table.text('body').notNullable();
    table.timestamp('published_at').nullable();
    table.timestamps(true, true);
    // "An author's latest posts" is the hot query: author first, then publication date.
    table.index(['author_id', 'published_at'], 'posts_author_published_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('posts');
}
