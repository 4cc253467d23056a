import { pluginExistsError, pluginNotFoundError } from '../plugin-errors.js';
import type { PluginRecord } from '../plugin-record.js';
import type { Plugin } from '../plugin.js';

/**
 * Which plugins exist: loaded ones by name (in load order), names reserved by loads in progress,
 * and every known instance, so `exportService(this, …)` works during `initialize()`. Every change
 * to the loaded set calls `onChange` (the dispatcher rebuilds its handler lists).
 */
export class PluginTable {
  readonly #loaded = new Map<string, PluginRecord>();
  readonly #loading = new Map<string, PluginRecord>();
  readonly #byInstance = new WeakMap<object, PluginRecord>();
  readonly #onChange: (records: Iterable<PluginRecord>) => void;
  #sequence = 0;

  /** An empty table; `onChange` receives the loaded records after each change. */
  constructor(onChange: (records: Iterable<PluginRecord>) => void) {
    this.#onChange = onChange;
  }

  /** How many plugins are loaded (active or disabled). */
  get size(): number {
    return this.#loaded.size;
  }

  /** The loaded plugin named `name`. */
  get(name: string): PluginRecord | undefined {
    return this.#loaded.get(name);
  }

  /** Loaded plugins in load order. */
  records(): PluginRecord[] {
    return [...this.#loaded.values()].sort((a, b) => a.sequence - b.sequence);
  }

  /** The record of a plugin instance or name, loading ones included; throws when unknown. */
  recordOf(plugin: Plugin | string): PluginRecord {
    const record =
      typeof plugin === 'string' ? (this.#loaded.get(plugin) ?? this.#loading.get(plugin)) : this.#byInstance.get(plugin as object);
    if (record === undefined) throw pluginNotFoundError(typeof plugin === 'string' ? plugin : String(plugin?.name));
    return record;
  }

  /** Reserves the record's name for a load; `replacing` (a reload) may reuse a loaded name. */
  reserve(record: PluginRecord, replacing: boolean): void {
    const { name, plugin } = record;
    const loading = this.#loading.has(name);
    if (loading || (!replacing && this.#loaded.has(name)) || this.#byInstance.has(plugin)) {
      throw pluginExistsError({ pluginName: name, module: record.origin.module, resolvedPath: record.origin.resolvedPath }, loading);
    }
    this.#loading.set(name, record);
    this.#byInstance.set(plugin, record);
  }

  /** Ends a load's reservation of the name (the instance stays known until `forget`). */
  unreserve(record: PluginRecord): void {
    if (this.#loading.get(record.name) === record) this.#loading.delete(record.name);
  }

  /** Forgets an instance for good. */
  forget(record: PluginRecord): void {
    this.#byInstance.delete(record.plugin);
  }

  /** Adds a freshly loaded plugin at the end of the load order. */
  add(record: PluginRecord): void {
    record.sequence = ++this.#sequence;
    this.#loaded.set(record.name, record);
    this.#onChange(this.#loaded.values());
  }

  /** Puts `record` in `old`'s place, keeping its position in the load order (reload). */
  replace(old: PluginRecord, record: PluginRecord): void {
    record.sequence = old.sequence;
    this.#loaded.set(record.name, record);
    this.#onChange(this.#loaded.values());
  }

  /** Removes a loaded plugin; false when `record` is not the one loaded under its name. */
  remove(record: PluginRecord): boolean {
    if (this.#loaded.get(record.name) !== record) return false;
    this.#loaded.delete(record.name);
    this.#onChange(this.#loaded.values());
    return true;
  }

  /** Reports a state change of a loaded record (e.g. disabled). */
  touch(): void {
    this.#onChange(this.#loaded.values());
  }
}
