import { createRequire } from 'node:module';
import { KnexusError } from '../errors.js';

/** Clients whose driver package was found; a driver does not vanish while the process runs. */
const found = new Set<string>();

/**
 * Throws KNEXUS_ERR_DRIVER_MISSING, naming the package and its install command, unless the driver
 * package of `client` (`pg`, `mysql2`, `better-sqlite3`: each client is named after its package)
 * can be resolved from where knex will `require` it. The driver is located, never loaded.
 */
export function assertDriverInstalled(client: string, appName: string): void {
  if (found.has(client)) return;
  try {
    // knex requires the driver from its own folder; the user's knex (a peer dependency) may live elsewhere than ours.
    const fromKnex = createRequire(createRequire(import.meta.url).resolve('knex'));
    fromKnex.resolve(client);
  } catch {
    throw new KnexusError(
      'KNEXUS_ERR_DRIVER_MISSING',
      `App '${appName}' uses client '${client}', but its driver package '${client}' is not installed: run \`npm install ${client}\``,
      { appName, client, field: 'database.client', details: { package: client, install: `npm install ${client}` } },
    );
  }
  found.add(client);
}
