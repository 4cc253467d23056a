import {
  checkDependencyVersion,
  cycleError,
  disabledDependencyError,
  missingDependencyError,
  declaredDependencies,
} from './plugin-dependencies.js';
import { withSource } from '../plugin-errors.js';
import type { PluginRecord } from '../plugin-record.js';

/**
 * Throws unless every dependency of `record` is loaded at a satisfying version (manual loads and
 * reloads: unlike config loading, they do not wait for a dependency to arrive). A dependency that the
 * config switched off (`isDisabled`) is reported as disabled rather than missing.
 */
export function assertDependenciesLoaded(
  record: PluginRecord,
  loaded: (name: string) => PluginRecord | undefined,
  isDisabled: (name: string) => boolean,
): void {
  for (const dep of declaredDependencies(record.plugin)) {
    if (dep.name === record.name) throw cycleError(record.name, [record.name, record.name]);
    const provider = loaded(dep.name);
    if (provider === undefined) {
      // An optional dependency only orders loading when present.
      if (dep.optional) continue;
      const error = isDisabled(dep.name) ? disabledDependencyError(record.name, dep) : missingDependencyError(record.name, dep);
      throw withSource(error, record.origin);
    }
    checkDependencyVersion(record.name, dep, provider.version);
  }
}
