/** What one plugin's migrations and seeds did in one app, shown in the app's status. */
export interface PluginDataStatus {
  /** The ledger key of the plugin's rows, `plugin:<name>`. */
  readonly namespace: string;
  readonly migrations: { readonly batch: number | null; readonly applied: readonly string[] } | null;
  readonly seeds: { readonly batch: number | null; readonly applied: readonly string[] } | null;
  /** Why they could not be applied, if they could not. */
  readonly error?: string;
}
