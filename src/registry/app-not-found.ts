import { KnexusError } from '../errors.js';

/** KNEXUS_ERR_APP_NOT_FOUND for app `name`. */
export function appNotFound(name: string): KnexusError {
  return new KnexusError('KNEXUS_ERR_APP_NOT_FOUND', `App '${name}' is not registered`, { appName: name });
}
