import { toError } from '../../errors.js';
import type { RegistryErrorEvent } from '../registry-events.js';
import { pluginDataSet, type PluginDataSet } from './plugin-data-set.js';
import type { PluginRecord } from '../plugin-record.js';

/** How the registry applies and purges plugins' own migrations and seeds in its apps. */
export interface PluginDataHandler {
  /** Applies a newly active plugin's migrations and seeds to the apps already registered. */
  apply(set: PluginDataSet): Promise<void>;
  /** Rolls them back in every app (unload with `purgeData`); rejects on failure. */
  purge(set: PluginDataSet): Promise<void>;
}

/**
 * The manager's side of plugin-owned migrations and seeds: reads each plugin's declarations (a
 * malformed one is reported, not thrown) and hands them to the registry's handler.
 */
export class PluginDataRunner {
  readonly #reportError: (event: RegistryErrorEvent) => void;
  #handler: PluginDataHandler | undefined;

  /** A runner reporting malformed declarations through `reportError`. */
  constructor(reportError: (event: RegistryErrorEvent) => void) {
    this.#reportError = reportError;
  }

  /** Set by the registry; without one (a bare PluginManager) declarations are read but never run. */
  set handler(handler: PluginDataHandler) {
    this.#handler = handler;
  }

  /** The declarations of `record`, resolved; undefined when it declares none or declares them badly. */
  setOf(record: PluginRecord): PluginDataSet | undefined {
    try {
      return pluginDataSet(record.plugin, record.origin);
    } catch (error) {
      this.#reportError({ component: 'PluginManager', phase: 'plugin-data', pluginName: record.name, error: toError(error) });
      return undefined;
    }
  }

  /** Applies a newly active plugin's files to the apps already registered. */
  async apply(record: PluginRecord): Promise<void> {
    const set = this.setOf(record);
    if (set !== undefined) await this.#handler?.apply(set);
  }

  /** Rolls a plugin's files back in every app. */
  async purge(record: PluginRecord): Promise<void> {
    const set = this.setOf(record);
    if (set !== undefined) await this.#handler?.purge(set);
  }
}
