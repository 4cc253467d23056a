import { collectSecrets } from '../connection/connection-target.js';
import type { ValidatedConfig } from '../config/validate-config.js';

/** Every password and connection string in a config, so the CLI can mask them in anything it prints. */
export function configSecrets(loaded: ValidatedConfig): string[] {
  const secrets = loaded.apps.flatMap((app) => collectSecrets(app.resolved.database?.connection));
  const url = process.env['DATABASE_URL'];
  if (url !== undefined) secrets.push(...collectSecrets(url));
  return secrets;
}
