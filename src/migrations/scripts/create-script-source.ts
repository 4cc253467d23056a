import { DirectorySource } from './directory-source.js';
import { SCRIPT_EXTENSIONS } from './file-catalog.js';
import type { KnexSource } from '../knex/knex-source.js';
import type { ScriptSource } from './script-source.js';
import { SourceCatalog } from './source-catalog.js';

/** Where one app's migrations or seeds come from, as configured. */
export interface ScriptSourceSettings {
  readonly directories: readonly string[];
  readonly source?: KnexSource | undefined;
  readonly loadExtensions?: readonly string[] | undefined;
}

/** The app's knex source when it has one, otherwise its directories. */
export function createScriptSource(settings: ScriptSourceSettings, context: { appName: string; section: string }): ScriptSource {
  const extensions = settings.loadExtensions ?? SCRIPT_EXTENSIONS;
  return settings.source === undefined
    ? new DirectorySource(settings.directories, context, extensions)
    : new SourceCatalog(settings.source, context.appName, extensions);
}
