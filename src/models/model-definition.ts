import type { Model } from 'objection';

/** A model given as plain data; knexus makes an Objection `Model` subclass from it. */
export interface ModelDefinition {
  tableName: string;
  idColumn?: string | string[];
  jsonSchema?: Record<string, unknown>;
  relationMappings?: Record<string, unknown> | (() => Record<string, unknown>);
}

/** An Objection model class. */
export type ModelClass = typeof Model;

/** Models bound to the app's connection at registration. */
export interface ModelsConfig {
  /** Default: true when `definitions` is given. */
  enabled?: boolean;
  definitions: Readonly<Record<string, ModelClass | ModelDefinition>>;
}
