/**
 * The board's HTTP guards without a browser: requests a web page on another site could make (a rebound
 * domain, a cross-origin form POST with `?token=`), malformed paths and failed actions.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { AppRegistry } from '../../src/index.js';
import { useRegistry } from '../../test/support/use-registry.js';
import { fixture } from '../test-fixtures/apps.js';
import BoardPlugin, { type BoardStatus } from './index.js';

const TOKEN = 'board-guard-token-0123456789';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One request with headers of our choosing (fetch would not let a test set `Host`). */
function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += String(chunk)));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function board(registry: AppRegistry, config: Record<string, unknown>): Promise<number> {
  await registry.loadPlugin(BoardPlugin, { port: 0, ...config });
  return Number(new URL((registry.getPlugin('board')!.getStatus() as BoardStatus).url!).port);
}

const memory = { client: 'better-sqlite3', connection: { filename: ':memory:' } } as const;

describe('board HTTP guards', () => {
  const createRegistry = useRegistry();

  it('answers only requests addressed to it: a rebound domain gets 421 and no data, allowedHosts adds names', async () => {
    const registry = createRegistry();
    const port = await board(registry, { allowedHosts: ['board.internal'] });
    await registry.registerApp('secret_app_name', { database: memory });
    for (const path of ['/', '/api/apps', '/api/apps/secret_app_name', '/api/plugins']) {
      const answer = await send(port, 'GET', path, { host: `rebind.attacker.test:${port}` });
      expect(answer.status, path).toBe(421);
      expect(answer.body).not.toContain('secret_app_name');
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `board.internal:${port}`]) {
      const answer = await send(port, 'GET', '/api/apps', { host });
      expect(answer.status, host).toBe(200);
      expect(answer.body).toContain('secret_app_name');
    }
  });

  it('takes the token only from the Authorization header: ?token= on a cross-origin text/plain POST is refused', async () => {
    const registry = createRegistry();
    const port = await board(registry, { token: TOKEN, actions: true });
    await registry.registerApp('later', { database: memory, migrations: { directory: fixture('migrations'), enabled: false } });
    const forged = await send(
      port,
      'POST',
      `/api/apps/later/migrate?token=${TOKEN}`,
      { 'content-type': 'text/plain', origin: 'http://attacker.test' },
      'x',
    );
    expect(forged.status).toBe(401);
    expect((await send(port, 'GET', `/api/apps?token=${TOKEN}`)).status).toBe(401);
    expect((await registry.getApp('later').migrationStatus()).pending).toEqual(['001_notes.mjs']);
    expect((await send(port, 'GET', '/api/apps', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('answers 400 to a malformed %-escape, and a 4xx/5xx status with the code to a failed action', async () => {
    const registry = createRegistry();
    const port = await board(registry, { token: TOKEN, actions: true });
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await send(port, 'GET', '/api/apps/%E0%A4%A', auth)).status).toBe(400);
    expect((await send(port, 'POST', '/api/apps/%zz/migrate', auth)).status).toBe(400);
    expect((await send(port, 'POST', '/api/apps/%zz/repair', auth, '{}')).status).toBe(400);
    // A migration that throws: a coded failure, never a 200.
    await registry.registerApp('manual', { database: memory, migrations: { directory: fixture('migrations-broken'), enabled: false } });
    const failed = await send(port, 'POST', '/api/apps/manual/migrate', auth);
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(failed.body)).toMatchObject({ error: expect.stringMatching(/^KNEXUS_ERR_/) });
  });
});
