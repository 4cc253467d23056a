/**
 * Import rules of knexus (see README "Architecture"). `npm run check:imports` enforces them in CI.
 *
 * Layers, bottom → top; a module imports only from its own layer or the ones below it:
 *   errors.ts, util/, clients.ts → dialects/ → knexfile/ → migrations/ → models/ → health/ → connection/
 *   → plugins/ → tenants/ → registry/ → http/ → config/ → cli/        (src/index.ts, the public surface, sits on top)
 * First-party plugins (plugins/*) see knexus only through its public entry, as any user's plugin does.
 */

/** Folders above `layer` in the order above, as a path pattern. */
const LAYERS = ['dialects', 'knexfile', 'migrations', 'models', 'health', 'connection', 'plugins', 'tenants', 'registry', 'http', 'config', 'cli'];
const above = (layer) => `^src/(${LAYERS.slice(LAYERS.indexOf(layer) + 1).join('|')})/`;

/** One rule per layer: it must not import any layer above it. */
const layerRule = (layer, comment) => ({
  name: `${layer}-imports-downward`,
  severity: 'error',
  comment,
  from: { path: `^src/${layer}/` },
  to: { path: above(layer) },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle, type-only imports included: every layer imports downward.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'bottom-imports-no-layer',
      severity: 'error',
      comment: 'errors.ts, util/ and clients.ts are the bottom: they know no knexus layer, so everything may use them.',
      from: { path: '^src/(errors\\.ts|clients\\.ts|util/)' },
      to: { path: `^src/(${LAYERS.join('|')})/|^src/index\\.ts$` },
    },
    layerRule('dialects', 'dialects/<name>/ holds what differs per database (SQL, session reset, routing, schema admin) behind the Dialect interface; it knows only knex and the bottom.'),
    layerRule('knexfile', 'knexfile/ reads knexfiles (KnexfileReference, loadKnexfile); turning one into an app config is the registry\'s step.'),
    layerRule('migrations', 'migrations/ owns DriftPolicy, MigrationsConfig/SeedsConfig and the ledger types; it knows no connection handle, plugin or registry.'),
    layerRule('models', 'models/ owns ModelDefinition/ModelClass and binds models to a knex; it knows nothing above.'),
    layerRule('health', 'health/ owns HealthReport, PoolUsage and the pool check the connection handle runs; it must not import connection/ (the handle imports it).'),
    layerRule('connection', 'connection/ (DatabaseConfig, AppConfig, ConnectionTarget, the ConnectionManager handle) must not import plugins/ or registry/: it reaches its runners through the AppOperations port the registry implements.'),
    layerRule('plugins', 'plugins/ (PluginContext, the hook map, lifecycle and event types) must not import registry/: plugins see a PluginContext, never the AppRegistry.'),
    layerRule('tenants', 'tenants/ (TenantDirectory, fleet check and jobs) works through the TenantHost port the AppRegistry implements; it must not import registry/.'),
    layerRule('registry', 'registry/ composes every layer below; nothing below imports it, and it knows nothing of config files or the CLI.'),
    layerRule('http', 'http/ (knexus/fastify, knexus/express) turns a request into a tenant handle through the registry; config files and the CLI are above it.'),
    layerRule('config', 'config/ (defineConfig, loading registry.config.ts) sits under the CLI only.'),
    {
      name: 'public-entry-is-the-top',
      severity: 'error',
      comment: 'src/index.ts is the public surface: no module of src/ imports it.',
      from: { path: '^src/', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'first-party-plugins-use-the-public-entry',
      severity: 'error',
      comment: 'plugins/* import knexus only through src/index.ts, as a user\'s plugin would through the package.',
      from: { path: '^plugins/' },
      to: { path: '^src/', pathNot: '^src/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
