import type { AppHandle } from '../connection/app-handle.js';
import type { SharedPool } from '../connection/shared-pool.js';
import type { AppRunner } from './app-runner.js';
import type { ResolvedAppConfig } from '../connection/app-config.js';
import type { PluginDataStatus } from '../plugins/data/plugin-data-status.js';
import type { AppConfigView } from '../connection/app-config-view.js';
import type { AppState } from '../plugins/lifecycle-types.js';

/** The registry's record of one app across its lifecycle. */
export interface AppEntry {
  readonly name: string;
  state: AppState;
  readonly config: ResolvedAppConfig;
  readonly view: AppConfigView;
  /** Registration order, for reverse-order shutdown. */
  readonly sequence: number;
  pool?: SharedPool | undefined;
  connection?: AppHandle;
  /** The one path to the app's runners (pipelines and the handle's manual calls). */
  runner?: AppRunner;
  /** Batches this registration applied; unregistering undoes exactly these by default. */
  migrationBatch: number | null;
  seedBatch: number | null;
  registeredAt?: Date;
  /** What each plugin's own migrations and seeds did in this app, by plugin name. */
  pluginData?: Map<string, PluginDataStatus>;
  /** The registration or unregistration in progress, so shutdown can wait for it. */
  work?: Promise<unknown> | undefined;
}
