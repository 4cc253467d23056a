/**
 * The gate of the `migrations-lock-holder` fixture: its migration (`001_gate.mjs`) reports that it
 * runs, then holds its app's migration lock until the test releases it.
 */
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** The fixture's migrations folder. */
export const LOCK_HOLDER_MIGRATIONS = fileURLToPath(new URL('../fixtures/migrations-lock-holder', import.meta.url));

interface Gate {
  entered(): void;
  released: Promise<void>;
}
const globals = globalThis as { knexusFixtureGate?: Gate };

/** A closed gate for the next run of the fixture's migration. */
export interface LockHolderGate {
  /** Resolves once the migration is inside, holding the lock. */
  readonly inside: Promise<void>;
  /** Lets the migration finish (idempotent). */
  release(): void;
}

/** Puts a fresh closed gate in the fixture's way; the file's last `afterAll` takes it away again. */
export function closeLockHolderGate(): LockHolderGate {
  let entered!: () => void;
  let release!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  globals.knexusFixtureGate = { entered, released: new Promise<void>((resolve) => (release = resolve)) };
  return { inside, release };
}

/** Removes the gate after the enclosing block's tests, so a later run of the fixture goes straight through. */
export function useLockHolderGate(): void {
  afterAll(() => {
    delete globals.knexusFixtureGate;
  });
}
