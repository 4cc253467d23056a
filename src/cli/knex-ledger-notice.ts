import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfiguredApp } from '../config/validate-config.js';
import { isPlainObject } from '../util/safe-copy.js';
import type { CliOutput } from './cli-output.js';

/** Files at a project's top level where deploy scripts usually call the knex CLI. */
const SCRIPT_FILES = /^(Dockerfile.*|.*\.dockerfile|docker-compose.*\.ya?ml|compose.*\.ya?ml|Procfile|Makefile|.*\.sh)$/i;
const KNEX_CALL = /\bknex\s+(migrate|seed):[a-z]+/;

/**
 * Where a project still calls the knex CLI (`knex migrate:latest`…): package.json scripts and the
 * top-level Dockerfiles, compose files, Procfile, Makefile and shell scripts, as `file:line: text`.
 */
export function knexScriptUsages(folder: string): string[] {
  const found: string[] = [];
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return found;
  }
  for (const name of names.sort()) {
    if (name !== 'package.json' && !SCRIPT_FILES.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(join(folder, name), 'utf8');
    } catch {
      continue;
    }
    if (name === 'package.json') {
      try {
        const scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
        if (isPlainObject(scripts))
          for (const [key, value] of Object.entries(scripts))
            if (typeof value === 'string' && KNEX_CALL.test(value)) found.push(`package.json scripts.${key}: ${value}`);
      } catch {
        // An unreadable package.json names no script.
      }
      continue;
    }
    text.split('\n').forEach((line, index) => {
      if (KNEX_CALL.test(line)) found.push(`${name}:${index + 1}: ${line.trim()}`);
    });
  }
  return found;
}

/**
 * Said once knex's history was imported: from now on knex's ledger is frozen (or mirrored), so every
 * script that still runs knex's migrator must change, and which ones they are.
 */
export function noticeKnexLedger(output: CliOutput, app: ConfiguredApp, folder: string, imported: readonly string[]): void {
  if (imported.length === 0) return;
  const { knexTableName, knexLedger } = app.resolved.migrations;
  const usages = knexScriptUsages(folder);
  const list = usages.length === 0 ? '' : `:\n    ${usages.join('\n    ')}`;
  if (knexLedger === 'mirror') {
    output.info(
      `${app.name}: knex's ledger ${knexTableName} is mirrored (migrations.knexLedger: 'mirror'), so knex's CLI stays a no-op; move these to knexus when you can${list || ' (none found here)'}`,
    );
    return;
  }
  output.warn(
    `${app.name}: imported ${imported.length} migration(s) from knex's ledger ${knexTableName}, which knexus never writes: from now on ` +
      `\`knex migrate:latest\` would run knexus's later migrations again. Change every script that runs knex's migrator to knexus ` +
      `(knexus migrate, knexus seed), or set migrations.knexLedger: 'mirror' (in a knexfile: knexus: { migrations: { knexLedger: 'mirror' } }) ` +
      `to keep ${knexTableName} in step${usages.length === 0 ? '.' : `. Scripts that call knex${list}`}`,
  );
}
