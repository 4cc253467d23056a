import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeProject, runJson, spawnCli, useProject } from './fixtures/cli/run-cli.js';
import { PG, createPgDatabase, serverAvailable } from './support/databases.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// Several processes that each load a TypeScript config, migrations and four plugins: ~3 s on a quiet machine, far more on a loaded one.
const SPAWNS_TIMEOUT = 90_000;

// The repository's own registry.config.ts, with the blog moved to a temp SQLite file (unless
// DATABASE_URL picks PostgreSQL) so the test never touches ./data; migrations, seeds and models are the demo's own.
const WRAPPER = `import demo from ${JSON.stringify(join(root, 'registry.config.ts'))};
const blog = demo.apps.blog;
export default {
  ...demo,
  apps: {
    blog: {
      ...blog,
      database: process.env.DATABASE_URL ? blog.database : { client: 'better-sqlite3', connection: { filename: './data/blog.sqlite' } },
      migrations: { directory: ${JSON.stringify(join(root, 'migrations'))} },
      seeds: { directory: ${JSON.stringify(join(root, 'seeds'))} },
    },
  },
};`;

// The demo runs as `npm start` runs it: the built bin in a process of its own (the smoke test of the bin).
describe('the demo app (registry.config.ts, migrations/, seeds/)', () => {
  const project = useProject(undefined, { 'registry.config.ts': WRAPPER });

  it('up --once creates data/, migrates, seeds and binds the models; a second run applies nothing', {
    timeout: SPAWNS_TIMEOUT,
  }, async () => {
    const first = await runJson(['up', '--once'], { cwd: project.dir, spawn: true });
    expect(first.code).toBe(0);
    const blog = first.json['apps']['blog'];
    expect(blog.state).toBe('ready');
    expect(blog.migrations.appliedNow).toEqual([
      '20250101000000_create_authors.ts',
      '20250101000100_create_posts.ts',
      '20250101000200_create_comments.ts',
    ]);
    expect(blog.seeds.appliedNow).toEqual(['01_authors.ts', '02_posts_and_comments.ts']);
    expect(blog.models).toEqual(['Author', 'Post', 'Comment']);
    // What the blog holds after its seeds.
    expect(blog.rows).toEqual({ Author: 2, Post: 2, Comment: 3 });
    expect(blog.health.status).toBe('healthy');
    expect(blog.connection.filename).toBe(join(project.dir, 'data', 'blog.sqlite'));
    const plugins = first.json['plugins'] as Record<string, { state: string; error: unknown }>;
    expect(Object.entries(plugins).map(([name, p]) => [name, p.state, p.error])).toEqual([
      ['audit-log', 'loaded', null],
      ['query-monitor', 'loaded', null],
      ['metrics-http', 'loaded', null],
      ['backup', 'loaded', null],
    ]);

    // The report says where the metrics endpoint listens (a free port here: METRICS_PORT=0).
    expect((plugins['metrics-http'] as { url?: string }).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const second = await spawnCli(['up', '--once'], { cwd: project.dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/serving\s+http:\/\/127\.0\.0\.1:\d+\/metrics, \/healthz, \/readyz/);
    expect(second.stdout).toMatch(/migrations\s+3 applied, 0 pending/);
    expect(second.stdout).toMatch(/seeds\s+2 applied, 0 pending/);
    expect(second.stdout).toMatch(/data\s+Author 2 rows, Post 2 rows, Comment 3 rows/);

    // Everything the demo applied can be undone.
    const down = await runJson(['down', 'blog', '--yes'], { cwd: project.dir, spawn: true });
    expect(down.code).toBe(0);
    expect(down.json['apps']['blog'].result.migrations.rolledBack).toHaveLength(3);
    expect(down.json['apps']['blog'].result.seeds.rolledBack).toEqual(['02_posts_and_comments.ts', '01_authors.ts']);
  });
});

describe('the demo app on PostgreSQL (DATABASE_URL)', () => {
  it('runs against the database in DATABASE_URL and never prints the URL', { timeout: SPAWNS_TIMEOUT }, async (t) => {
    if (!(await serverAvailable('pg'))) return t.skip(); // no server outside CI (in CI serverAvailable throws instead)
    const db = await createPgDatabase();
    const project = makeProject(undefined, { 'registry.config.ts': WRAPPER });
    try {
      // The server trusts local connections, so the password is never checked, only kept out of the output.
      const password = 'not-a-real-secret-9f2c';
      const env = { DATABASE_URL: `postgres://${PG.user}:${password}@${PG.host}:${PG.port}/${db.name}` };
      const up = await runJson(['up', '--once'], { cwd: project.dir, env, spawn: true });
      expect(up.code).toBe(0);
      const blog = up.json['apps']['blog'];
      expect(blog.connection).toEqual({ client: 'pg', host: PG.host, port: PG.port, database: db.name, user: PG.user });
      expect(blog.migrations.appliedNow).toHaveLength(3);
      expect(up.stdout + up.stderr).not.toContain(password);
      const authors = await db.knex('authors').count<{ count: string }[]>('* as count');
      expect(Number(authors[0]?.count)).toBe(2);

      const down = await spawnCli(['down', 'blog', '--yes', '--verbose'], { cwd: project.dir, env });
      expect(down.code).toBe(0);
      expect(down.stdout + down.stderr).not.toContain(password);
    } finally {
      project.cleanup();
      await db.drop();
    }
  });
});
