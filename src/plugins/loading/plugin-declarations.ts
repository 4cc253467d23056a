/** The settings a plugin may declare on the instance (field or getter) or as a static field of its class. */
export const PLUGIN_DECLARATIONS = [
  'dependencies',
  'optionalDependencies',
  'priority',
  'order',
  'configSchema',
  'migrations',
  'seeds',
  'knexus',
  'hookTimeouts',
] as const;
/** One of `PLUGIN_DECLARATIONS`. */
export type PluginDeclaration = (typeof PLUGIN_DECLARATIONS)[number];

/**
 * Reads a declaration the way plugin authors write it: an instance field or getter wins, else the
 * class's static field (`static dependencies = ['audit']`). A plain object has no class to fall back to.
 */
export function declared(plugin: object, key: PluginDeclaration): unknown {
  const own = (plugin as Record<string, unknown>)[key];
  if (own !== undefined) return own;
  const ctor = (plugin as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function' || ctor === Object) return undefined;
  return (ctor as unknown as Record<string, unknown>)[key];
}
