import type { Knex } from 'knex';

/** The statement (`set local search_path to …`) that opens every transaction of a scoped client; undefined: none. */
const SCOPE = Symbol('knexus.statementScope');

/** The parts of knex's pg client this module relies on (knex 3: dialects/postgres/index.js). */
interface ScopedClient {
  readonly [SCOPE]: string | undefined;
  /** Set on the copies knex makes for a transaction (`makeTxClient`). */
  readonly transacting?: boolean;
  _query(connection: unknown, obj: QueryObject): Promise<QueryObject>;
}

interface QueryObject {
  sql: string;
  bindings?: readonly unknown[];
  options?: Record<string, unknown>;
}

type ClientClass = new (...args: never[]) => ScopedClient;

// knex's pg transactions open with `BEGIN;` or `BEGIN TRANSACTION <mode>;`; savepoints never do.
const BEGIN = /^\s*begin\b[^;]*;?\s*$/i;

/** Runs `obj` through `run` between `begin; <scope>` and `commit` (`rollback` when it fails). */
async function inTransaction(run: (obj: QueryObject) => Promise<QueryObject>, obj: QueryObject, scope: string): Promise<QueryObject> {
  await run({ sql: `begin; ${scope}`, bindings: [] });
  let result: QueryObject;
  try {
    result = await run(obj);
  } catch (error) {
    // A broken connection fails the rollback too; the statement's own error is the one to report.
    await run({ sql: 'rollback', bindings: [] }).catch(() => undefined);
    throw error;
  }
  await run({ sql: 'commit', bindings: [] });
  return result;
}

const scopedClasses = new WeakMap<ClientClass, ClientClass>();

/**
 * knex's pg client with every statement run inside a transaction that starts with the scope: a knex
 * transaction gets it in the same round trip as its BEGIN; a statement outside one is wrapped in
 * `begin; <scope>` … `commit` (two more round trips). Nothing is ever set on the session, so a
 * transaction pooler (PgBouncer `pool_mode = transaction`) may hand the next statement any server
 * connection without another app's schema reaching it.
 */
function scopedClass(Base: ClientClass): ClientClass {
  // Already scoped further up the chain (a tenant's client derived from a scoped owner's): only the
  // scope value changes, the wrapping must not happen twice.
  if (SCOPE in Base.prototype) return Base;
  let Scoped = scopedClasses.get(Base);
  if (Scoped === undefined) {
    Scoped = class StatementScopedClient extends Base {
      declare readonly [SCOPE]: string | undefined;

      override _query(connection: unknown, obj: QueryObject): Promise<QueryObject> {
        const scope = this[SCOPE];
        if (scope === undefined) return super._query(connection, obj);
        if (this.transacting === true) {
          // BEGIN has no bindings, so pg sends it as a simple query, which may hold two statements.
          if (BEGIN.test(obj.sql)) obj.sql = `${obj.sql.replace(/;?\s*$/, '')}; ${scope}`;
          return super._query(connection, obj);
        }
        // A function, not a #private method: the pool owner's client gets this class by setPrototypeOf, never by construction.
        return inTransaction((query) => super._query(connection, query), obj, scope);
      }
    } as unknown as ClientClass;
    Object.defineProperty(Scoped.prototype, SCOPE, { value: undefined, writable: false });
    scopedClasses.set(Base, Scoped);
  }
  return Scoped;
}

/**
 * Makes `knex` (and every knex and transaction derived from it) run each statement in a transaction
 * that begins with `scope`. The scope sits on a per-knex subclass's prototype, because knex builds
 * a transaction's client from the prototype of the knex's client (`makeTxClient`), not from its own
 * properties.
 */
export function scopeStatements(knex: Knex, scope: string | undefined): void {
  const client = knex.client as unknown as ScopedClient;
  const Current = (client as unknown as { constructor: ClientClass }).constructor;
  const Own = class extends scopedClass(Current) {} as ClientClass;
  Object.defineProperty(Own.prototype, SCOPE, { value: scope });
  Object.setPrototypeOf(client, Own.prototype);
}
