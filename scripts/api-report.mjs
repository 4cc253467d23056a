/**
 * `npm run api:check` (CI): fails when the public surface (what src/index.ts exports, with every type its
 * signatures name) differs from the checked-in report etc/knexus.api.md, so a change to it is a visible diff.
 * `npm run api:update` rewrites the report after a deliberate change; commit it with the change.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = fileURLToPath(new URL('..', import.meta.url));
const update = process.argv.includes('--update');
rmSync(join(root, '.api'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.api.json')], { cwd: root, stdio: 'inherit' });

const config = ExtractorConfig.loadFileAndPrepare(join(root, 'api-extractor.json'));
const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
if (result.apiReportChanged && !update) {
  console.error(
    'The public surface changed: compare etc/knexus.api.md with .api/knexus.api.md; if the change is meant, run `npm run api:update` and commit the report.',
  );
}
if (!result.succeeded) process.exit(1);
console.log(update ? 'etc/knexus.api.md is up to date.' : 'The public surface matches etc/knexus.api.md.');
