/**
 * `npm run build`: dist/ from scratch: tsc compiles src/ and the first-party plugins (declarations
 * with @internal stripped), then the files tsc does not emit are copied beside their plugin: a
 * plugin's own migrations and seeds (plain .mjs, so their ledger names are the same from source
 * and from the build).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
for (const plugin of readdirSync(join(root, 'plugins'))) {
  for (const folder of ['migrations', 'seeds']) {
    const from = join(root, 'plugins', plugin, folder);
    if (plugin !== 'test-fixtures' && existsSync(from)) cpSync(from, join(root, 'dist', 'plugins', plugin, folder), { recursive: true });
  }
}
