import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The running knexus version, read from the nearest `package.json` named `knexus` above this file
 * (so it works from `src/` and from a build in `dist/`); `0.0.0` when none is found.
 */
export function knexusVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'knexus' && typeof manifest.version === 'string') return (cached = manifest.version);
    } catch {
      // No manifest here (or an unreadable one): keep walking up.
    }
    if (dirname(dir) === dir) return (cached = '0.0.0');
  }
}
