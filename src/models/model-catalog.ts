import type { Knex } from 'knex';
import { createRequire } from 'node:module';
import type { Model as ObjectionModel } from 'objection';
import { KnexusError } from '../errors.js';
import type { ModelClass, ModelDefinition } from './model-definition.js';
import { isPlainObject } from '../util/safe-copy.js';

let objectionModel: typeof ObjectionModel | undefined;
/** Objection's `Model`, loaded on first use: apps without models (and `import('knexus')`) never pay for it. */
function baseModel(): typeof ObjectionModel {
  return (objectionModel ??= (createRequire(import.meta.url)('objection') as typeof import('objection')).Model);
}

/**
 * One app's Objection models, each bound to the app's knex (`Model.bindKnex`), so the same class
 * registered by two apps queries each app's own database.
 */
export class ModelCatalog {
  readonly #appName: string;
  readonly #knex: Knex;
  readonly #models = new Map<string, ModelClass>();
  /** Unbound classes by name, so relations can name a model of the same app. */
  readonly #classes = new Map<string, ModelClass>();

  constructor(appName: string, knex: Knex) {
    this.#appName = appName;
    this.#knex = knex;
  }

  /** Binds a Model class or builds one from a plain definition; returns the bound class. */
  register(name: string, definition: ModelClass | ModelDefinition): ModelClass {
    return this.registerAll({ [name]: definition })[name]!;
  }

  /**
   * Registers several models. Every class is built before any is bound, because binding reads
   * relation mappings, and definitions may name each other in any order.
   */
  registerAll(definitions: Readonly<Record<string, ModelClass | ModelDefinition>>): Record<string, ModelClass> {
    const classes = Object.entries(definitions).map(([name, definition]) => [name, this.#toClass(name, definition)] as const);
    for (const [name, modelClass] of classes) this.#classes.set(name, modelClass);
    const bound: Record<string, ModelClass> = {};
    for (const [name, modelClass] of classes) bound[name] = this.#bind(name, modelClass);
    return bound;
  }

  /** The bound model called `name`; throws KNEXUS_ERR_MODEL_NOT_FOUND otherwise. */
  get(name: string): ModelClass {
    const model = this.#models.get(name);
    if (model === undefined) {
      throw new KnexusError(
        'KNEXUS_ERR_MODEL_NOT_FOUND',
        `App '${this.#appName}' has no model '${name}' (registered: ${[...this.#models.keys()].join(', ') || 'none'})`,
        { appName: this.#appName },
      );
    }
    return model;
  }

  /** Names of the registered models. */
  names(): string[] {
    return [...this.#models.keys()];
  }

  #toClass(name: string, definition: ModelClass | ModelDefinition): ModelClass {
    if (typeof name !== 'string' || name.length === 0) {
      throw new KnexusError('KNEXUS_ERR_INVALID_MODEL', `Model name must be a non-empty string (app '${this.#appName}')`, {
        appName: this.#appName,
        field: 'name',
      });
    }
    const modelClass = typeof definition === 'function' ? definition : this.#fromDefinition(name, definition);
    if (!(modelClass.prototype instanceof baseModel())) {
      throw new KnexusError(
        'KNEXUS_ERR_INVALID_MODEL',
        `Model '${name}' of app '${this.#appName}' is not an Objection Model subclass or a { tableName } definition`,
        { appName: this.#appName, field: `models.definitions.${name}` },
      );
    }
    return modelClass;
  }

  #bind(name: string, modelClass: ModelClass): ModelClass {
    try {
      const bound = modelClass.bindKnex(this.#knex);
      this.#models.set(name, bound);
      return bound;
    } catch (error) {
      throw new KnexusError(
        'KNEXUS_ERR_INVALID_MODEL',
        `Model '${name}' of app '${this.#appName}' could not be bound: ${error instanceof Error ? error.message : String(error)}`,
        { appName: this.#appName, field: `models.definitions.${name}` },
        error,
      );
    }
  }

  #fromDefinition(name: string, definition: ModelDefinition): ModelClass {
    if (!isPlainObject(definition) || typeof definition.tableName !== 'string') {
      throw new KnexusError('KNEXUS_ERR_INVALID_MODEL', `Model '${name}' of app '${this.#appName}' needs a tableName`, {
        appName: this.#appName,
        field: `models.definitions.${name}`,
      });
    }
    const catalog = this;
    const { tableName, idColumn, jsonSchema, relationMappings } = definition;
    const generated = class extends baseModel() {
      static override get tableName() {
        return tableName;
      }
      static override get idColumn() {
        return idColumn ?? 'id';
      }
      static override get jsonSchema() {
        return (jsonSchema ?? null) as never;
      }
      static override get relationMappings() {
        const mappings = typeof relationMappings === 'function' ? relationMappings() : (relationMappings ?? {});
        return catalog.#resolveRelations(mappings) as never;
      }
    };
    Object.defineProperty(generated, 'name', { value: name });
    return generated;
  }

  /** A relation's `modelClass` may name another model of the same app. */
  #resolveRelations(mappings: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [relation, mapping] of Object.entries(mappings)) {
      const m = mapping as Record<string, unknown>;
      const target = m['modelClass'];
      out[relation] = typeof target === 'string' && this.#classes.has(target) ? { ...m, modelClass: this.#classes.get(target) } : m;
    }
    return out;
  }
}
