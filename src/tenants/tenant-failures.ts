import { isKnexusError, toError } from '../errors.js';
import type { TenantFailure } from './tenants-status.js';

/** The last failure of each tenant that failed (attach, detach or a fleet job), until it next succeeds. */
export class TenantFailures {
  readonly #failures = new Map<string, TenantFailure>();

  /** Every recorded failure, frozen. */
  list(): readonly TenantFailure[] {
    return Object.freeze([...this.#failures.values()]);
  }

  /** Records `thrown` for tenant `name`, counting failures in a row; `server` is where it lives, when known. */
  record(name: string, during: TenantFailure['during'], thrown: unknown, server: string | undefined): void {
    const error = toError(thrown);
    const previous = this.#failures.get(name);
    // A server that did not answer names itself in the error.
    const named = isKnexusError(error) ? error.details?.['server'] : undefined;
    const where = server ?? (typeof named === 'string' ? named : undefined);
    this.#failures.set(
      name,
      Object.freeze({
        name,
        during,
        ...(where === undefined ? {} : { server: where }),
        code: isKnexusError(error) ? error.code : 'KNEXUS_ERR_UNEXPECTED',
        message: error.message,
        attempts: (previous?.attempts ?? 0) + 1,
        at: new Date().toISOString(),
      }),
    );
  }

  /** Forgets tenant `name`'s failure. */
  clear(name: string): void {
    this.#failures.delete(name);
  }
}
