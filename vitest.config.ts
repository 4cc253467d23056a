import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'plugins/**/*.test.ts'],
    globalSetup: ['test/support/build-once.ts'],
    // Each file gets its own database or schema, so files run in parallel safely. Forks, not threads:
    // some tests change the working directory, which worker threads may not.
    fileParallelism: true,
    pool: 'forks',
    // Most of a test's time is spent waiting on a database, a child process or a timer, not on the CPU:
    // vitest's default (one worker fewer than the cores, i.e. a single worker on a 2-core machine) leaves
    // the cores idle. Two workers per core keeps them busy without starving the timing tests.
    maxWorkers: Math.max(2, availableParallelism() * 2),
    // Test files share a worker's module graph instead of re-evaluating knexus and its dependencies
    // per file (halved the suite's CPU time). Safe because tests leave no state behind: registries
    // are shut down (useRegistry), fake timers, spies, the working directory, environment variables
    // and fixture globals are restored by the test or its afterAll.
    isolate: false,
    sequence: { sequencer: SlowFirstSequencer },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
