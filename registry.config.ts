/**
 * The demo: one app, `blog` (authors, posts, comments), run by `npm start` (`knexus up`).
 *
 * Relative paths resolve against this file's folder. By default the blog lives in ./data/blog.sqlite
 * (the folder is created on start); set DATABASE_URL to use PostgreSQL (`postgres://…`) or MySQL/MariaDB
 * (`mysql://…`) instead. The URL is never printed: reports show host, port, database and user only.
 */
import { Model } from 'objection';
// 'knexus' resolves to this package's own build (dist/), exactly as it does in a project that installed it.
import { defineConfig, type DatabaseConfig } from 'knexus';

// Objection classes rather than plain `{ tableName, relationMappings }` definitions: they refer to each
// other directly, and knexus binds a copy of each (with its relations) to the blog's connection.
class Author extends Model {
  static override tableName = 'authors';
  static override get relationMappings() {
    return { posts: { relation: Model.HasManyRelation, modelClass: Post, join: { from: 'authors.id', to: 'posts.author_id' } } };
  }
}

class Post extends Model {
  static override tableName = 'posts';
  static override get relationMappings() {
    return {
      author: { relation: Model.BelongsToOneRelation, modelClass: Author, join: { from: 'posts.author_id', to: 'authors.id' } },
      comments: { relation: Model.HasManyRelation, modelClass: Comment, join: { from: 'posts.id', to: 'comments.post_id' } },
    };
  }
}

class Comment extends Model {
  static override tableName = 'comments';
  static override get relationMappings() {
    return { post: { relation: Model.BelongsToOneRelation, modelClass: Post, join: { from: 'comments.post_id', to: 'posts.id' } } };
  }
}

function blogDatabase(url: string | undefined): DatabaseConfig {
  if (url === undefined || url === '') return { client: 'better-sqlite3', connection: { filename: './data/blog.sqlite' } };
  const client = /^mysql|^mariadb/i.test(url) ? 'mysql2' : 'pg';
  return { client, connection: url, pool: { min: 0, max: 5 } };
}

export default defineConfig({
  registry: {
    shutdownTimeout: 10_000,
    healthCheckInterval: 30_000,
  },

  // Plugin manager options; the defaults (30 s load timeout, 5 s hook timeout, 3 loading at once) suit the demo.
  pluginManager: {},

  // ─── Plugins ───────────────────────────────────────────────────────────────────────────────────
  // The first-party plugins, loaded at start-up (each folder's README lists its options).
  // METRICS_PORT moves the HTTP endpoint (0 picks a free port; `off` disables it).
  plugins: {
    'audit-log': { enabled: true, module: 'knexus/plugins/audit-log', config: { file: './data/audit.jsonl' } },
    'query-monitor': { enabled: true, module: 'knexus/plugins/query-monitor', config: { slowQueryMs: 500 } },
    'metrics-http': {
      enabled: process.env['METRICS_PORT'] !== 'off',
      module: 'knexus/plugins/metrics-http',
      config: { host: '127.0.0.1', port: Number(process.env['METRICS_PORT'] ?? 9464) },
    },
    backup: { enabled: true, module: 'knexus/plugins/backup', config: { directory: './data/backups', keep: 5 } },
  },

  apps: {
    blog: {
      database: blogDatabase(process.env['DATABASE_URL']),
      migrations: { directory: './migrations' },
      seeds: { directory: './seeds' },
      models: { definitions: { Author, Post, Comment } },
    },
  },
});
