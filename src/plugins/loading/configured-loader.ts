import type { KnexusError } from '../../errors.js';
import { LoadWindow } from './load-window.js';
import { loadTimeoutError, moduleMissingError, withSource } from '../plugin-errors.js';
import {
  checkDependencyVersion,
  cycleError,
  disabledDependencyError,
  failedDependencyError,
  missingDependencyError,
  declaredDependencies,
  type DependencySpec,
} from './plugin-dependencies.js';
import type { PluginRecord } from '../plugin-record.js';
import type { PluginEntry, PluginFailure } from '../plugin-types.js';

/** What `ConfiguredLoader` needs from the manager. */
export interface ConfiguredLoaderSteps {
  /** Most imports + initializations at once. */
  readonly concurrency: number;
  /** Budget of one entry's own import + initialization (waiting excluded), in ms. */
  readonly budgetMs: number;
  /** Imports and constructs the entry's plugin. */
  prepare(key: string, entry: PluginEntry, timeoutMs: number, timeoutError: KnexusError): Promise<PluginRecord>;
  /** Validates its config, initializes and registers it. */
  activate(record: PluginRecord, entry: PluginEntry, timeoutMs: number, timeoutError: KnexusError): Promise<void>;
  /** An already active plugin named `name`. */
  active(name: string): PluginRecord | undefined;
  /** True when `name` is a config entry turned off with `enabled: false`. */
  disabled(name: string): boolean;
}

/** A promise with its resolvers, marked once settled; never reported as unhandled. */
class Deferred<T> {
  readonly promise: Promise<T>;
  settled = false;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = (value) => {
        this.settled = true;
        resolve(value);
      };
      this.reject = (error) => {
        this.settled = true;
        reject(error);
      };
    });
    this.promise.catch(() => {});
  }
}

/** One config entry on its way through the loader. */
class Job {
  record: PluginRecord | undefined;
  deps: (DependencySpec & { readonly optional: boolean })[] | undefined;
  readonly imported = new Deferred<PluginRecord | undefined>();
  readonly loaded = new Deferred<PluginRecord>();
  constructor(
    readonly key: string,
    readonly entry: PluginEntry,
    readonly index: number,
  ) {}
}

/** The outcome of loading the config entries. */
export interface ConfiguredLoadOutcome {
  /** Names of the plugins loaded (record names, which `get`/`unload` accept). */
  readonly loaded: readonly string[];
  readonly failed: readonly PluginFailure[];
}

/**
 * Loads config entries through a sliding window, in dependency order: an entry is imported as soon
 * as a slot is free, and initialized once every plugin it depends on is loaded at a satisfying
 * version. Missing or failed dependencies, version mismatches and cycles fail the entry (and so its
 * dependents); no failure stops the others.
 */
export class ConfiguredLoader {
  readonly #steps: ConfiguredLoaderSteps;
  readonly #window: LoadWindow;
  readonly #jobs: Job[] = [];

  /** Prepares a loader; `run()` does the work. */
  constructor(steps: ConfiguredLoaderSteps) {
    this.#steps = steps;
    this.#window = new LoadWindow(steps.concurrency);
  }

  /** The most entries that were importing or initializing at once. */
  get peakConcurrency(): number {
    return this.#window.peak;
  }

