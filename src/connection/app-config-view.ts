import type { ClientName } from '../clients.js';
import type { ConnectionTarget } from './connection-target.js';

/** Migration or seed settings as plugins see them. */
export interface FolderSettingsView {
  readonly enabled: boolean;
  /** `directory`: the resolved folder, or the folders when there are several (undefined when none). */
  readonly directory: string | readonly string[] | undefined;
  readonly directories: readonly string[];
  readonly tableName: string;
}

/** A secret-free view of an app's config, given to plugins and events. */
export interface AppConfigView {
  readonly client: ClientName;
  readonly target: ConnectionTarget;
  /** `config.database`: client, host, port, database, user or filename; never the password. */
  readonly database: ConnectionTarget;
  readonly schema: string | undefined;
  readonly migrations: FolderSettingsView;
  readonly seeds: FolderSettingsView;
  readonly models: readonly string[];
  readonly reusable: boolean;
  readonly useConnection: string | undefined;
}
