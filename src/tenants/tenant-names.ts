import { KnexusError } from '../errors.js';
import { SingleFlight } from './single-flight.js';
import { iterateTenants } from './tenant-list.js';
import type { TenantList } from './tenant-options.js';

/** A name missing from the list is looked up again at most this often, so unknown names cannot hammer `list()`. */
const RELIST_MS = 1000;

/** The fleet's names as `list()` gives them, and whether a name is one of them (the list read again at most once a second). */
export class TenantNames {
  readonly #list: () => TenantList;
  readonly #listing = new SingleFlight<'list', ReadonlySet<string>>();
  #known: ReadonlySet<string> | undefined;
  #listedAt = 0;

  constructor(list: () => TenantList) {
    this.#list = list;
  }

  /** Every tenant name, as `list()` gives them (read once per call, never kept whole). */
  names(): AsyncGenerator<string> {
    return iterateTenants(this.#list());
  }

  /** Resolves when `list()` gives `name`, else rejects with KNEXUS_ERR_TENANT_NOT_FOUND. */
  async assertListed(name: string): Promise<void> {
    if (this.#known?.has(name)) return;
    if (this.#known === undefined || Date.now() - this.#listedAt >= RELIST_MS) {
      this.#known = await this.#listing.run('list', async () => {
        const names = new Set<string>();
        for await (const listed of this.names()) names.add(listed);
        this.#listedAt = Date.now();
        return names;
      });
    }
    if (this.#known.has(name)) return;
    throw new KnexusError('KNEXUS_ERR_TENANT_NOT_FOUND', `No tenant '${name}': the tenants' list() does not give it`, { appName: name });
  }
}
