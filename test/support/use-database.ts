/**
 * `useDatabase(dialect)`: a describe block's own database, created before its first test and dropped
 * after its last, so the tests inside only name it.
 *
 * In CI (`CI=true`) an unreachable server fails the block; elsewhere its tests are skipped with a
 * message naming the missing server.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createDatabase, serverLabel, type Dialect, type TestDatabase } from './databases.js';

/** The block's database; read it inside tests and hooks (it exists from the block's `beforeAll` on). */
export interface UsedDatabase extends TestDatabase {
  /** False when the server is missing outside CI (the block's tests are then skipped); a `beforeAll` checks it before using the database. */
  readonly available: boolean;
}

/** Creates `dialect`'s database for the enclosing describe block (or file) and drops it afterwards. */
export function useDatabase(dialect: Dialect): UsedDatabase {
  let current: TestDatabase | null | undefined;
  beforeAll(async () => {
    current = await createDatabase(dialect);
  });
  beforeEach((context) => {
    if (current === null) context.skip(`${serverLabel(dialect)} is unreachable (CI=true makes this a failure)`);
  });
  afterAll(async () => {
    await current?.drop();
    current = undefined;
  });
  const database = (): TestDatabase => {
    if (!current)
      throw new Error(
        `useDatabase('${dialect}'): the database exists only inside the block's tests and hooks${current === null ? ', and its server is unreachable' : ''}`,
      );
    return current;
  };
  return {
    dialect,
    get available() {
      return current !== null && current !== undefined;
    },
    get name() {
      return database().name;
    },
    get knex() {
      return database().knex;
    },
    config: (overrides) => database().config(overrides),
    drop: () => database().drop(),
  };
}
