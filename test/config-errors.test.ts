import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject, runCli, runJson } from './fixtures/cli/run-cli.js';

const SQLITE = `{ client: 'better-sqlite3', connection: { filename: './app.sqlite' } }`;
const PASSWORD = 'Url-Pa55word-7f3a';

describe('registry.config.ts errors (exit 2, naming the file, the field and what is expected)', () => {
  let project: ReturnType<typeof makeProject>;
  let file: string;
  beforeEach(() => {
    project = makeProject(undefined);
    file = join(project.dir, 'registry.config.ts');
  });
  afterEach(() => project.cleanup());

  const cases: {
    name: string;
    source: string;
    code: string;
    field?: string;
    message: RegExp;
    spawn?: boolean;
    files?: Record<string, string>;
  }[] = [
    {
      name: 'an unknown top-level key',
      source: `export default { appz: {} };`,
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'appz',
      message: /not a known top-level key \(expected one of: registry, pluginManager, plugins, apps, tenants\)/,
    },
    {
      name: 'apps that is not an object of objects',
      source: `export default { apps: { blog: 'sqlite' } };`,
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'apps.blog',
      message: /must be an object/,
    },
    {
      name: 'an invalid app field, reported by registerApp validation',
      source: `export default { apps: { blog: { database: ${SQLITE}, migrations: { directory: 42 } } } };`,
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'apps.blog.migrations.directory',
      message: /must be a folder path/,
    },
    {
      name: 'an unknown client',
      source: `export default { apps: { blog: { database: { client: 'oracle', connection: 'x' } } } };`,
      code: 'KNEXUS_ERR_UNKNOWN_CLIENT',
      field: 'apps.blog.database.client',
      message: /use one of better-sqlite3, pg, mysql2/,
    },
    {
      name: 'useConnection naming an app listed later',
      source: `export default { apps: { a: { useConnection: 'b' }, b: { database: ${SQLITE}, reusable: true } } };`,
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'apps.a.useConnection',
      message: /must be an app listed before 'a'/,
    },
    {
      name: 'a regular file given as migrations.directory',
      source: `export default { apps: { blog: { database: ${SQLITE}, migrations: { directory: './notes.txt' } } } };`,
      files: { 'notes.txt': 'not a folder' },
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'apps.blog.migrations.directory',
      message: /is a file, not a folder/,
    },
    {
      name: 'a malformed PostgreSQL URL (its password never echoed)',
      source: `export default { apps: { blog: { database: { client: 'pg', connection: 'postgres://app:${PASSWORD}@127.0.0.1:54x2/db' } } } };`,
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'apps.blog.database.connection',
      message: /not a valid connection URL/,
    },
    {
      name: 'a malformed connectionString',
      source: `export default { apps: { blog: { database: { client: 'pg', connection: { connectionString: 'postgresql://app:${PASSWORD}@[127.0.0.1/db' } } } } };`,
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'apps.blog.database.connection.connectionString',
      message: /not a valid connection URL/,
    },
    {
      name: 'a bad registry setting',
      source: `export default { registry: { shutdownTimeout: -1 } };`,
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      field: 'registry.shutdownTimeout',
      message: /non-negative number/,
    },
    // The message quotes the TypeScript loader, so this case runs the built bin (plain Node and its loader, as users run it).
    {
      name: 'a syntax error',
      source: `export default {\n  apps: {\n`,
      code: 'KNEXUS_ERR_CONFIG_LOAD',
      message: /Could not load .*registry\.config\.ts: .*registry\.config\.ts:\d+/,
      spawn: true,
    },
    {
      name: 'a missing default export',
      source: `export const apps = {};`,
      code: 'KNEXUS_ERR_CONFIG_LOAD',
      field: 'default export',
      message: /has no default export/,
    },
  ];

  // Each case has its own project, so they can run side by side.
  it.concurrent.for(cases)('$name', async ({ source, code, field, message, spawn, files }, { expect }) => {
    const own = makeProject(undefined, { 'registry.config.ts': source, ...files });
    try {
      const run = await runJson(['status'], { cwd: own.dir, spawn: spawn === true });
      expect(run.code).toBe(2);
      expect(run.json['ok']).toBe(false);
      expect(run.json['error'].code).toBe(code);
      expect(run.json['error'].configFile).toBe(join(own.dir, 'registry.config.ts'));
      if (field !== undefined) expect(run.json['error'].field).toBe(field);
      expect(run.json['error'].message).toMatch(message);
      expect(run.json['error'].hint).toEqual(expect.any(String));
      expect(JSON.stringify(run.json)).not.toContain(PASSWORD);
    } finally {
      own.cleanup();
    }
  });

  it('prints the code, the message with the file name, and a hint, without a stack', async () => {
    writeFileSync(file, `export default { apps: { blog: { database: ${SQLITE}, seeds: { directory: './seeds', drift: 'panic' } } } };`);
    const run = await runCli(['up', '--once'], { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const [first, ...rest] = run.stderr.trimEnd().split('\n');
    expect(first).toBe(
      `error KNEXUS_ERR_INVALID_CONFIG: ${file}: Invalid config for app 'blog': 'seeds.drift' must be one of error, warn, ignore`,
    );
    expect(rest).toEqual(['  where: field apps.blog.seeds.drift', expect.stringMatching(/^ {2}hint: /)]);
  });

  it('finds the nearest config walking up from the working directory, or the one --config names', async () => {
    writeFileSync(file, `export default { apps: { top: { database: ${SQLITE} } } };`);
    mkdirSync(join(project.dir, 'deep', 'er'), { recursive: true });
    const nested = await runJson(['status'], { cwd: join(project.dir, 'deep', 'er') });
    expect(nested.code).toBe(0);
    expect(nested.json['configFile']).toBe(file);
    // Relative paths resolve against the config file's folder, not the working directory.
    expect(nested.json['apps']['top'].connection.filename).toBe(join(project.dir, 'app.sqlite'));

    mkdirSync(join(project.dir, 'conf'));
    writeFileSync(join(project.dir, 'conf', 'other.config.mjs'), `export default { apps: { other: { database: ${SQLITE} } } };`);
    const explicit = await runJson(['status', '--config', 'conf/other.config.mjs'], { cwd: project.dir });
    expect(explicit.code).toBe(0);
    expect(Object.keys(explicit.json['apps'])).toEqual(['other']);
    expect(explicit.json['apps']['other'].connection.filename).toBe(join(project.dir, 'conf', 'app.sqlite'));
  });

  it('says so when there is no config file (exit 2)', async () => {
    const run = await runJson(['status'], { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.json['error'].code).toBe('KNEXUS_ERR_CONFIG_NOT_FOUND');
  });
});
