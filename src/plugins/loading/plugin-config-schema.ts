import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { KnexusError, errorMessage } from '../../errors.js';
import { safeCopy } from '../../util/safe-copy.js';
import { invalidPluginError, type PluginErrorSource } from '../plugin-errors.js';

// One validator for every plugin, loaded on first use (`import('knexus')` does not pay for Ajv):
// `useDefaults` fills declared defaults in place (on our copy), `allErrors` reports every problem at
// once, and `strict: false` accepts annotation keywords authors add.
let shared: Ajv | undefined;
function validator(): Ajv {
  if (shared === undefined) {
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    shared = new AjvClass({ useDefaults: true, allErrors: true, verbose: true, strict: false });
  }
  return shared;
}
const compiled = new WeakMap<object, ValidateFunction>();

/** Where the config being checked came from, for the error's path (`plugins.<label>.config.keep`). */
export interface ConfigSchemaSource extends PluginErrorSource {
  /** The config key, else the plugin's name, else its class name. */
  readonly label: string;
}

/**
 * Validates `config` against a plugin's JSON Schema (`configSchema`) and returns a copy with the
 * schema's defaults filled in; the caller's object is never changed. A violation throws
 * `KNEXUS_ERR_PLUGIN_CONFIG_INVALID` whose `field` is the full path (`plugins.backup.config.keep`) and
 * whose message lists each problem (`plugins.backup.config.keep: must be >= 1`).
 */
export function applyConfigSchema(schema: unknown, config: unknown, source: ConfigSchemaSource): Record<string, unknown> {
  const validate = compile(schema, source);
  const copy = safeCopy(config ?? {}) as Record<string, unknown>;
  if (validate(copy)) return copy;
  const problems = (validate.errors ?? []).map((error) => describe(error, source.label));
  const first = problems[0]!;
  // The first problem, relative to the config, is the cause: its `field` is the option named.
  const violation = new KnexusError('KNEXUS_ERR_PLUGIN_CONFIG_INVALID', `'${first.option}' ${first.message}`, {
    ...(source.pluginName === undefined ? {} : { pluginName: source.pluginName }),
    field: first.option,
    details: { path: first.relative },
  });
  return throwInvalid(source, problems, violation);
}

function throwInvalid(source: ConfigSchemaSource, problems: readonly Problem[], violation: KnexusError): never {
  throw new KnexusError(
    'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
    problems.map((p) => `${p.path}: ${p.message}`).join('; ') +
      ` (checked against the plugin's configSchema; fix plugins.${source.label}.config)`,
    {
      ...(source.pluginName === undefined ? {} : { pluginName: source.pluginName }),
      ...(source.module === undefined ? {} : { module: source.module }),
      ...(source.resolvedPath === undefined ? {} : { resolvedPath: source.resolvedPath }),
      phase: 'validate',
      field: problems[0]!.path,
      details: { errors: problems.map(({ path, message }) => ({ path, message })) },
    },
    violation,
  );
}

function compile(schema: unknown, source: ConfigSchemaSource): ValidateFunction {
  if (schema === null || typeof schema !== 'object') {
    throw invalidPluginError(
      source,
      `Plugin '${source.label}': configSchema must be a JSON Schema object, got ${schema === null ? 'null' : typeof schema}`,
    );
  }
  let validate = compiled.get(schema);
  if (validate === undefined) {
    try {
      validate = validator().compile(schema);
    } catch (error) {
      throw invalidPluginError(source, `Plugin '${source.label}': configSchema is not a valid JSON Schema: ${errorMessage(error)}`);
    }
    compiled.set(schema, validate);
  }
  return validate;
}

interface Problem {
  /** Full path, `plugins.backup.config.onFailure[1]`. */
  readonly path: string;
  /** Path inside the config, `onFailure[1]` (`''` for the config itself). */
  readonly relative: string;
  /** The top-level option concerned, `onFailure` (`config` for the config itself). */
  readonly option: string;
  readonly message: string;
}

function describe(error: ErrorObject, label: string): Problem {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    segments.push(extra);
    const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    message = `is not a known option` + (known.length > 0 ? ` (expected one of: ${known.join(', ')})` : '');
  } else if (error.keyword === 'enum') {
    message += `: ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  const relative = segments.reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path === '' ? s : `${path}.${s}`), '');
  return {
    path: `plugins.${label}.config` + (relative === '' ? '' : relative.startsWith('[') ? relative : `.${relative}`),
    relative,
    option: segments[0] ?? 'config',
    message,
  };
}
