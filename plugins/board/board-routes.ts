import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BoardApi } from './board-api.js';
import { BOARD_CSS, BOARD_HTML, BOARD_ICON } from './board-page.js';
import { BOARD_JS } from './board-script.js';
import type { ResolvedBoardOptions } from './board-options.js';
import { MISDIRECTED_BODY, isAllowedHost } from '../shared/http-server.js';

/** What the board's routes need besides the options: the JSON documents and the one write action. */
export interface BoardBackend {
  readonly api: BoardApi;
  /** Runs one app's pending migrations; undefined when the app is not registered; rejects with the registry's coded error. */
  migrate(appName: string, remoteAddress: string | null): Promise<unknown>;
  /** Settles a dirty file of one app (`registry.repair`); rejects with the registry's coded error. */
  repair(appName: string, request: Readonly<Record<string, unknown>>, remoteAddress: string | null): Promise<unknown>;
}

const MAX_BODY = 4_096;

/** The request's JSON body (at most 4 KB), or undefined when it is not a JSON object. */
async function jsonBody(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > MAX_BODY) return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Every response forbids framing, sniffing and any script or style that is not the board's own. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

const JSON_TYPE = 'application/json; charset=utf-8';

/** Codes of a migrate action refused for the app's state (409); any other failure is a 500. */
const CONFLICTS: ReadonlySet<string> = new Set([
  'KNEXUS_ERR_APP_NOT_READY',
  'KNEXUS_ERR_LOCK_TIMEOUT',
  'KNEXUS_ERR_LEDGER_DIRTY',
  'KNEXUS_ERR_CHECKSUM_DRIFT',
  'KNEXUS_ERR_SHUTTING_DOWN',
]);

/**
 * Builds the board's request handler: resolves true when it answered (the path is under `basePath`),
 * false otherwise, so it can sit in front of other routes in a user's own server.
 */
export function boardHandler(
  options: ResolvedBoardOptions,
  backend: BoardBackend,
): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const html = BOARD_HTML.replaceAll('{{BASE}}', options.basePath).replaceAll('{{REFRESH}}', String(options.refreshMs));
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://board.invalid');
    const base = options.basePath;
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return false;
    const path = url.pathname.slice(base.length) || '/';
    if (!isAllowedHost(request.headers.host, options.port === false ? undefined : options.host, options.allowedHosts)) {
      send(response, 421, JSON_TYPE, MISDIRECTED_BODY);
      return true;
    }
    // The page, script and style hold no data; everything an app or plugin says comes from /api, behind the token.
    if (path.startsWith('/api/') && !authorized(request, options.token)) {
      send(response, 401, JSON_TYPE, JSON.stringify({ error: 'a valid token is required (Authorization: Bearer <token>)' }), {
        'www-authenticate': 'Bearer',
      });
      return true;
    }
    const method = request.method ?? 'GET';
    try {
      if (method === 'POST' && /^\/api\/apps\/[^/]+\/migrate$/.test(path)) {
        if (!options.actions) return json(response, 403, { error: 'actions are disabled (board option `actions`)' });
        const name = decodeURIComponent(path.split('/')[3]!);
        let result: unknown;
        try {
          result = await backend.migrate(name, request.socket.remoteAddress ?? null);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (typeof code !== 'string') throw error;
          return json(response, CONFLICTS.has(code) ? 409 : 500, { error: code });
        }
        return result === undefined ? json(response, 404, { error: 'no such app' }) : json(response, 200, result);
      }
      if (method === 'POST' && /^\/api\/apps\/[^/]+\/repair$/.test(path)) {
        if (!options.actions) return json(response, 403, { error: 'actions are disabled (board option `actions`)' });
        const body = await jsonBody(request);
        if (body === undefined) return json(response, 400, { error: 'the body must be a JSON object { migration | seed, resolution }' });
        const name = decodeURIComponent(path.split('/')[3]!);
        try {
          return json(response, 200, await backend.repair(name, body, request.socket.remoteAddress ?? null));
        } catch (error) {
          // The registry's refusals are coded and secret-free: say which, so the operator can fix the request.
          const code = (error as { code?: unknown }).code;
          if (typeof code !== 'string') throw error;
          return json(response, 400, { error: code, message: (error as Error).message });
        }
      }
      if (method !== 'GET' && method !== 'HEAD') {
        send(response, 405, JSON_TYPE, JSON.stringify({ error: 'method not allowed' }), { allow: 'GET, HEAD' });
        return true;
      }
      if (path === '/') return sendAndTrue(response, 200, 'text/html; charset=utf-8', html);
      if (path === '/board.js') return sendAndTrue(response, 200, 'text/javascript; charset=utf-8', BOARD_JS);
      if (path === '/board.css') return sendAndTrue(response, 200, 'text/css; charset=utf-8', BOARD_CSS);
      if (path === '/favicon.svg') return sendAndTrue(response, 200, 'image/svg+xml', BOARD_ICON);
      if (path === '/api/info')
        return json(response, 200, {
          actions: options.actions,
          refreshMs: options.refreshMs,
          tenants: backend.api.tenants({ pageSize: 1 }) !== undefined,
        });
      if (path === '/api/apps') {
        const number = (key: string) => (url.searchParams.has(key) ? Number(url.searchParams.get(key)) || 1 : undefined);
        const query = { state: url.searchParams.get('state') ?? '', q: url.searchParams.get('q') ?? '' };
        const page = number('page');
        const pageSize = number('pageSize');
        return json(
          response,
          200,
          await backend.api.apps({ ...query, ...(page === undefined ? {} : { page }), ...(pageSize === undefined ? {} : { pageSize }) }),
        );
      }
      if (path.startsWith('/api/apps/')) {
        const detail = await backend.api.app(decodeURIComponent(path.slice('/api/apps/'.length)));
        return detail === undefined ? json(response, 404, { error: 'no such app' }) : json(response, 200, detail);
      }
      if (path === '/api/tenants') {
        const number = (key: string) => (url.searchParams.has(key) ? Number(url.searchParams.get(key)) || 1 : undefined);
        const page = number('page');
        const pageSize = number('pageSize');
        const fleet = backend.api.tenants({
          code: url.searchParams.get('code') ?? '',
          server: url.searchParams.get('server') ?? '',
          q: url.searchParams.get('q') ?? '',
          ...(page === undefined ? {} : { page }),
          ...(pageSize === undefined ? {} : { pageSize }),
        });
        return fleet === undefined ? json(response, 404, { error: 'this registry has no tenant directory' }) : json(response, 200, fleet);
      }
      if (path === '/api/plugins') return json(response, 200, backend.api.plugins());
      return json(response, 404, { error: 'not found' });
    } catch (error) {
      if (error instanceof URIError) return json(response, 400, { error: 'the path holds a malformed %-escape' });
      // The message of an unexpected error may hold anything: the board says only that it failed.
      return json(response, 500, { error: 'the board could not answer; see the registry logs' });
    }
  };
}

/**
 * Only the `Authorization` header counts: a page on another site can send a form or a `text/plain` POST with
 * a `?token=` in its URL, but never this header. (The page itself reads `?token=` once and sends the header.)
 */
function authorized(request: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = request.headers.authorization;
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  const given = header.slice(7);
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function json(response: ServerResponse, status: number, body: unknown): true {
  return sendAndTrue(response, status, JSON_TYPE, JSON.stringify(body));
}

function sendAndTrue(response: ServerResponse, status: number, type: string, body: string): true {
  send(response, status, type, body);
  return true;
}

function send(response: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body), ...extra });
  response.end(response.req?.method === 'HEAD' ? undefined : body);
}
