import { KnexusError } from '../../src/index.js';
import { isHostList } from '../shared/http-server.js';

/** Options of the board plugin. */
export interface BoardOptions {
  /** Interface to listen on; default `127.0.0.1`. Any other host needs a `token`. */
  readonly host?: string;
  /** TCP port; default 9465. `0` picks a free port; `false` serves nothing (mount `plugin.handler` in your own server). */
  readonly port?: number | false;
  /** Path the board lives under, e.g. `/ops/board`; default `` (the root). */
  readonly basePath?: string;
  /** When set, every request needs it (`Authorization: Bearer <token>`, or `?token=` for the page itself). */
  readonly token?: string;
  /** Allows the write actions (run pending migrations of one app); default false. Needs a `token`. */
  readonly actions?: boolean;
  /** Health results kept per app for the latency chart; default 60. */
  readonly historySize?: number;
  /** Failures kept per app for the detail view; default 20. */
  readonly failureHistory?: number;
  /** How often the page polls for updates, in ms; default 2000. */
  readonly refreshMs?: number;
  /**
   * Host names (the `Host` header) the board answers besides `host`, `localhost` and IP addresses; default none.
   * Another name gets a 421, so a web page cannot reach the board through a domain pointed at this machine
   * (DNS rebinding). `'.example.com'` also allows its subdomains; `'*'` allows any (behind a proxy that checks).
   */
  readonly allowedHosts?: readonly string[];
}

/** `BoardOptions` with defaults applied; frozen. */
export type ResolvedBoardOptions = Readonly<Required<Omit<BoardOptions, 'token'>> & { token: string | undefined }>;

/** Defaults of `BoardOptions`. */
export const BOARD_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 9465,
  basePath: '',
  actions: false,
  historySize: 60,
  failureHistory: 20,
  refreshMs: 2_000,
  allowedHosts: Object.freeze([]) as readonly string[],
});

const KNOWN = [...Object.keys(BOARD_DEFAULTS), 'token'];
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function invalid(field: string, problem: string): KnexusError {
  return new KnexusError('KNEXUS_ERR_PLUGIN_CONFIG_INVALID', `'${field}' ${problem}`, { pluginName: 'board', field });
}

function positiveInteger(value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    throw invalid(field, `must be an integer from 1 to ${max}`);
  return value;
}

/** Validates `config` (a KNEXUS_ERR_PLUGIN_CONFIG_INVALID error names the field) and applies defaults. */
export function resolveBoardOptions(config: unknown): ResolvedBoardOptions {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw invalid('config', 'must be an object');
  const input = { ...BOARD_DEFAULTS, ...(config as Record<string, unknown>) };
  for (const key of Object.keys(config as object)) {
    if (!KNOWN.includes(key)) throw invalid(key, `is not a board option (expected one of: ${KNOWN.join(', ')})`);
  }
  const { host, port, basePath, token, actions } = input as Record<string, unknown>;
  if (typeof host !== 'string' || host.trim() === '') throw invalid('host', "must be a host name or address, e.g. '127.0.0.1'");
  if (port !== false && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw invalid('port', 'must be an integer from 0 to 65535 (0 picks a free port), or false to serve only through `handler`');
  }
  if (typeof basePath !== 'string' || (basePath !== '' && (!basePath.startsWith('/') || basePath.endsWith('/')))) {
    throw invalid('basePath', "must be '' or a path that starts and does not end with '/', e.g. '/ops/board'");
  }
  if (token !== undefined && (typeof token !== 'string' || token.length < 16))
    throw invalid('token', 'must be a string of at least 16 characters');
  if (typeof actions !== 'boolean') throw invalid('actions', 'must be true or false');
  const allowedHosts = (input as Record<string, unknown>)['allowedHosts'];
  if (!isHostList(allowedHosts))
    throw invalid(
      'allowedHosts',
      "must be a list of host names, e.g. ['board.example.com'] ('.example.com' for its subdomains, '*' for any)",
    );
  // Never readable from other machines, nor writable at all, without a secret.
  if (port !== false && !LOOPBACK.has(host) && token === undefined)
    throw invalid('token', `is required to listen on ${host} (beyond this machine)`);
  if (actions && token === undefined) throw invalid('token', 'is required when actions are enabled');
  return Object.freeze({
    host,
    port: port as number | false,
    basePath,
    token: token as string | undefined,
    actions,
    historySize: positiveInteger(input.historySize, 'historySize', 10_000),
    failureHistory: positiveInteger(input.failureHistory, 'failureHistory', 10_000),
    refreshMs: positiveInteger(input.refreshMs, 'refreshMs', 3_600_000),
    allowedHosts: Object.freeze([...allowedHosts]),
  });
}
