import { dictionary } from '../../util/dictionary.js';

/** Turns a list of named rows into an object keyed by name (order kept), dropping the name from each row: the JSON shape of reports. */
export function byName<T extends { readonly name: string }>(rows: readonly T[]): Record<string, Omit<T, 'name'>> {
  const out = dictionary<Omit<T, 'name'>>();
  for (const { name, ...rest } of rows) out[name] = rest;
  return out;
}
