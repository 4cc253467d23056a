import type { AppConfigView } from '../../connection/app-config-view.js';
import type { ConnectionTarget } from '../../connection/connection-target.js';
import type { RegistryHealth } from '../../health/health-report.js';
import type { AppState } from '../lifecycle-types.js';
import type { PluginDataStatus } from '../data/plugin-data-status.js';
import type { PluginSystemStatus } from './plugin-system-status.js';

/** One app in `getStatus()`: no secrets, only where it points and what it runs. */
export interface AppStatus {
  readonly name: string;
  readonly state: AppState;
  readonly target: ConnectionTarget;
  /** The app whose pool this app uses (itself unless it shares one). */
  readonly owner: string | undefined;
  /** Apps currently using the same physical pool. */
  readonly references: number;
  readonly reusable: boolean;
  readonly registeredAt: Date | undefined;
  readonly migrations: AppConfigView['migrations'] & { readonly registrationBatch: number | null };
  readonly seeds: AppConfigView['seeds'] & { readonly registrationBatch: number | null };
  readonly models: readonly string[];
  /** What each active plugin's own migrations and seeds did in this app (namespace `plugin:<name>`). */
  readonly pluginData: Readonly<Record<string, PluginDataStatus>>;
}

/** What `registry.getStatus()` returns. */
export interface RegistryStatus {
  readonly initialized: boolean;
  readonly shuttingDown: boolean;
  readonly counts: { readonly apps: number; readonly ready: number; readonly pools: number };
  readonly apps: Readonly<Record<string, AppStatus>>;
  readonly plugins: PluginSystemStatus;
  readonly health: RegistryHealth | undefined;
}