  /** Loads every enabled entry; never rejects. */
  async run(entries: Readonly<Record<string, PluginEntry>>): Promise<ConfiguredLoadOutcome> {
    for (const [key, entry] of Object.entries(entries)) {
      if (entry?.enabled === false) continue;
      this.#jobs.push(new Job(key, entry, this.#jobs.length));
    }
    const failed: { index: number; failure: PluginFailure }[] = [];
    const loaded: { index: number; name: string }[] = [];
    await Promise.all(
      this.#jobs.map(async (job) => {
        try {
          const record = await this.#load(job);
          loaded.push({ index: job.index, name: record.name });
        } catch (error) {
          const source = { pluginName: job.key, module: job.entry?.module, resolvedPath: job.record?.origin.resolvedPath };
          failed.push({ index: job.index, failure: { name: job.key, error: withSource(error, source) } });
        }
      }),
    );
    return {
      loaded: loaded.sort((a, b) => a.index - b.index).map((l) => l.name),
      failed: failed.sort((a, b) => a.index - b.index).map((f) => f.failure),
    };
  }

  async #load(job: Job): Promise<PluginRecord> {
    const { key, entry } = job;
    try {
      if (entry === null || typeof entry !== 'object' || typeof entry.module !== 'string' || entry.module.trim() === '') {
        throw moduleMissingError(key);
      }
      const budget = this.#steps.budgetMs;
      const timeoutError = loadTimeoutError({ pluginName: key, module: entry.module }, budget, true);
      let spent = 0;
      const timed = async <T>(work: (remaining: number) => Promise<T>): Promise<T> => {
        const started = performance.now();
        try {
          return await work(budget - spent);
        } finally {
          spent += performance.now() - started;
        }
      };
      const record = await this.#window.run(job.index, () => timed((ms) => this.#steps.prepare(key, entry, ms, timeoutError)));
      job.record = record;
      job.deps = declaredDependencies(record.plugin);
      job.imported.resolve(record);
      await this.#awaitDependencies(job, record);
      await this.#window.run(job.index, () => timed((ms) => this.#steps.activate(record, entry, ms, timeoutError)));
      job.loaded.resolve(record);
      return record;
    } catch (error) {
      if (!job.imported.settled) job.imported.resolve(undefined);
      job.loaded.reject(error);
      throw error;
    }
  }

  async #awaitDependencies(job: Job, record: PluginRecord): Promise<void> {
    const deps = job.deps ?? [];
    if (deps.length === 0) return;
    const cycle = await this.#findCycle(job, record);
    if (cycle !== undefined) throw cycleError(record.name, cycle);
    for (const dep of deps) {
      const provider = await this.#provider(dep.name);
      if (provider === undefined) {
        // An optional dependency orders loading when present, and is ignored when absent.
        if (dep.optional) continue;
        throw this.#steps.disabled(dep.name) ? disabledDependencyError(record.name, dep) : missingDependencyError(record.name, dep);
      }
      if (!(provider instanceof Job)) {
        checkDependencyVersion(record.name, dep, provider.version);
        continue;
      }
      const imported = await provider.imported.promise;
      if (imported !== undefined) checkDependencyVersion(record.name, dep, imported.version);
      let loaded: PluginRecord;
      try {
        loaded = await provider.loaded.promise;
      } catch (error) {
        if (dep.optional) continue;
        throw failedDependencyError(record.name, dep, error);
      }
      checkDependencyVersion(record.name, dep, loaded.version);
    }
  }

  /** An active plugin, or the job that provides `name` (waiting for imports when it is unknown yet). */
  async #provider(name: string): Promise<PluginRecord | Job | undefined> {
    const active = this.#steps.active(name);
    if (active !== undefined) return active;
    const byName = this.#jobs.find((j) => j.record?.name === name);
    if (byName !== undefined) return byName;
    // Keyed like the dependency and not (successfully) imported yet, or failed before its name was known.
    const byKey = this.#jobs.find((j) => j.key === name && j.record === undefined);
    if (byKey !== undefined) return byKey;
    if (this.#jobs.every((j) => j.imported.settled)) return undefined;
    // Another entry, not yet imported, may turn out to be named `name`.
    await Promise.all(this.#jobs.map((j) => j.imported.promise));
    return this.#steps.active(name) ?? this.#jobs.find((j) => j.record?.name === name || (j.key === name && j.record === undefined));
  }

  /** A dependency path from `start` back to itself, e.g. `['a', 'b', 'a']`. */
  async #findCycle(start: Job, record: PluginRecord): Promise<string[] | undefined> {
    const seen = new Set<Job>([start]);
    const visit = async (job: Job, path: string[]): Promise<string[] | undefined> => {
      for (const dep of job.deps ?? []) {
        const provider = await this.#provider(dep.name);
        if (!(provider instanceof Job)) continue;
        if (provider === start) return [...path, dep.name];
        if (seen.has(provider)) continue;
        seen.add(provider);
        const imported = await provider.imported.promise;
        if (imported === undefined) continue;
        const found = await visit(provider, [...path, imported.name]);
        if (found !== undefined) return found;
      }
      return undefined;
    };
    return visit(start, [record.name]);
  }
}
