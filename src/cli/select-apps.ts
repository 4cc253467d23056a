import { KnexusError } from '../errors.js';
import type { ConfiguredApp, ValidatedConfig } from '../config/validate-config.js';

/**
 * The configured apps a command acts on: all of them, or the one named plus the apps whose connection
 * it shares (`useConnection`), which must be registered first. Unknown names are usage errors.
 */
export function selectApps(loaded: ValidatedConfig, name: string | undefined): { targets: ConfiguredApp[]; toRegister: ConfiguredApp[] } {
  if (name === undefined) return { targets: [...loaded.apps], toRegister: [...loaded.apps] };
  const byName = new Map(loaded.apps.map((app) => [app.name, app]));
  const target = byName.get(name);
  if (target === undefined) {
    const known = loaded.apps.map((app) => app.name).join(', ') || 'none';
    throw new KnexusError('KNEXUS_ERR_USAGE', `No app '${name}' in ${loaded.file} (configured apps: ${known})`, {
      appName: name,
      configFile: loaded.file,
    });
  }
  const chain: ConfiguredApp[] = [target];
  for (let owner = target.resolved.useConnection; owner !== undefined; ) {
    const app = byName.get(owner);
    if (app === undefined) break;
    chain.unshift(app);
    owner = app.resolved.useConnection;
  }
  return { targets: [target], toRegister: chain };
}
