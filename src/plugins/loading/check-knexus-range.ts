import semver from 'semver';
import { KnexusError } from '../../errors.js';
import { knexusVersion } from '../../util/knexus-version.js';
import { invalidPluginError, type PluginErrorSource } from '../plugin-errors.js';
import { declared } from './plugin-declarations.js';
import type { Plugin } from '../plugin.js';

/**
 * Throws `KNEXUS_ERR_PLUGIN_INCOMPATIBLE` when a plugin declares a `knexus` version range (instance or
 * static, e.g. `static knexus = '^0.1.0'`) that the running knexus does not satisfy.
 */
export function checkKnexusRange(plugin: Plugin, source: PluginErrorSource, running: string = knexusVersion()): void {
  const range = declared(plugin, 'knexus');
  if (range === undefined) return;
  if (typeof range !== 'string' || semver.validRange(range) === null) {
    throw invalidPluginError(
      source,
      `Plugin '${plugin.name}': knexus must be a semver range of supported knexus versions, e.g. '^0.1.0', got ${JSON.stringify(range)}`,
    );
  }
  if (!semver.satisfies(running, range, { includePrerelease: true })) {
    throw new KnexusError(
      'KNEXUS_ERR_PLUGIN_INCOMPATIBLE',
      `Plugin '${plugin.name}' supports knexus ${range}, but this is knexus ${running}: install a version of the plugin made for it, or a knexus it supports`,
      {
        pluginName: plugin.name,
        ...(source.module === undefined ? {} : { module: source.module }),
        ...(source.resolvedPath === undefined ? {} : { resolvedPath: source.resolvedPath }),
        phase: 'validate',
        details: { range, knexus: running },
      },
    );
  }
}
