#!/usr/bin/env node
// The `knexus` executable. Plain JavaScript so it runs from a fresh clone without a build step:
// jiti compiles the TypeScript sources (cached on disk) as they are imported.
import { createJiti } from 'jiti';

// `knexus status | head -5`: once the reader is gone, nobody can see anything more, so leave quietly
// with the exit code so far instead of crashing on an unhandled 'error' event.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit();
  });
}

// Every source import is written `./x.js` and names `x.ts`; jiti finds it only after probing each
// of its default extensions in turn. Probing `.ts` alone halves the start-up CPU time.
const jiti = createJiti(import.meta.url, { extensions: ['.ts'] });
const { main } = await jiti.import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
// The command is done and every connection closed. Should a plugin have left a timer or socket
// behind, leave anyway after a grace period rather than hang a script (unref: never delays a clean exit).
setTimeout(() => process.exit(), 2_000).unref();
