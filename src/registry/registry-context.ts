import type { PluginDataSet } from '../plugins/data/plugin-data-set.js';
import type { AppEntry } from './app-entry.js';
import type { RegistryReporter } from './registry-reporter.js';
import type { RegistrySettings } from './registry-settings.js';

/** Registry settings with every default applied. */
export type ResolvedSettings = Readonly<Required<RegistrySettings>>;

/** What the register/unregister pipelines need from the registry; one object, built by AppRegistry. */
export interface RegistryContext extends RegistryReporter {
  readonly settings: ResolvedSettings;
  readonly apps: Map<string, AppEntry>;
  /** The own migrations and seeds of the active plugins, applied to each app after its own. */
  pluginData(): readonly PluginDataSet[];
}
