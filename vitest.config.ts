import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/sequencer.ts';

const root = dirname(fileURLToPath(import.meta.url));

// `npm test` reads only the repository; test/upstream/ is the upstream suite (vitest.upstream.config.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/upstream/**', '**/node_modules/**'],
    testTimeout: 60_000,
    // beforeAll hooks synthesize whole fleets; on a busy 2-core machine that can take far longer than 10 s.
    hookTimeout: 120_000,
    // A test file's process can take more than vitest's 10 s to end on a busy 2-core machine (beside CI,
    // load ~4): vitest then prints a timeout line, though every test passed.
    teardownTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
    // One test file per core, not vitest's default of one less: many files wait on processes they
    // spawn (the CLI, npm, helm, git), so on a 2-core machine the default runs them one at a time.
    maxWorkers: availableParallelism(),
    sequence: { sequencer: SlowFirstSequencer },
    // Snapshot files live in snapshots/, mirroring test/.
    resolveSnapshotPath: (testPath, extension) => join(root, 'snapshots', relative(join(root, 'test'), testPath) + extension),
  },
});
