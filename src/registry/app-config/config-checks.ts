/** How a config check reports a wrong field: throws KNEXUS_ERR_INVALID_CONFIG naming the field and what it expects. */
export type Fail = (field: string, expected: string) => never;

/** Refuses a key of `obj` that is not `allowed`, named with `prefix` (`database.`, `migrations.`). */
export function rejectUnknownKeys(obj: Record<string, unknown>, allowed: readonly string[], prefix: string, fail: Fail): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(`${prefix}${key}`, `is not a known option (expected one of: ${allowed.join(', ')})`);
  }
}
