/**
 * An object without a prototype, filled from `entries`: keys such as `__proto__` or `constructor`
 * (valid app names) become ordinary own properties instead of changing or shadowing the prototype,
 * and a lookup of a missing name is `undefined`, never an inherited `Object` member.
 */
export function dictionary<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}
