import type { Knex } from 'knex';
import type { ConnectionTarget } from '../registry/registry-types.js';
import type { SecretScrubber } from './secret-scrubber.js';

/** One physical connection pool and the apps using it; closed when the last user leaves. */
export class SharedPool {
  readonly owner: string;
  readonly knex: Knex;
  readonly target: ConnectionTarget;
  readonly scrubber: SecretScrubber;
  readonly reusable: boolean;
  readonly #users = new Set<string>();
  #everShared = false;

  constructor(owner: string, knex: Knex, target: ConnectionTarget, scrubber: SecretScrubber, reusable: boolean) {
    this.owner = owner;
    this.knex = knex;
    this.target = target;
    this.scrubber = scrubber;
    this.reusable = reusable;
    this.#users.add(owner);
  }

  /** How many apps use this pool. */
  get references(): number {
    return this.#users.size;
  }

  /** Names of the apps using this pool. */
  get users(): readonly string[] {
    return [...this.#users];
  }

  /** True once another app than the owner has used this pool. */
  get everShared(): boolean {
    return this.#everShared;
  }

  /** Adds a user; returns the new reference count. */
  retain(appName: string): number {
    if (appName !== this.owner) this.#everShared = true;
    this.#users.add(appName);
    return this.#users.size;
  }

  /** Removes a user; returns true when it was the last one (the pool should close). */
  release(appName: string): boolean {
    this.#users.delete(appName);
    return this.#users.size === 0;
  }
}
