/** Lifecycle states of a plugin. */
export const PLUGIN_STATES = ['loading', 'active', 'disabled', 'stopping', 'stopped'] as const;
/** A plugin's lifecycle state. */
export type PluginState = (typeof PLUGIN_STATES)[number];
