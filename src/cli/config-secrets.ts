import { explicitPluginEntries } from '../plugins/loading/discover-plugins.js';
import { collectSecrets } from '../connection/connection-target.js';
import type { ValidatedConfig } from '../config/validate-config.js';

/** Keys whose string value is a secret wherever it appears in a plugin's config. */
const SECRET_KEYS = ['password', 'connectionString'] as const;

/** How deep plugin configs are searched; deeper values are not plausible connection settings. */
const MAX_DEPTH = 8;

/**
 * Every password and connection string in a config, so the CLI can mask them in anything it prints:
 * the apps' connections, the plugin storage connection (`pluginManager.storage`), DATABASE_URL, and,
 * anywhere inside a plugin's `config`, `password` and `connectionString` values and URLs with a password.
 */
export function configSecrets(loaded: ValidatedConfig): string[] {
  const secrets = loaded.apps.flatMap((app) => collectSecrets(app.resolved.database?.connection, app.resolved.database?.directConnection));
  const storage = loaded.config.pluginManager?.storage;
  if (storage !== undefined && typeof storage === 'object') secrets.push(...collectSecrets(storage.connection));
  for (const [, entry] of explicitPluginEntries(loaded.config.plugins)) secrets.push(...nestedSecrets(entry.config, 0, new Set()));
  const url = process.env['DATABASE_URL'];
  if (url !== undefined) secrets.push(...collectSecrets(url));
  return [...new Set(secrets)];
}

function nestedSecrets(value: unknown, depth: number, seen: Set<object>): string[] {
  // A URL with a password (`postgres://u:pw@host/db`) is a secret under any key.
  if (typeof value === 'string') return hasPassword(value) ? collectSecrets(value) : [];
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || seen.has(value)) return [];
  seen.add(value);
  const secrets: string[] = [];
  if (!Array.isArray(value)) secrets.push(...collectSecrets(pick(value as Record<string, unknown>)));
  for (const child of Object.values(value)) secrets.push(...nestedSecrets(child, depth + 1, seen));
  return secrets;
}

/** The object's secret-bearing keys only, in the shape `collectSecrets` reads. */
function pick(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SECRET_KEYS) if (typeof object[key] === 'string') out[key] = object[key];
  return out;
}

function hasPassword(text: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(text)) return false;
  try {
    return new URL(text).password !== '';
  } catch {
    return false;
  }
}
