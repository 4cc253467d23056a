import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppConfig } from '../src/registry/app-config/resolve-app-config.js';

// One rule for "which SQLite filenames are files": resolved against the config's folder, created,
// reported missing. In-memory and temporary databases and `file:` URIs are left exactly as written.
const filenameOf = (filename: string) => {
  const resolved = resolveAppConfig('app', { database: { client: 'better-sqlite3', connection: { filename } } }, '/srv/config');
  return (resolved.database!.connection as { filename: string }).filename;
};

describe('SQLite filenames', () => {
  it('resolves relative files against the config folder and keeps absolute ones', () => {
    expect(filenameOf('data/app.db')).toBe(join('/srv/config', 'data/app.db'));
    expect(filenameOf('/var/lib/app.db')).toBe('/var/lib/app.db');
  });

  it("leaves ':memory:', '' and file: URIs as written", () => {
    for (const filename of [':memory:', '', 'file::memory:?cache=shared', 'file:data/app.db?mode=ro'])
      expect(filenameOf(filename)).toBe(filename);
  });
});
