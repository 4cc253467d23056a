import type { PluginContext } from './plugin.js';

/** A registry event listener as eventemitter3 stores it. */
export type HostListener = (...args: any[]) => void;

/** What a `PluginManager` serves: the same as `PluginContext` (the `AppRegistry` satisfies it). */
export type PluginHost = PluginContext;
