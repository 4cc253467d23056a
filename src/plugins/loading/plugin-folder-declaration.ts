/** What a plugin declares as `migrations` or `seeds` (instance field, getter or static field). */
export interface PluginFolderDeclaration {
  /**
   * Folder or folders of knex-format files: paths or `file:` URLs (`new URL('./migrations', import.meta.url)`).
   * A relative path resolves against the plugin module's folder when the plugin was loaded by module path;
   * for a plugin loaded as a class or an object it is `KNEXUS_ERR_PLUGIN_INVALID`, since its folder is unknown.
   */
  readonly directory: string | URL | readonly (string | URL)[];
  /** Apps whose databases receive them; default every app. */
  readonly apps?: readonly string[];
}
