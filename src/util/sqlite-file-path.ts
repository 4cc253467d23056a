/**
 * The path on disk an SQLite filename names, or undefined when it names none: `:memory:` (a private
 * in-memory database), `''` (a private temporary one) and `file:` URIs (left exactly as written).
 * The one rule behind resolving relative files, creating their folders and reporting missing ones.
 */
export function sqliteFilePath(filename: unknown): string | undefined {
  if (typeof filename !== 'string' || filename === '' || filename === ':memory:' || filename.startsWith('file:')) return undefined;
  return filename;
}
