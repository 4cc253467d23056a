#!/usr/bin/env node
// The `knexus` executable. Plain JavaScript so it runs from a fresh clone without a build step:
// jiti compiles the TypeScript sources (cached on disk) as they are imported.
import { createJiti } from 'jiti';

// Every source import is written `./x.js` and names `x.ts`; jiti finds it only after probing each
// of its default extensions in turn. Probing `.ts` alone halves the start-up CPU time.
const jiti = createJiti(import.meta.url, { extensions: ['.ts'] });
const { main } = await jiti.import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
// The command is done and every connection closed. Should a plugin have left a timer or socket
// behind, leave anyway after a grace period rather than hang a script (unref: never delays a clean exit).
setTimeout(() => process.exit(), 2_000).unref();
