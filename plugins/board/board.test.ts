/**
 * The board in a real browser: headless Chromium (Debian's package) driven by playwright-core, over
 * apps on SQLite and PostgreSQL, one healthy, one whose migration failed, one drifted.
 */
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppRegistry, isKnexusError } from '../../src/index.js';
import { PG, createPgDatabase, serverAvailable, type TestDatabase } from '../../test/support/databases.js';
import { brokenApp, fixture, notesApp } from '../test-fixtures/apps.js';
import { readmeExamples, runReadmeExample } from '../test-fixtures/readme-examples.js';
import BoardPlugin, { BOARD_ACTION_EVENT, type BoardActionEvent, type BoardAppsPage, type BoardStatus } from './index.js';

const CHROMIUM = '/usr/bin/chromium';
const CANARY = 'canary-B0ard-Pa55-91c2';
const TOKEN = 'board-test-token-0123456789';
const work = mkdtempSync(join(tmpdir(), 'knexus-board-'));

let browser: Browser;
let registry: AppRegistry;
let pg: TestDatabase | undefined;
let url: string;

/** Every response body the page received, to search for secrets. */
const bodies: string[] = [];

async function openBoard(path = ''): Promise<Page> {
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') violations.push(message.text());
  });
  page.on('response', async (response) => {
    bodies.push(await response.text().catch(() => ''));
  });
  await page.goto(`${url}${path}`);
  await page.waitForSelector('body[data-loaded="true"]');
  expect(violations).toEqual([]); // no CSP violation, no failed request
  return page;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  registry = new AppRegistry({ registry: { healthCheckInterval: 0 } });
  await registry.loadPlugin(BoardPlugin, { port: 0, refreshMs: 200 });
  url = (registry.getPlugin('board')!.getStatus() as BoardStatus).url!;

  await registry.registerApp(
    'healthy_sqlite',
    notesApp({ client: 'better-sqlite3', connection: { filename: join(work, 'healthy.sqlite') } }),
  );
  await expect(registry.registerApp('broken', brokenApp())).rejects.toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_FAILED' });
  // Drift: the applied migration is edited after registration.
  const migrations = join(work, 'drifting');
  cpSync(fixture('migrations'), migrations, { recursive: true });
  await registry.registerApp('drifted', {
    database: { client: 'better-sqlite3', connection: { filename: ':memory:' } },
    migrations: { directory: migrations },
  });
  appendFileSync(join(migrations, '001_notes.mjs'), '\n// edited after it ran\n');
  if (await serverAvailable('pg')) {
    pg = await createPgDatabase();
    // Trust auth accepts any password, so the canary connects for real.
    await registry.registerApp('shop_pg', notesApp({ client: 'pg', connection: { ...PG, database: pg.name, password: CANARY } }));
  }
  for (let i = 0; i < 3; i++) await registry.healthCheck();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await registry?.shutdown();
  await pg?.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('the board page', () => {
  it('lists every app with its state, migrations and health, and the plugins', async () => {
    const page = await openBoard();
    const rows = await page.$$eval('#apps tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    const byName = Object.fromEntries(rows.map((cells) => [cells[0], cells]));
    expect(Object.keys(byName).sort()).toEqual(['broken', 'drifted', 'healthy_sqlite', ...(pg ? ['shop_pg'] : [])].sort());
    expect(byName['healthy_sqlite']!.slice(1, 5)).toEqual([
      'ready',
      expect.stringContaining('healthy.sqlite'),
      '1 applied',
      '001_notes.mjs',
    ]);
    expect(byName['healthy_sqlite']![6]).toBe('healthy');
    expect(byName['broken']![1]).toBe('failed');
    expect(byName['broken']![9]).toBe('1');
    expect(byName['drifted']![3]).toBe('1 applied, 1 drifted');
    if (pg)
      expect(byName['shop_pg']!.slice(1, 4)).toEqual([
        'ready',
        expect.stringMatching(/^pg postgres@127\.0\.0\.1:5432\/knexus_t/),
        '1 applied',
      ]);
    const plugins = await page.$$eval('#plugins tbody tr', (trs) => trs.map((tr) => tr.querySelector('td')!.textContent));
    expect(plugins).toEqual(['board 1.0.0']);
    // BOARD_SCREENSHOT=docs/board.png refreshes the README's picture.
    await page.screenshot({ path: process.env['BOARD_SCREENSHOT'] ?? join(work, 'board.png'), fullPage: true });
    await page.close();
  });

  it('filters by state and by name', async () => {
    const page = await openBoard();
    await page.selectOption('#filter-state', 'failed');
    await page.waitForSelector('#apps tbody tr:only-child');
    expect(await page.textContent('#apps tbody tr td')).toBe('broken');
    await page.selectOption('#filter-state', '');
    await page.fill('#filter-name', 'drif');
    await page.waitForSelector('#apps tbody tr:only-child');
    expect(await page.textContent('#apps tbody tr td')).toBe('drifted');
    await page.close();
  });

  it('shows an app in detail: ledger, failures with code, and a latency chart with a point per health cycle', async () => {
    const page = await openBoard();
    await page.click('#apps tbody tr[data-app="healthy_sqlite"]');
    await page.waitForSelector('#detail-view:not([hidden]) #chart circle');
    expect(await page.textContent('#detail-name')).toBe('healthy_sqlite');
    expect(await page.$$eval('#chart circle', (c) => c.length)).toBe(3);
    expect(await page.getAttribute('#chart polyline', 'points')).toMatch(/^[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,[\d.]+$/);
    expect(await page.$$eval('#detail-migrations tbody tr', (trs) => trs.map((tr) => tr.querySelector('td')!.textContent))).toEqual([
      '001_notes.mjs',
    ]);

    await page.goto(`${url}#/app/broken`);
    await page.waitForSelector('#detail-failures tbody tr.failure');
    const failure = await page.$$eval('#detail-failures tbody tr.failure td', (tds) => tds.map((td) => td.textContent));
    expect(failure[2]).toBe('KNEXUS_ERR_MIGRATION_FAILED');
    expect(failure[3]).toContain('002_broken.mjs');
    await page.close();
  });

  it('updates without a reload when an app registers', async () => {
    const page = await openBoard();
    await registry.registerApp('late_arrival', notesApp());
    await page.waitForSelector('#apps tbody tr[data-app="late_arrival"]', { timeout: 5_000 });
    expect(await page.textContent('#apps tbody tr[data-app="late_arrival"] .state')).toBe('ready');
    await registry.unregisterApp('late_arrival');
    await page.close();
  });

  it('never shows a password: not in the DOM, not in any response', async () => {
    const page = await openBoard(pg ? '#/app/shop_pg' : '');
    await page.waitForTimeout(300);
    expect(await page.content()).not.toContain(CANARY);
    await page.close();
    expect(bodies.length).toBeGreaterThan(5);
    expect(bodies.filter((body) => body.includes(CANARY))).toEqual([]);
  });

  it('serves correct content types under a strict Content-Security-Policy, and is read-only', async () => {
    const types: Record<string, string | null> = {};
    for (const path of ['', 'board.js', 'board.css', 'api/apps', 'api/plugins']) {
      const response = await fetch(`${url}${path}`);
      types[path] = response.headers.get('content-type');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    expect(types).toEqual({
      '': 'text/html; charset=utf-8',
      'board.js': 'text/javascript; charset=utf-8',
      'board.css': 'text/css; charset=utf-8',
      'api/apps': 'application/json; charset=utf-8',
      'api/plugins': 'application/json; charset=utf-8',
    });
    const page = (await (await fetch(`${url}api/apps?pageSize=2&page=2`)).json()) as BoardAppsPage;
    expect(page).toMatchObject({ page: 2, pageSize: 2, total: pg ? 4 : 3 });
    expect((await fetch(`${url}api/apps/healthy_sqlite/migrate`, { method: 'POST' })).status).toBe(403);
  });
});

describe('a board over 10,000 apps', () => {
  it('pages and filters on the server, so the page shows 50 rows and finds one app by name', async () => {
    const many = new AppRegistry({ registry: { healthCheckInterval: 0 } });
    try {
      await many.loadPlugin(BoardPlugin, { port: 0 });
      await many.registerApp('main', { database: { client: 'better-sqlite3', connection: { filename: ':memory:' } }, reusable: true });
      for (let i = 0; i < 9_999; i++) await many.registerApp(`t${String(i).padStart(4, '0')}`, { useConnection: 'main' });
      const base = (many.getPlugin('board')!.getStatus() as BoardStatus).url!;
      const page = await browser.newPage();
      await page.goto(base);
      await page.waitForSelector('body[data-loaded="true"]');
      expect(await page.$$eval('#apps tbody tr', (trs) => trs.length)).toBe(50);
      expect(await page.textContent('#page-info')).toBe('10000 app(s), page 1 of 200');
      await page.fill('#filter-name', 't9876');
      await page.waitForSelector('#apps tbody tr:only-child');
      expect(await page.textContent('#apps tbody tr td')).toBe('t9876');
      await page.close();
    } finally {
      await many.shutdown();
    }
  }, 60_000);
});

describe('repairing a dirty app from the page', () => {
  it('offers the two resolutions on a failure that left a file dirty, and settles it with the token', async () => {
    const own = new AppRegistry({ registry: { healthCheckInterval: 0 } });
    const folder = mkdtempSync(join(tmpdir(), 'knexus-board-dirty-'));
    try {
      // Outside a transaction and failing half-way: the table stays, the file is left dirty.
      writeFileSync(
        join(folder, '001_halfway.mjs'),
        `export const config = { transaction: false };
         export async function up(knex) { await knex.schema.createTable('half', (t) => t.increments('id')); throw new Error('boom'); }
         export async function down(knex) { await knex.schema.dropTableIfExists('half'); }`,
      );
      await own.loadPlugin(BoardPlugin, { port: 0, token: TOKEN, actions: true, refreshMs: 200 });
      const base = (own.getPlugin('board')!.getStatus() as BoardStatus).url!;
      const config = {
        database: { client: 'better-sqlite3', connection: { filename: join(folder, 'halfway.sqlite') } },
        migrations: { directory: folder },
      } as const;
      await expect(own.registerApp('halfway', config)).rejects.toMatchObject({
        code: 'KNEXUS_ERR_MIGRATION_FAILED',
        details: { dirty: true },
      });
      const audit: BoardActionEvent[] = [];
      own.on(BOARD_ACTION_EVENT as never, ((event: BoardActionEvent) => audit.push(event)) as never);

      const page = await browser.newPage();
      await page.goto(`${base}?token=${TOKEN}#/app/halfway`);
      await page.waitForSelector('#detail-failures button[data-resolution="rolled-back"]');
      await page.click('#detail-failures button[data-resolution="rolled-back"]');
      await page.waitForSelector('#action-result:has-text("repaired: 001_halfway.mjs rolled-back")');
      await page.close();
      expect(audit).toEqual([expect.objectContaining({ action: 'repair', appName: 'halfway', outcome: 'ok' })]);
      // Settled as rolled back: the fixed file runs again at the next registration.
      writeFileSync(
        join(folder, '001_halfway.mjs'),
        `export async function up(knex) { await knex.schema.createTable('whole', (t) => t.increments('id')); }\nexport async function down(knex) { await knex.schema.dropTable('whole'); }`,
      );
      const app = await own.registerApp('halfway', config);
      expect((await app.migrationStatus()).applied.map((e) => e.name)).toEqual(['001_halfway.mjs']);
    } finally {
      await own.shutdown();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the README', () => {
  it('runs its example: the board mounted in your own server', async () => {
    const [example] = readmeExamples('board');
    const run = await runReadmeExample('board', example!);
    run.cleanup();
    expect(run.printed).toEqual(['1 ready']);
  });
});

describe('board options', () => {
  it('refuses to listen beyond this machine without a token, and actions without one', async () => {
    const errors = [];
    for (const config of [{ host: '0.0.0.0', port: 0 }, { actions: true, port: 0 }, { basePath: 'board/' }]) {
      const fresh = new AppRegistry();
      const error = await fresh.loadPlugin(BoardPlugin, config).catch((e: unknown) => e);
      // The manager wraps the plugin's own error, which names the field.
      errors.push(isKnexusError(error, 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID') && isKnexusError(error.cause) ? error.cause.field : error);
      await fresh.shutdown();
    }
    expect(errors).toEqual(['token', 'token', 'basePath']);
  });

  it('runs pending migrations for one app only with the token, under a base path, mounted in your own server, and audits it', async () => {
    const own = new AppRegistry({ registry: { healthCheckInterval: 0 } });
    try {
      await own.loadPlugin(BoardPlugin, { port: false, basePath: '/ops/board', token: TOKEN, actions: true });
      const board = own.getPlugin('board') as BoardPlugin;
      const { createServer } = await import('node:http');
      const server = createServer(async (request, response) => {
        if (!(await board.handler(request, response))) response.writeHead(418).end('mine');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const app = await own.registerApp('later', {
        database: { client: 'better-sqlite3', connection: { filename: ':memory:' } },
        migrations: { directory: fixture('migrations'), enabled: false },
      });
      const audit: BoardActionEvent[] = [];
      own.on(BOARD_ACTION_EVENT as never, ((event: BoardActionEvent) => audit.push(event)) as never);

      expect((await fetch(`${base}/elsewhere`)).status).toBe(418);
      expect((await fetch(`${base}/ops/board/api/apps`)).status).toBe(401);
      expect((await fetch(`${base}/ops/board/api/apps/later/migrate`, { method: 'POST' })).status).toBe(401);
      const ran = await fetch(`${base}/ops/board/api/apps/later/migrate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(ran.status).toBe(200);
      expect(((await ran.json()) as { applied: string[] }).applied).toEqual(['001_notes.mjs']);
      expect((await app.migrationStatus()).pending).toEqual([]);
      expect(audit).toEqual([expect.objectContaining({ action: 'migrate', appName: 'later', outcome: 'ok', remoteAddress: '127.0.0.1' })]);
      await new Promise((resolve) => server.close(resolve));
    } finally {
      await own.shutdown();
    }
  });
});
