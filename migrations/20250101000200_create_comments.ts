import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('comments', (table) => {
    table.increments('id');
    table.integer('post_id').unsigned().notNullable().references('id').inTable('posts').onDelete('CASCADE');
    // Comments may come from readers without an account, so the author is optional.
    table.integer('author_id').unsigned().nullable().references('id').inTable('authors').onDelete('SET NULL');
    table.string('author_name', 120).notNullable();
    table.text('body').notNullable();
    table.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
    // A post's comments are always listed oldest first.
    table.index(['post_id', 'created_at'], 'comments_post_created_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('comments');
}
