import type { ResolvedAppConfig } from '../connection/app-config.js';
import { describeTarget, type ConnectionTarget } from '../connection/connection-target.js';
import { KnexusError } from '../errors.js';
import { sharedPoolOf } from './app-connection.js';
import type { AppEntry } from './app-entry.js';
import { configView } from './app-config/config-view.js';
import { assertDirectForScripts, assertTenantFits } from './tenant-rules.js';

/**
 * The registry's new entry for app `name` (state `registering`), refused if the name is taken or its
 * `useConnection` owner cannot be shared. Its connection target is computed here, once: the pipeline,
 * the handle, events and status all read `entry.view.target`.
 */
export function reserveApp(
  apps: ReadonlyMap<string, AppEntry>,
  name: string,
  resolve: () => ResolvedAppConfig,
  sequence: number,
): AppEntry {
  const existing = apps.get(name);
  if (existing !== undefined) {
    throw new KnexusError('KNEXUS_ERR_APP_EXISTS', `App '${name}' is already registered (state: ${existing.state})`, { appName: name });
  }
  const config = resolve();
  let target: ConnectionTarget;
  if (config.useConnection !== undefined) {
    const pool = sharedPoolOf(apps, name, config.useConnection);
    target = pool.target;
    assertDirectForScripts(name, config, pool);
    if (config.schema !== undefined) {
      assertTenantFits(name, config, pool);
      target = Object.freeze({ ...target, schema: config.schema });
    }
  } else {
    const db = config.database!;
    target = describeTarget(db.client, db.connection, config.schema, db.pooler);
  }
  return { name, state: 'registering', config, view: configView(config, target), sequence, migrationBatch: null, seedBatch: null };
}
