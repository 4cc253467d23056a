import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files known to take tens of seconds (a packed install, hundreds of schema apps, child processes, a
 * browser), in the order to start them. With 4 workers on 2 cores, a long file started last stretches
 * the whole run; started first, it overlaps the many short files. A fresh clone has no timing cache,
 * so vitest's own order (cached durations, else file size) cannot know this.
 */
const SLOW_FIRST = [
  'test/packed-package.test.ts',
  'test/schema-tenancy-scale.test.ts',
  'test/faults/register-cycles.test.ts',
  'test/knex-history-import.test.ts',
  'plugins/board/board.test.ts',
  'test/cli-demo.test.ts',
  'test/faults/kill-mid-migration.test.ts',
  'test/faults/four-processes.test.ts',
];

const rank = (spec: TestSpecification): number => {
  const index = SLOW_FIRST.findIndex((file) => spec.moduleId.endsWith(file));
  return index === -1 ? SLOW_FIRST.length : index;
};

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((spec, order) => ({ spec, order }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.order - b.order)
      .map(({ spec }) => spec);
  }
}
