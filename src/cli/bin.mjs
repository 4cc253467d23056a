#!/usr/bin/env node
// The `knexus` executable. Plain JavaScript so it runs from a fresh clone without a build step:
// jiti compiles the TypeScript sources (cached on disk) as they are imported.
import { createJiti } from 'jiti';

// Every source import is `./x.js` naming `x.ts`. jiti finds it only after probing each extension
// and condition set, building a thrown error (and its stack) per miss: most of the start-up time.
// Probing only `.ts`, with stacks off while the sources load, keeps `knexus up --once` well under 2s.
const jiti = createJiti(import.meta.url, { extensions: ['.ts'] });
const stackTraceLimit = Error.stackTraceLimit;
Error.stackTraceLimit = 0;
let main;
try {
  ({ main } = await jiti.import('./main.ts'));
} finally {
  Error.stackTraceLimit = stackTraceLimit;
}
process.exitCode = await main(process.argv.slice(2));
