import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';

const basic = fileURLToPath(new URL('./fixtures/migrations-basic', import.meta.url));

describe('symbolic links in a migrations folder', () => {
  let dir: string;
  let migrations: string;
  let registry: AppRegistry;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knexus-links-'));
    migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    copyFileSync(join(basic, '001_users.mjs'), join(migrations, '001_users.mjs'));
    registry = new AppRegistry({ baseDir: dir });
  });
  afterEach(async () => {
    await registry.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  const register = () =>
    registry.registerApp('linked', {
      database: { client: 'better-sqlite3', connection: './app.sqlite' },
      migrations: { directory: './migrations' },
    });

  const cases: { name: string; make: () => void; problem: RegExp }[] = [
    {
      name: 'a .mjs link to a directory',
      make: () => symlinkSync(join(dir, 'elsewhere'), join(migrations, '002_folder.mjs')),
      problem: /directory/,
    },
    {
      name: 'a link loop',
      make: () => symlinkSync(join(migrations, '002_folder.mjs'), join(migrations, '002_folder.mjs')),
      problem: /ELOOP/,
    },
    {
      name: 'a dangling link',
      make: () => symlinkSync(join(dir, 'gone.mjs'), join(migrations, '002_folder.mjs')),
      problem: /does not exist/,
    },
  ];
  it.each(cases)('$name is a coded error naming the file, found before anything runs', async ({ make, problem }) => {
    mkdirSync(join(dir, 'elsewhere'));
    make();
    const error = await register().catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      code: 'KNEXUS_ERR_INVALID_CONFIG',
      appName: 'linked',
      file: '002_folder.mjs',
      field: 'migrations.directory',
      resolvedPath: join(migrations, '002_folder.mjs'),
    });
    expect((error as Error).message).toMatch(problem);
    // Not even the first, valid file ran: the folder is checked before the database is opened.
    expect(existsSync(join(dir, 'app.sqlite'))).toBe(false);
  });

  it('a link to a file is an ordinary migration', async () => {
    symlinkSync(join(basic, '002_posts.mjs'), join(migrations, '002_posts.mjs'));
    const app = await register();
    expect(await app.migrationStatus()).toMatchObject({ applied: [{ name: '001_users.mjs' }, { name: '002_posts.mjs' }], pending: [] });
  });
});
