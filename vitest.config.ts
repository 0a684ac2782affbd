import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
    // Snapshot files live in snapshots/, mirroring test/.
    resolveSnapshotPath: (testPath, extension) => join(root, 'snapshots', relative(join(root, 'test'), testPath) + extension),
  },
});
