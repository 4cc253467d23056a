import type { TenantList } from './tenant-options.js';

/** The names a `list()` result yields, whatever its shape (array, iterable, async iterable, promise of an array). */
export async function* iterateTenants(list: TenantList): AsyncGenerator<string> {
  const resolved = await list;
  if (Symbol.asyncIterator in resolved) yield* resolved as AsyncIterable<string>;
  else yield* resolved as Iterable<string>;
}

/** The names in pages of `size`, so a caller never holds the whole fleet in one array it did not ask for. */
export async function* pagesOf(names: AsyncIterable<string>, size: number): AsyncGenerator<string[]> {
  let page: string[] = [];
  for await (const name of names) {
    page.push(name);
    if (page.length >= size) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}
