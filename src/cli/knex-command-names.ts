/**
 * knex's CLI words, so `knexus migrate:latest` does what a knex user means and a typo gets a
 * "did you mean" instead of a list.
 */

/** knex's command names and the knexus command each one runs. */
export const KNEX_COMMANDS = Object.freeze({
  'migrate:latest': 'migrate',
  'migrate:rollback': 'rollback',
  'migrate:make': 'make:migration',
  'migrate:status': 'status',
  'migrate:list': 'status',
  // One migration forward; `migrate:up <name>` up to and including that one.
  'migrate:up': 'migrate',
  // The last migration back (knexus rollback --step 1).
  'migrate:down': 'rollback',
  'seed:run': 'seed',
  'seed:make': 'make:seed',
} as const);
/** A knex command name knexus accepts. */
export type KnexCommandName = keyof typeof KNEX_COMMANDS;

/** True when `name` is one of knex's command names. */
export function isKnexCommand(name: string): name is KnexCommandName {
  return Object.hasOwn(KNEX_COMMANDS, name);
}

/** The closest known word to `word` (within a third of its length in edits), or undefined. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
