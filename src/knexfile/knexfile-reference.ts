/** `database` naming a knexfile: its environment's settings are the defaults, the other fields here override them. */
export interface KnexfileReference {
  /** Path of the knexfile (`.js`, `.cjs`, `.mjs`, `.ts`), relative to the config's folder (`baseDir`). */
  knexfile: string;
  /** Environment to read; default `NODE_ENV`, then `development` (as knex). Ignored by a knexfile without environments. */
  environment?: string;
  client?: string;
  connection?: string | Readonly<Record<string, unknown>>;
  pool?: Readonly<Record<string, unknown>>;
}
