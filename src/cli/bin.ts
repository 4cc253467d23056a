#!/usr/bin/env node
// The `knexus` executable, compiled to dist/src/cli/bin.js: no TypeScript loader runs for knexus's own
// code; one is loaded only if the user's config, migrations, seeds or plugins are TypeScript.
import { main } from './main.js';

// `knexus status | head -5`: once the reader is gone, nobody can see anything more, so leave quietly
// with the exit code so far instead of crashing on an unhandled 'error' event.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit();
  });
}

process.exitCode = await main(process.argv.slice(2));
// The command is done and every connection closed. Should a plugin have left a timer or socket
// behind, leave anyway after a grace period rather than hang a script (unref: never delays a clean exit).
setTimeout(() => process.exit(), 2_000).unref();
