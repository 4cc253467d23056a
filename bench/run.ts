/** Runs every benchmark in this folder, one after another, in one process each. */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
let failed = false;
// JavaScript benchmarks run on the build with plain node (no loader in the way); TypeScript ones via tsx.
for (const file of readdirSync(dir).filter((f) => /\.bench\.(ts|mjs)$/.test(f)).sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n## ${file}`);
  const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const run = spawnSync(process.execPath, ['--expose-gc', ...loader, `${dir}${file}`], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
