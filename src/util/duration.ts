import { KnexusError } from '../errors.js';

/**
 * The longest delay a Node timer honours: `setTimeout` treats anything of 2^31 ms or more as 1 ms,
 * so a "very long" timeout would fire at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** What a duration option may be. */
export interface DurationRule {
  /** Smallest accepted value; default 0. Use `Number.MIN_VALUE` for "more than 0". */
  readonly min?: number;
  /** Largest accepted value; default `MAX_TIMER_MS` (lower it when the value is multiplied before use). */
  readonly max?: number;
  /** Only whole milliseconds (values handed to a database, such as SQLite's busy timeout). */
  readonly integer?: boolean;
  /** What 0 means, shown in the message (`0: no timeout`). */
  readonly zero?: string;
  /** The app the option belongs to, for the error's context. */
  readonly appName?: string;
}

/**
 * Throws `KNEXUS_ERR_INVALID_CONFIG` naming `field` unless `value` is a finite number of milliseconds
 * within the rule's range; every timeout and interval knexus accepts goes through here.
 */
export function assertDuration(value: unknown, field: string, rule: DurationRule = {}): asserts value is number {
  const min = rule.min ?? 0;
  const max = rule.max ?? MAX_TIMER_MS;
  const ok =
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!rule.integer || Number.isInteger(value));
  if (ok) return;
  const sign = min === 0 ? 'non-negative' : min === Number.MIN_VALUE ? 'positive' : `at least ${min},`;
  const zero = rule.zero === undefined || min > 0 ? '' : ` (${rule.zero})`;
  const kind = rule.integer ? 'integer' : 'number';
  throw new KnexusError(
    'KNEXUS_ERR_INVALID_CONFIG',
    `Invalid ${field}: ${describe(value)}; expected a ${sign} ${kind} of milliseconds up to ${max}${zero}. ` +
      `Node timers cannot wait 2^31 ms (about 24.8 days) or longer: they would fire after 1 ms.`,
    { field, ...(rule.appName === undefined ? {} : { appName: rule.appName }), details: { min, max } },
  );
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value === null ? 'null' : `(${typeof value})`;
}
