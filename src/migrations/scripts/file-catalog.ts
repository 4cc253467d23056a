import { readdir, readFile } from 'node:fs/promises';
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { KnexusError } from '../../errors.js';
import { checksum } from './checksum.js';

/** Extensions a migration or seed file may have; `.d.ts` files are skipped. */
export const SCRIPT_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts'] as const;
/** A migration or seed file extension. */
export type ScriptExtension = (typeof SCRIPT_EXTENSIONS)[number];

/** One migration or seed file as found on disk. */
export interface CatalogFile {
  /** The file name, which is also its key in the ledger. */
  readonly name: string;
  readonly path: string;
  readonly checksum: string;
  /** Changes whenever the file is edited (`mtimeNs:size`), so caches keyed on it never go stale. */
  readonly version: string;
}

/** Every file of an app's directories, sorted by file name. */
export interface Catalog {
  readonly files: readonly CatalogFile[];
  readonly byName: ReadonlyMap<string, CatalogFile>;
}

/** Who is asking, so errors name the app and the config option to fix. */
export interface CatalogContext {
  readonly appName: string;
  /** `migrations` or `seeds`, the config section whose `directory` is read. */
  readonly section: string;
}

interface Listing {
  readonly version: bigint;
  readonly names: readonly string[];
}

interface Merged {
  readonly listings: readonly Listing[];
  readonly entries: readonly { readonly name: string; readonly path: string }[];
  catalog: Catalog | undefined;
}

const isScript = (name: string): boolean =>
  !name.startsWith('.') && !name.endsWith('.d.ts') && (SCRIPT_EXTENSIONS as readonly string[]).includes(extname(name));

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Lists, sorts and checksums migration and seed files, caching everything process-wide.
 *
 * Registering hundreds of apps that share one folder must not re-read it each time, so listings and
 * checksums are reused until a `stat` shows the directory or file changed (mtime in nanoseconds and size).
 * The stats are synchronous on purpose: a cached stat costs microseconds, while an async one costs a
 * thread-pool round trip per file, which dominates when apps register back to back.
 */
export class FileCatalog {
  /** The catalog shared by every runner in this process. */
  static readonly shared = new FileCatalog();

  #listings = new Map<string, Listing>();
  #files = new Map<string, CatalogFile>();
  #merged = new Map<string, Merged>();

  /**
   * Every script file in `directories`, sorted by file name; throws if two folders hold the same name.
   * `extensions` (knex's `loadExtensions`) narrows which files count; default every supported one.
   */
  async read(directories: readonly string[], context: CatalogContext, extensions: readonly string[] = SCRIPT_EXTENSIONS): Promise<Catalog> {
    const listings = await Promise.all(directories.map((directory) => this.#list(directory, context)));
    const key = `${directories.join('\0')}\0\0${extensions.join(',')}`;
    let merged = this.#merged.get(key);
    if (merged === undefined || merged.listings.some((listing, i) => listing !== listings[i])) {
      merged = { listings, entries: mergeListings(directories, listings, context, extensions), catalog: undefined };
      this.#merged.set(key, merged);
    }
    const files = await Promise.all(merged.entries.map((entry) => this.#file(entry.name, entry.path, context)));
    const present = files.filter((file): file is CatalogFile => file !== undefined);
    const cached = merged.catalog;
    if (cached !== undefined && cached.files.length === present.length && cached.files.every((f, i) => f === present[i])) {
      return cached;
    }
    merged.catalog = Object.freeze({ files: Object.freeze(present), byName: new Map(present.map((f) => [f.name, f])) });
    return merged.catalog;
  }

  /** Forgets everything cached (tests and hot-reload tooling). */
  clear(): void {
    this.#listings.clear();
    this.#files.clear();
    this.#merged.clear();
  }

  async #list(directory: string, context: CatalogContext): Promise<Listing> {
    const stats = statSync(directory, { bigint: true, throwIfNoEntry: false });
    if (stats === undefined || !stats.isDirectory()) {
      const problem =
        stats === undefined ? 'does not exist' : `is ${stats.isFile() ? 'a file' : 'not a folder'}, not a folder of ${context.section}`;
      throw new KnexusError(
        'KNEXUS_ERR_INVALID_CONFIG',
        `The ${context.section} directory of app '${context.appName}' ${problem}: ${directory}. Check ${context.section}.directory.`,
        { appName: context.appName, field: `${context.section}.directory`, resolvedPath: directory },
      );
    }
    const cached = this.#listings.get(directory);
    if (cached !== undefined && cached.version === stats.mtimeNs) return cached;
    const entries = await readdir(directory, { withFileTypes: true });
    const names = entries.filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && isScript(entry.name)).map((entry) => entry.name);
    const listing: Listing = { version: stats.mtimeNs, names };
    this.#listings.set(directory, listing);
    return listing;
  }

  async #file(name: string, path: string, context: CatalogContext): Promise<CatalogFile | undefined> {
    let stats;
    try {
      stats = statSync(path, { bigint: true, throwIfNoEntry: false });
    } catch (error) {
      // ELOOP (a symlink loop), EACCES and the like: the file is listed but cannot be read.
      throw unusableFile(name, path, context, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
    }
    if (stats === undefined) {
      // A symlink whose target is gone would otherwise vanish from the catalog without a word.
      if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
        throw unusableFile(name, path, context, `is a symbolic link to ${readlinkSafe(path)}, which does not exist`);
      }
      // Deleted since the listing was cached; the directory's new mtime triggers a rescan next time.
      return undefined;
    }
    if (!stats.isFile())
      throw unusableFile(name, path, context, stats.isDirectory() ? 'is (a link to) a directory, not a file' : 'is not a regular file');
    const version = `${stats.mtimeNs}:${stats.size}`;
    const cached = this.#files.get(path);
    if (cached !== undefined && cached.version === version) return cached;
    const file: CatalogFile = Object.freeze({ name, path, version, checksum: checksum(await readFile(path)) });
    this.#files.set(path, file);
    return file;
  }
}

function mergeListings(
  directories: readonly string[],
  listings: readonly Listing[],
  context: CatalogContext,
  extensions: readonly string[],
): { name: string; path: string }[] {
  const paths = new Map<string, string>();
  listings.forEach((listing, i) => {
    const directory = directories[i] as string;
    for (const name of listing.names) {
      if (!extensions.includes(extname(name))) continue;
      const path = join(directory, name);
      const previous = paths.get(name);
      if (previous !== undefined) {
        throw new KnexusError(
          'KNEXUS_ERR_INVALID_CONFIG',
          `App '${context.appName}' has two ${context.section} files named ${name} (${previous} and ${path}); ` +
            `names are the ledger key, so rename one of them or drop a folder from ${context.section}.directory.`,
          { appName: context.appName, file: name, field: `${context.section}.directory`, details: { paths: [previous, path] } },
        );
      }
      paths.set(name, path);
    }
  });
  return [...paths].sort(([a], [b]) => byCodeUnit(a, b)).map(([name, path]) => ({ name, path }));
}

/** The coded error for a listed script that is not a readable file: a link to a folder, a link loop, a dangling link. */
function unusableFile(name: string, path: string, context: CatalogContext, problem: string, cause?: unknown): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_INVALID_CONFIG',
    `The ${context.section} file ${name} of app '${context.appName}' ${problem}: ${path}. Fix or remove it from ${context.section}.directory.`,
    { appName: context.appName, file: name, field: `${context.section}.directory`, resolvedPath: path },
    cause,
  );
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return 'a missing target';
  }
}
