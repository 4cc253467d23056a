import type { PluginEvents } from './plugin-events.js';
import type { PluginContext } from './plugin.js';
import type { RegistryErrorEvent } from './registry-events.js';

/** What the plugin system emits on the registry: its own events, warnings and `error` events. */
export type HostEvent = keyof PluginEvents | 'warning';

/**
 * Emits the plugin system's events on the registry it serves; a throwing listener never breaks the
 * plugin system (it is swallowed here, as the registry reports its own listeners' errors).
 */
export class HostEmitter {
  readonly #host: PluginContext;

  constructor(host: PluginContext) {
    this.#host = host;
  }

  /** Emits a plugin event or a warning. */
  emit<E extends HostEvent>(event: E, ...args: E extends keyof PluginEvents ? PluginEvents[E] : unknown[]): void {
    try {
      (this.#host.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
    } catch {
      // A throwing listener must not break the plugin system.
    }
  }

  /** Emits an `error` event. */
  error(event: RegistryErrorEvent): void {
    try {
      this.#host.emit('error', event);
    } catch {
      // Same as emit().
    }
  }
}
