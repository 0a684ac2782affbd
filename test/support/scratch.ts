// A fresh folder for each test of a file, holding meshfleet's caches so that no test reads another's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Registers the hooks: before each test a new folder (`path`), MESHFLEET_CACHE_DIR inside it and
 * MESHFLEET_WORKERS as given; after it, the variables restored and the folder removed.
 */
export function scratchFolderPerTest(prefix: string, env: { readonly workers?: string } = {}): { readonly path: string } {
  const scratch = { path: '' };
  beforeEach(() => {
    scratch.path = mkdtempSync(join(tmpdir(), prefix));
    vi.stubEnv('MESHFLEET_CACHE_DIR', join(scratch.path, 'cache'));
    if (env.workers !== undefined) vi.stubEnv('MESHFLEET_WORKERS', env.workers);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(scratch.path, { recursive: true, force: true });
  });
  return scratch;
}
