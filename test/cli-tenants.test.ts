import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PG } from './support/databases.js';
import { runMainJson } from './support/run-main.js';
import { TENANT_MIGRATIONS, tablesIn, useTenantDatabase } from './support/tenants.js';

const NEXT = fileURLToPath(new URL('./fixtures/tenancy/migrations-next', import.meta.url));

describe('knexus status|migrate|rollback --tenants (pg)', () => {
  const db = useTenantDatabase('pg');
  const dir = mkdtempSync(join(tmpdir(), 'knexus-fleet-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const names = ['cf0', 'cf1', 'cf2', 'acme-corp'];

  function writeConfig(directories: string[]): string {
    const file = join(dir, 'registry.config.mjs');
    const url = `postgres://${PG.user}@${PG.host}:${PG.port}/${db.name}`;
    writeFileSync(
      file,
      `export default { apps: { main: { database: { client: 'pg', connection: '${url}', pool: { max: 4 } }, reusable: true } },\n` +
        `  tenants: { owner: 'main', list: async function* () { yield* ${JSON.stringify(names)}; }, migrations: { directory: ${JSON.stringify(directories)} } } };\n`,
    );
    return file;
  }

  it('status --check sees the whole fleet (one bad row does not stop it), migrate reaches every tenant with a canary, rollback --to undoes it', async () => {
    const file = writeConfig([TENANT_MIGRATIONS.directory]);
    const first = await runMainJson(['migrate', '--tenants', '--canary', '1', '--concurrency', '2', '-c', file]);
    expect(first.code).toBe(1);
    expect(first.json['tenants']).toMatchObject({ operation: 'migrate', done: 3, failed: 1 });
    expect(first.json['tenants'].tenants.find((t: { name: string }) => t.name === 'acme-corp')).toMatchObject({ status: 'failed' });
    expect(await tablesIn(db, 'cf2')).toEqual(expect.arrayContaining(['notes', 'tags']));

    writeConfig([TENANT_MIGRATIONS.directory, NEXT]);
    const status = await runMainJson(['status', '--check', '--tenants', '-c', file]);
    expect(status.code).toBe(1);
    expect(status.json['tenants']).toMatchObject({ ok: false, total: 4, counts: { behind: 3, invalid: 1 } });

    const next = await runMainJson(['migrate', '--tenants', '-c', file]);
    expect(next.json['tenants']).toMatchObject({ done: 3, failed: 1 });
    expect(await tablesIn(db, 'cf1')).toContain('labels');

    const back = await runMainJson(['rollback', '--tenants', '--to', '003_labels', '-c', file]);
    expect(back.json['tenants'].tenants.find((t: { name: string }) => t.name === 'cf0')).toMatchObject({
      status: 'done',
      files: ['003_labels.mjs'],
    });
    expect(await tablesIn(db, 'cf1')).not.toContain('labels');
  });

  it('--canary without --tenants is a usage error (exit 2)', async () => {
    const run = await runMainJson(['migrate', '--canary', '2', '-c', writeConfig([TENANT_MIGRATIONS.directory])]);
    expect(run.code).toBe(2);
  });
});
