import type { Plugin, PluginClass } from '../plugin.js';

/** What a plugin module provides: a class to construct, or a ready plugin object. */
export type PluginExport = { readonly kind: 'class'; readonly value: PluginClass } | { readonly kind: 'object'; readonly value: Plugin };

/** True for a class (or constructor function) that looks like a plugin. */
export function isPluginClass(value: unknown): value is PluginClass {
  if (typeof value !== 'function') return false;
  const prototype = (value as { prototype?: unknown }).prototype;
  if (prototype !== null && typeof prototype === 'object' && typeof (prototype as Plugin).initialize === 'function') return true;
  return /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** True for a plain object with a plugin's shape (at least `name` and `initialize`). */
export function isPluginObject(value: unknown): value is Plugin {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Plugin).name === 'string' &&
    typeof (value as Plugin).initialize === 'function'
  );
}

/** Lower-case letters and digits only, so `audit-log` matches `AuditLog` and `auditLog`. */
function normalize(name: string): string {
  return name.replace(/[^a-z0-9]/gi, '').toLowerCase();
}

function asExport(value: unknown): PluginExport | undefined {
  if (isPluginClass(value)) return { kind: 'class', value };
  if (isPluginObject(value)) return { kind: 'object', value };
  return undefined;
}

/**
 * Picks the plugin from a module namespace: the default export, else the export named like the
 * config key, else the module's only class export (or only plugin object). A CommonJS module whose
 * `module.exports` is an object of exports is searched the same way.
 */
export function pickPluginExport(namespace: Readonly<Record<string, unknown>>, key?: string): PluginExport | undefined {
  const fromDefault = asExport(namespace['default']);
  if (fromDefault !== undefined) return fromDefault;
  const picked = pickNamed(namespace, key);
  if (picked !== undefined) return picked;
  const inner = namespace['default'];
  if (inner !== null && typeof inner === 'object') return pickNamed(inner as Record<string, unknown>, key);
  return undefined;
}

function pickNamed(exports: Readonly<Record<string, unknown>>, key: string | undefined): PluginExport | undefined {
  const names = Object.keys(exports).filter((name) => name !== 'default');
  if (key !== undefined) {
    const wanted = normalize(key);
    const match = names.find((name) => normalize(name) === wanted);
    const picked = match === undefined ? undefined : asExport(exports[match]);
    if (picked !== undefined) return picked;
  }
  const classes = names.filter((name) => isPluginClass(exports[name]));
  if (classes.length === 1) return { kind: 'class', value: exports[classes[0]!] as PluginClass };
  const objects = names.filter((name) => isPluginObject(exports[name]));
  if (classes.length === 0 && objects.length === 1) return { kind: 'object', value: exports[objects[0]!] as Plugin };
  return undefined;
}
