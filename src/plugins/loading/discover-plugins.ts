import { readdirSync } from 'node:fs';
import path from 'node:path';
import { KnexusError } from '../../errors.js';
import { MODULE_EXTENSIONS } from './resolve-plugin-module.js';
import type { PluginEntry, PluginsConfig } from '../plugin-types.js';
import { isDirectory, isFile } from '../../util/path-kind.js';

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * Turns a `plugins` config with `directory` (a folder, a glob, or a list of them) into plain entries:
 * every plugin module found there (a `.js/.mjs/.cjs/.ts` file, or a folder with an `index` file) is
 * an entry keyed by its file or folder name, taking `enabled`/`config` from the `plugins.<name>`
 * entry of that name; an explicit entry with a `module` wins over a found one. Throws
 * `KNEXUS_ERR_INVALID_CONFIG` for a folder that does not exist.
 */
export function expandPluginEntries(plugins: PluginsConfig, baseDir: string): Record<string, PluginEntry> {
  const { directory, ...rest } = plugins as PluginsConfig & { directory?: unknown };
  const explicit = rest as Record<string, PluginEntry>;
  if (directory === undefined) return { ...explicit };
  const patterns = typeof directory === 'string' ? [directory] : directory;
  if (!Array.isArray(patterns) || !patterns.every((p) => typeof p === 'string' && p !== '')) {
    throw discoveryError("must be a folder, a glob or a list of them, e.g. { directory: './plugins' }");
  }
  const found = new Map<string, string>();
  for (const pattern of patterns as string[]) {
    for (const [key, file] of discover(pattern, baseDir)) if (!found.has(key)) found.set(key, file);
  }
  const out: Record<string, PluginEntry> = {};
  for (const [key, entry] of Object.entries(explicit)) {
    const module = found.get(key);
    out[key] = typeof entry?.module === 'string' || module === undefined ? entry : { ...entry, module };
  }
  for (const [key, module] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    if (!(key in out)) out[key] = { module };
  }
  return out;
}

/** The entries written in a `plugins` config, without `directory` and without looking at any folder. */
export function explicitPluginEntries(plugins: PluginsConfig | undefined): [string, Partial<PluginEntry>][] {
  return Object.entries(plugins ?? {}).flatMap(([key, entry]) =>
    key === 'directory' || entry === null || typeof entry !== 'object' || Array.isArray(entry)
      ? []
      : [[key, entry as Partial<PluginEntry>]],
  );
}

function discoveryError(problem: string, extra: Record<string, unknown> = {}): KnexusError {
  return new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `plugins.directory ${problem}`, { field: 'plugins.directory', details: extra });
}

/** Plugin modules under one folder or glob, by key. */
function discover(pattern: string, baseDir: string): [string, string][] {
  const absolute = path.resolve(baseDir, pattern);
  if (!GLOB_CHARS.test(pattern)) {
    if (!isDirectory(absolute)) throw discoveryError(`'${pattern}' is not a folder (looked for ${absolute})`, { directory: absolute });
    return readdirSync(absolute).flatMap((name) => {
      const found = pluginModuleAt(path.join(absolute, name));
      return found === undefined ? [] : [[keyOf(name), found] as [string, string]];
    });
  }
  // A glob: walk from its fixed leading folders, keep the matching files and folders.
  const segments = absolute.split(path.sep);
  const fixed =
    segments
      .slice(
        0,
        segments.findIndex((s) => GLOB_CHARS.test(s)),
      )
      .join(path.sep) || path.sep;
  if (!isDirectory(fixed)) return [];
  const candidates = [fixed, ...readdirSync(fixed, { recursive: true }).map((p) => path.join(fixed, String(p)))];
  return candidates.flatMap((candidate) => {
    if (!path.matchesGlob(candidate, absolute)) return [];
    const found = pluginModuleAt(candidate);
    return found === undefined ? [] : [[keyOf(path.basename(candidate)), found] as [string, string]];
  });
}

/** The module file a directory entry stands for: itself (a module file) or its folder's `index`. */
function pluginModuleAt(entry: string): string | undefined {
  const name = path.basename(entry);
  if (name.startsWith('.') || name.startsWith('_') || name === 'node_modules') return undefined;
  if (isDirectory(entry)) {
    for (const ext of MODULE_EXTENSIONS) if (isFile(path.join(entry, `index${ext}`))) return path.join(entry, `index${ext}`);
    return undefined;
  }
  if (/\.d\.[cm]?ts$|\.(test|spec)\.[cm]?[jt]s$/.test(name)) return undefined;
  return (MODULE_EXTENSIONS as readonly string[]).includes(path.extname(name)) ? entry : undefined;
}

function keyOf(name: string): string {
  const ext = path.extname(name);
  return (MODULE_EXTENSIONS as readonly string[]).includes(ext) ? name.slice(0, -ext.length) : name;
}
