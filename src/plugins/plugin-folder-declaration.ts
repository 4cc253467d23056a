/** What a plugin declares as `migrations` or `seeds` (instance field, getter or static field). */
export interface PluginFolderDeclaration {
  /** Folder or folders of knex-format files; relative ones resolve against the plugin module's folder (else `baseDir`). */
  readonly directory: string | readonly string[];
  /** Apps whose databases receive them; default every app. */
  readonly apps?: readonly string[];
}
