import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PluginInterface, type AppConfigView, type PluginContext, type FailedOperation, type RepairOptions } from '../../src/index.js';
import { BoardApi } from './board-api.js';
import { BoardHistory } from './board-history.js';
import { resolveBoardOptions, type BoardOptions, type ResolvedBoardOptions } from './board-options.js';
import { boardHandler } from './board-routes.js';
import { closeServer, listen, serverOrigin } from '../shared/http-server.js';

export { BOARD_DEFAULTS, type BoardOptions } from './board-options.js';
export type {
  BoardAppDetail,
  BoardAppRow,
  BoardAppsPage,
  BoardHookRow,
  BoardLedger,
  BoardLedgerEntry,
  BoardPluginRow,
  LedgerCounts,
} from './board-api-types.js';
export type { FailureRecord, HealthPoint } from './board-history.js';

/** Registry event of every board action (run migrations), for audit trails. */
export const BOARD_ACTION_EVENT = 'board:action';

/** Payload of the `board:action` event. */
export interface BoardActionEvent {
  readonly action: 'migrate' | 'repair';
  readonly appName: string;
  readonly at: string;
  /** Where the request came from (the socket's remote address). */
  readonly remoteAddress: string | null;
  readonly outcome: 'ok' | 'failed';
  readonly code?: string;
}

/** What `getStatus()` reports. */
export interface BoardStatus {
  readonly listening: boolean;
  /** The page's address (with the real port when `port: 0` was asked), or null when not listening. */
  readonly url: string | null;
  readonly requests: number;
  readonly actions: number;
}

/**
 * An operator's page: every app's state, target, migrations (applied, pending, drifted, latest),
 * seeds, last health result and latency, pool usage and failures; a detail view with the ledgers,
 * the failures with their codes and hints, and a health-latency chart; the plugins with per-hook
 * calls, errors, timeouts and p50/p95 durations. The page polls a documented JSON API
 * (`<basePath>/api/apps`, `/api/apps/<name>`, `/api/plugins`). Read-only unless `actions` and a `token`.
 *
 * @example
 * ```ts
 * await registry.loadPlugin(BoardPlugin, { port: 0 });
 * const { url } = registry.getPlugin('board')!.getStatus() as BoardStatus; // open it in a browser
 * ```
 */
export default class BoardPlugin extends PluginInterface<BoardOptions> {
  readonly #config: BoardOptions;
  #options: ResolvedBoardOptions | undefined;
  #registry: PluginContext | undefined;
  #api: BoardApi | undefined;
  #server: Server | undefined;
  #address: AddressInfo | undefined;
  #route: ((request: IncomingMessage, response: ServerResponse) => Promise<boolean>) | undefined;
  #requests = 0;
  #actions = 0;

  /** Takes the plugin's config; it is validated by `validateConfiguration` and applied by `initialize`. */
  constructor(config: BoardOptions = {}) {
    super('board', '1.0.0');
    this.#config = config;
  }

  /** Throws a KNEXUS_ERR_PLUGIN_CONFIG_INVALID error naming the bad field. */
  override validateConfiguration(config: BoardOptions): void {
    resolveBoardOptions({ ...this.#config, ...config });
  }

  /** Starts collecting health results and failures, and listens unless `port: false`. */
  async initialize(registry: PluginContext, config: BoardOptions): Promise<void> {
    const options = resolveBoardOptions({ ...this.#config, ...config });
    this.#options = options;
    this.#registry = registry;
    const api = new BoardApi(registry, new BoardHistory(options.historySize, options.failureHistory), options.refreshMs);
    this.#api = api;
    registry.on('health-check-completed', (health) => api.healthCompleted(health));
    registry.on('app-registered', ({ appName }) => api.registered(appName));
    registry.on('app-unregistered', ({ appName }) => api.forget(appName));
    this.#route = boardHandler(options, {
      api,
      migrate: (name, remoteAddress) => this.#migrate(name, remoteAddress),
      repair: (name, request, remoteAddress) => this.#repair(name, request, remoteAddress),
    });
    if (options.port === false) return;
    const server = createServer((request, response) => void this.handler(request, response));
    this.#address = await listen(server, options.port as number, options.host, () => undefined);
    this.#server = server;
  }

  /**
   * The board as a Node request handler, to mount in your own server (Express, Fastify's raw
   * handler, node:http): answers paths under `basePath` and resolves true, or answers 404 when the
   * board is not initialized. Resolves false for other paths so your next handler can run.
   */
  readonly handler = async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    this.#requests++;
    if (this.#route === undefined) {
      response
        .writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
        .end(JSON.stringify({ error: 'the board is not running' }));
      return true;
    }
    const answered = await this.#route(request, response);
    if (!answered && this.#server !== undefined)
      response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error: 'not found' }));
    return answered;
  };

  /** Closes the server, dropping idle keep-alive connections. */
  override async shutdown(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#route = undefined;
    if (server !== undefined) await closeServer(server);
  }

  /** Whether it listens, where, and how many requests and actions it answered. */
  override getStatus(): BoardStatus {
    const address = this.#server === undefined ? undefined : this.#address;
    return {
      listening: this.#server?.listening === true,
      url: address === undefined ? null : `${serverOrigin(address)}${this.#options?.basePath ?? ''}/`,
      requests: this.#requests,
      actions: this.#actions,
    };
  }

  override onAppRegistrationStarted(appName: string, config: AppConfigView): void {
    this.#api?.registrationStarted(appName, config);
  }

  override onOperationFailed(appName: string, operation: FailedOperation, error: Error, context: Readonly<Record<string, unknown>>): void {
    this.#api?.failed(appName, operation, error, operation === 'registration' || context['during'] === 'registration');
  }

  async #repair(appName: string, request: Readonly<Record<string, unknown>>, remoteAddress: string | null): Promise<unknown> {
    const registry = this.#registry!;
    this.#actions++;
    const event = { action: 'repair' as const, appName, at: new Date().toISOString(), remoteAddress };
    const emit = registry.emit as (name: string, payload: BoardActionEvent) => boolean;
    try {
      const { migration, seed, resolution } = request;
      const options = {
        resolution,
        ...(migration === undefined ? {} : { migration }),
        ...(seed === undefined ? {} : { seed }),
      } as RepairOptions;
      const result = await registry.repair(appName, options);
      emit(BOARD_ACTION_EVENT, { ...event, outcome: 'ok' });
      return result;
    } catch (error) {
      emit(BOARD_ACTION_EVENT, { ...event, outcome: 'failed', code: (error as { code?: string }).code ?? 'KNEXUS_ERR_UNEXPECTED' });
      throw error;
    }
  }

  async #migrate(appName: string, remoteAddress: string | null): Promise<unknown> {
    const registry = this.#registry!;
    if (!registry.hasApp(appName)) return undefined;
    this.#actions++;
    const event = { action: 'migrate' as const, appName, at: new Date().toISOString(), remoteAddress };
    try {
      const result = await registry.getApp(appName).runMigrations();
      (registry.emit as (name: string, payload: BoardActionEvent) => boolean)(BOARD_ACTION_EVENT, { ...event, outcome: 'ok' });
      return result;
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'KNEXUS_ERR_UNEXPECTED';
      (registry.emit as (name: string, payload: BoardActionEvent) => boolean)(BOARD_ACTION_EVENT, { ...event, outcome: 'failed', code });
      throw error;
    }
  }
}
