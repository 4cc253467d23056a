const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deep-copies plain objects and arrays, dropping `__proto__`/`constructor`/`prototype` keys so user
 * config can neither be mutated by us nor pollute prototypes. Other values (functions, classes,
 * dates) are kept by reference.
 */
export function safeCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => safeCopy(item)) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    out[key] = safeCopy((value as Record<string, unknown>)[key]);
  }
  return out as T;
}

/** Freezes plain objects and arrays recursively; classes and functions are left alone. */
export function deepFreeze<T>(value: T): T {
  if (Array.isArray(value) || isPlainObject(value)) {
    for (const item of Object.values(value as object)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** True for `{}`-style objects (prototype Object.prototype or null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
