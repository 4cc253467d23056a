import { isAbsolute, relative } from 'node:path';
import type { ConnectionTarget } from '../connection/connection-target.js';

/** Where a connection points, for people: `better-sqlite3 data/blog.sqlite`, `pg app@db:5432/blog (schema s)`. Never holds a secret. */
export function formatTarget(target: ConnectionTarget | undefined, cwd = process.cwd()): string {
  if (target === undefined) return 'unknown';
  let where: string;
  if (target.filename !== undefined) {
    const rel = relative(cwd, target.filename);
    where = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : target.filename;
  } else {
    const host = target.host === undefined ? '' : `${target.host}${target.port === undefined ? '' : `:${target.port}`}`;
    const user = target.user === undefined ? '' : `${target.user}@`;
    where = `${user}${host}${target.database === undefined ? '' : `/${target.database}`}`;
  }
  const schema = target.schema === undefined ? '' : ` (schema ${target.schema})`;
  return `${target.client} ${where}${schema}`.trim();
}
