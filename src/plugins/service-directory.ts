import { KnexusError } from '../errors.js';
import type { PluginRecord } from './plugin-record.js';

interface ServiceEntry {
  readonly owner: PluginRecord;
  readonly impl: unknown;
}

/** Services plugins export to each other by name (`exportService` / `importService`). */
export class ServiceDirectory {
  readonly #services = new Map<string, ServiceEntry>();

  /** Publishes `impl` as `name`; a plugin being reloaded may replace its predecessor's service. */
  export(owner: PluginRecord, name: string, impl: unknown): void {
    const existing = this.#services.get(name);
    if (existing !== undefined && existing.owner !== owner && existing.owner.name !== owner.name) {
      throw new KnexusError(
        'KNEXUS_ERR_PLUGIN_EXISTS',
        `Service '${name}' is already exported by plugin '${existing.owner.name}'; pick another service name`,
        { pluginName: owner.name, phase: 'service', details: { service: name, exportedBy: existing.owner.name } },
      );
    }
    this.#services.set(name, { owner, impl });
    owner.services.set(name, impl);
  }

  /** The service `name`; throws `KNEXUS_ERR_SERVICE_NOT_FOUND` when nobody exports it. */
  import<T>(name: string, importer: string | undefined): T {
    const entry = this.#services.get(name);
    if (entry === undefined) {
      throw new KnexusError(
        'KNEXUS_ERR_SERVICE_NOT_FOUND',
        `Service '${name}' is not exported by any loaded plugin` +
          (importer === undefined ? '' : ` (requested by '${importer}')`) +
          `. Load the plugin that exports it first, e.g. by listing it in 'dependencies'.`,
        { phase: 'service', details: { service: name }, ...(importer === undefined ? {} : { pluginName: importer }) },
      );
    }
    return entry.impl as T;
  }

  /** Names of every exported service and its owner. */
  list(): Record<string, string> {
    return Object.fromEntries([...this.#services].map(([name, entry]) => [name, entry.owner.name]));
  }

  /** Withdraws every service `owner` exported (its record keeps them, for `restore`). */
  withdraw(owner: PluginRecord): void {
    for (const name of owner.services.keys()) {
      if (this.#services.get(name)?.owner === owner) this.#services.delete(name);
    }
  }

  /** Publishes `owner`'s services again (after a failed reload replaced some of them). */
  restore(owner: PluginRecord): void {
    for (const [name, impl] of owner.services) this.#services.set(name, { owner, impl });
  }
}
