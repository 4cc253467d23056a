import semver from 'semver';
import { KnexusError, errorMessage } from '../../errors.js';
import { declared } from './plugin-declarations.js';
import type { PluginDependencies } from '../plugin.js';

/** One declared dependency: a plugin name and an optional semver range. */
export interface DependencySpec {
  readonly name: string;
  readonly range: string | undefined;
}

/** A plugin's `dependencies` then its `optionalDependencies` (read from instance or class), the latter marked. */
export function declaredDependencies(plugin: object): (DependencySpec & { readonly optional: boolean })[] {
  const required = normalizeDependencies(declared(plugin, 'dependencies') as PluginDependencies | undefined);
  const optional = normalizeDependencies(declared(plugin, 'optionalDependencies') as PluginDependencies | undefined);
  return [...required.map((d) => ({ ...d, optional: false })), ...optional.map((d) => ({ ...d, optional: true }))];
}

/** Turns `['a']` or `{ a: '^1.2.0' }` into a list of specs. */
export function normalizeDependencies(deps: PluginDependencies | undefined): DependencySpec[] {
  if (deps === undefined) return [];
  if (Array.isArray(deps)) return (deps as readonly string[]).map((name) => ({ name, range: undefined }));
  return Object.entries(deps as Readonly<Record<string, string>>).map(([name, range]) => ({
    name,
    range: range === '' || range === '*' ? undefined : range,
  }));
}

function describe(dep: DependencySpec): string {
  return dep.range === undefined ? `'${dep.name}'` : `'${dep.name}' (${dep.range})`;
}

/** Throws unless `version` satisfies `dep.range`. */
export function checkDependencyVersion(pluginName: string, dep: DependencySpec, version: string): void {
  if (dep.range === undefined) return;
  if (semver.validRange(dep.range) === null) {
    throw new KnexusError(
      'KNEXUS_ERR_PLUGIN_DEPENDENCY',
      `Plugin '${pluginName}' declares an invalid version range for '${dep.name}': ${dep.range}`,
      { pluginName, phase: 'dependencies', details: { dependency: dep.name, range: dep.range } },
    );
  }
  if (semver.valid(version) === null || !semver.satisfies(version, dep.range, { includePrerelease: true })) {
    throw new KnexusError(
      'KNEXUS_ERR_PLUGIN_DEPENDENCY',
      `Plugin '${pluginName}' requires '${dep.name}' ${dep.range}, but version ${version} is loaded`,
      { pluginName, phase: 'dependencies', details: { dependency: dep.name, range: dep.range, version } },
    );
  }
}

/** The dependency is neither loaded nor configured. */
export function missingDependencyError(pluginName: string, dep: DependencySpec): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_DEPENDENCY',
    `Plugin '${pluginName}' requires ${describe(dep)}, which is not loaded. Load it first or add it to the plugins config.`,
    { pluginName, phase: 'dependencies', details: { dependency: dep.name, ...(dep.range === undefined ? {} : { range: dep.range }) } },
  );
}

/** The dependency is in the plugins config but turned off with `enabled: false`. */
export function disabledDependencyError(pluginName: string, dep: DependencySpec): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_DEPENDENCY',
    `Plugin '${pluginName}' requires ${describe(dep)}, which is disabled in the plugins config (enabled: false). ` +
      `Enable it, or remove the dependency.`,
    {
      pluginName,
      phase: 'dependencies',
      details: { dependency: dep.name, disabled: true, ...(dep.range === undefined ? {} : { range: dep.range }) },
    },
  );
}

/** The dependency failed to load, so this plugin cannot either. */
export function failedDependencyError(pluginName: string, dep: DependencySpec, cause: unknown): KnexusError {
  const reason = errorMessage(cause);
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_DEPENDENCY',
    `Plugin '${pluginName}' requires ${describe(dep)}, which failed to load: ${reason}`,
    { pluginName, phase: 'dependencies', details: { dependency: dep.name } },
    cause,
  );
}

/** A dependency cycle through `path` (which starts and ends with the same name). */
export function cycleError(pluginName: string, path: readonly string[]): KnexusError {
  return new KnexusError('KNEXUS_ERR_PLUGIN_CYCLE', `Plugin '${pluginName}' is part of a dependency cycle: ${path.join(' -> ')}`, {
    pluginName,
    phase: 'dependencies',
    details: { cycle: [...path] },
  });
}
