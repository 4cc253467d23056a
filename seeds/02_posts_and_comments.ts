import type { Knex } from 'knex';

const POSTS = [
  {
    email: 'ada@example.com',
    title: 'Notes on the Analytical Engine',
    slug: 'notes-on-the-analytical-engine',
    body: 'The engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.',
    comments: [{ author_name: 'Charles', body: 'Beautifully put.' }],
  },
  {
    email: 'grace@example.com',
    title: 'The first actual bug',
    slug: 'the-first-actual-bug',
    body: 'Relay #70, panel F: a moth. First actual case of bug being found.',
    comments: [
      { author_name: 'Ada Lovelace', body: 'Was the moth reversible?', authorEmail: 'ada@example.com' },
      { author_name: 'Howard', body: 'Taped into the logbook, for posterity.' },
    ],
  },
] as const;

export async function seed(knex: Knex): Promise<void> {
  const authors: { id: number; email: string }[] = await knex('authors').select('id', 'email');
  const idOf = (email: string): number => {
    const author = authors.find((a) => a.email === email);
    if (author === undefined) throw new Error(`Seed 01_authors.ts must run first: no author ${email}`);
    return author.id;
  };
  const now = new Date();
  for (const post of POSTS) {
    await knex('posts').insert({ author_id: idOf(post.email), title: post.title, slug: post.slug, body: post.body, published_at: now });
    // Looked up by its unique slug rather than `returning`, which SQLite, PostgreSQL and MySQL treat differently.
    const { id } = (await knex('posts').where({ slug: post.slug }).first('id')) as { id: number };
    await knex('comments').insert(
      post.comments.map((comment) => ({
        post_id: id,
        author_id: 'authorEmail' in comment ? idOf(comment.authorEmail) : null,
        author_name: comment.author_name,
        body: comment.body,
      })),
    );
  }
}

export async function unseed(knex: Knex): Promise<void> {
  // Comments go with their posts (ON DELETE CASCADE), but deleting them first keeps this correct without FK enforcement.
  const slugs = POSTS.map((post) => post.slug);
  await knex('comments').whereIn('post_id', knex('posts').select('id').whereIn('slug', slugs)).delete();
  await knex('posts').whereIn('slug', slugs).delete();
}
