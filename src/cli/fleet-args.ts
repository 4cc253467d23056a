import { KnexusError } from '../errors.js';

/** The fleet options of `status`, `migrate` and `rollback`: `--tenants` runs them over every tenant. */
export interface FleetArgs {
  /** `--canary N`: migrate N tenants first, stop if any fails; default 0. */
  readonly canary: number;
  /** `--concurrency N`: tenants at once; default 4. */
  readonly concurrency: number;
}

/** The fleet options from parsed values, or undefined without `--tenants` (`--canary`/`--concurrency` need it). */
export function fleetArgs(
  values: { tenants?: boolean | undefined; canary?: string | undefined; concurrency?: string | undefined },
  positiveInteger: (text: string, option: string) => number,
): FleetArgs | undefined {
  if (values.tenants !== true) {
    if (values.canary !== undefined || values.concurrency !== undefined) throw positiveUsage();
    return undefined;
  }
  return {
    canary: values.canary === undefined ? 0 : positiveInteger(values.canary, '--canary'),
    concurrency: values.concurrency === undefined ? 4 : positiveInteger(values.concurrency, '--concurrency'),
  };
}

function positiveUsage(): KnexusError {
  return new KnexusError('KNEXUS_ERR_USAGE', '--canary and --concurrency apply to a fleet run: add --tenants');
}
