import type { AppHandle } from '../connection/app-handle.js';
import type { DatabaseConfig } from '../connection/database-config.js';
import { KnexusError, isKnexusError, toError } from '../errors.js';
import { SingleFlight } from './single-flight.js';
import type { TenantHost } from './tenant-options.js';

/** How many waiting tenants a server's status names (all are attached when it answers). */
const NAMED_WAITING = 50;

/** One server of the fleet, as status reports it. */
export interface TenantServerStatus {
  readonly name: string;
  /** `up`: its owner app is registered; `down`: the last attempt could not connect; `unknown`: not needed yet. */
  readonly state: 'up' | 'down' | 'unknown';
  /** Tenants the placement store counts on it (undefined when the store does not count or is unreachable). */
  readonly placed: number | undefined;
  /** Tenants asked for while it was down, attached as soon as it answers. */
  readonly waiting: number;
  /** The first of them by name. */
  readonly waitingNames: readonly string[];
  /** Why it is down: the last connection error's code and message. */
  readonly error?: { readonly code: string; readonly message: string };
  /** ISO time it went down. */
  readonly downSince?: string;
}

interface ServerState {
  down: { code: string; message: string; since: string; nextAttempt: number } | undefined;
  waiting: Set<string>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The servers of a fleet that spans several: registers each server's owner app (a reusable app named
 * after the server) on first need, and keeps a server that did not answer as *down*: its tenants fail
 * fast with a retryable KNEXUS_ERR_TENANT_SERVER_DOWN, wait, and are attached once a retry gets through.
 */
export class TenantServers {
  readonly #host: TenantHost;
  readonly #configs: Readonly<Record<string, DatabaseConfig>>;
  readonly #retryMs: number;
  readonly #onUp: (server: string, waiting: string[]) => void;
  readonly #states = new Map<string, ServerState>();
  readonly #registering = new SingleFlight<string, AppHandle>();
  #closed = false;

  constructor(
    host: TenantHost,
    configs: Readonly<Record<string, DatabaseConfig>>,
    retryMs: number,
    onUp: (server: string, waiting: string[]) => void,
  ) {
    this.#host = host;
    this.#configs = configs;
    this.#retryMs = retryMs;
    this.#onUp = onUp;
    for (const name of Object.keys(configs)) this.#states.set(name, { waiting: new Set(), down: undefined, timer: undefined });
  }

  /** Server names in configuration order. */
  get names(): string[] {
    return [...this.#states.keys()];
  }

  has(server: string): boolean {
    return this.#states.has(server);
  }

  /** True unless the last attempt to reach `server` failed. */
  isUp(server: string): boolean {
    return this.#states.get(server)?.down === undefined;
  }

  /**
   * The owner app of `server`, registered now if it is not (an app of that name registered by hand is
   * adopted). A server down since less than the retry interval is not tried again: `tenant` (if given)
   * joins its waiting list and the call throws KNEXUS_ERR_TENANT_SERVER_DOWN at once.
   */
  async ready(server: string, tenant?: string): Promise<AppHandle> {
    const state = this.#states.get(server);
    if (state === undefined) {
      throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `No server '${server}' in tenants.servers (${this.names.join(', ')})`, {
        field: 'tenants.servers',
        details: { server },
      });
    }
    if (this.#host.hasApp(server)) {
      if (state.down !== undefined) this.#cameUp(server, state);
      return this.#host.getApp(server);
    }
    if (state.down !== undefined && Date.now() < state.down.nextAttempt) throw this.#downError(server, state, tenant);
    return this.#attempt(server, state, tenant);
  }

  async #attempt(server: string, state: ServerState, tenant: string | undefined): Promise<AppHandle> {
    try {
      const handle = await this.#registering.run(server, () =>
        this.#host.registerApp(server, { database: this.#configs[server]!, reusable: true }),
      );
      if (state.down !== undefined) this.#cameUp(server, state);
      return handle;
    } catch (error) {
      if (!isKnexusError(error, 'KNEXUS_ERR_CONNECTION_FAILED')) throw error;
      this.#wentDown(server, state, error);
      throw this.#downError(server, state, tenant);
    }
  }

  /** Every server's state, waiting tenants and (with `counts`) tenants placed. */
  status(counts: Readonly<Record<string, number>> | undefined): TenantServerStatus[] {
    return [...this.#states].map(([name, state]) =>
      Object.freeze({
        name,
        state: state.down !== undefined ? 'down' : this.#host.hasApp(name) ? 'up' : 'unknown',
        placed: counts === undefined ? undefined : (counts[name] ?? 0),
        waiting: state.waiting.size,
        waitingNames: Object.freeze([...state.waiting].sort().slice(0, NAMED_WAITING)),
        ...(state.down === undefined ? {} : { error: { code: state.down.code, message: state.down.message }, downSince: state.down.since }),
      }),
    );
  }

  /** Stops the retries. */
  close(): void {
    this.#closed = true;
    for (const state of this.#states.values()) clearTimeout(state.timer);
  }

  #downError(server: string, state: ServerState, tenant: string | undefined): KnexusError {
    if (tenant !== undefined) state.waiting.add(tenant);
    const retryInMs = Math.max(0, (state.down?.nextAttempt ?? Date.now()) - Date.now());
    return new KnexusError(
      'KNEXUS_ERR_TENANT_SERVER_DOWN',
      `Server '${server}'${tenant === undefined ? '' : ` of tenant '${tenant}'`} does not answer (${state.down?.code ?? 'unknown'}); ` +
        `retrying every ${this.#retryMs} ms, and its waiting tenants attach as soon as it answers. Retry the request later.`,
      { ...(tenant === undefined ? {} : { appName: tenant }), details: { server, retryInMs, retryable: true } },
    );
  }

  #wentDown(server: string, state: ServerState, error: unknown): void {
    const thrown = toError(error);
    state.down = {
      code: isKnexusError(thrown) ? thrown.code : 'KNEXUS_ERR_UNEXPECTED',
      message: thrown.message,
      since: state.down?.since ?? new Date().toISOString(),
      nextAttempt: Date.now() + this.#retryMs,
    };
    if (state.timer !== undefined || this.#closed) return;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (!this.#closed) this.#attempt(server, state, undefined).catch(() => undefined);
    }, this.#retryMs);
    state.timer.unref();
  }

  #cameUp(server: string, state: ServerState): void {
    state.down = undefined;
    clearTimeout(state.timer);
    state.timer = undefined;
    const waiting = [...state.waiting];
    state.waiting.clear();
    if (waiting.length > 0) this.#onUp(server, waiting);
  }
}
