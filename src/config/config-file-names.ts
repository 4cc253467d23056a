/** File names the CLI looks for, in this order, in each folder from the working directory up. */
export const CONFIG_FILE_NAMES = ['registry.config.ts', 'registry.config.mts', 'registry.config.js', 'registry.config.mjs'] as const;
/** A config file name the CLI finds on its own. */
export type ConfigFileName = (typeof CONFIG_FILE_NAMES)[number];
