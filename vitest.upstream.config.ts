import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/sequencer.ts';

const root = dirname(fileURLToPath(import.meta.url));

// `npm run test:upstream`: meshfleet against upstream material (raw CRDs, upstream values files, the
// packaged upstream charts rendered by the real helm), read from ../shared or MESHFLEET_UPSTREAM.
export default defineConfig({
  test: {
    include: ['test/upstream/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/upstream-setup.ts'],
    // One test file per core, as in vitest.config.ts: the long chart rendering file runs beside the others.
    maxWorkers: availableParallelism(),
    sequence: { sequencer: SlowFirstSequencer },
    resolveSnapshotPath: (testPath, extension) => join(root, 'snapshots', relative(join(root, 'test'), testPath) + extension),
  },
});
