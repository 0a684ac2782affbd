// The order test files start in. With two workers, a long file that starts last keeps one core busy
// alone at the end; a fresh clone has no timings of earlier runs, and vitest then starts larger
// files first, which puts the short but slow fuzz files last. These files start first, longest first.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files that take 10 s or more (CI log, 2 cores), longest first; the rest keep vitest's order. */
export const SLOW_FIRST = [
  'test/upstream/upstream-charts.test.ts',
  'test/fuzz/synth-fuzz.test.ts',
  'test/package/pack.test.ts',
  'test/docs/readme-commands.test.ts',
  'test/fuzz/hostile-input.test.ts',
  'test/fuzz/kill-synth.test.ts',
  'test/synth/render-workers.test.ts',
  'test/validate/subschema-sharing.test.ts',
  'test/synth/incremental.test.ts',
];

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = SLOW_FIRST.findIndex((slow) => file.moduleId.replaceAll('\\', '/').endsWith(`/${slow}`));
      return index < 0 ? SLOW_FIRST.length : index;
    };
    return sorted.map((file, order) => ({ file, order, rank: rank(file) })).sort((a, b) => a.rank - b.rank || a.order - b.order).map(({ file }) => file);
  }
}
