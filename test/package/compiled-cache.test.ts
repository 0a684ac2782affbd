// The on-disk cache of generated code: a hit skips the generator, and a cache that is corrupt or
// cannot be written only costs the generation, never the result.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedModule } from '../../lib/compiled-cache.ts';

const require = createRequire(import.meta.url);
const code = (value: number) => `module.exports = { value: ${value}, helper: typeof require('node:path').join };`;

describe('cachedModule', () => {
  let dir: string;
  const saved = process.env.MESHFLEET_CACHE_DIR;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'meshfleet-cache-'));
    process.env.MESHFLEET_CACHE_DIR = join(dir, 'cache');
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.MESHFLEET_CACHE_DIR;
    else process.env.MESHFLEET_CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates on a miss, stores the code, and reads it back without generating on a hit', () => {
    let calls = 0;
    const generate = () => (calls++, code(1));
    expect(cachedModule('t', 'key-a', generate, require)).toStrictEqual({ value: 1, helper: 'function' });
    expect(readdirSync(join(dir, 'cache'))).toHaveLength(1);
    expect(cachedModule('t', 'key-a', generate, require)).toStrictEqual({ value: 1, helper: 'function' });
    expect(calls).toBe(1);
    // Another key is another file.
    expect(cachedModule('t', 'key-b', () => code(2), require)).toStrictEqual({ value: 2, helper: 'function' });
    expect(readdirSync(join(dir, 'cache'))).toHaveLength(2);
  });

  it('uses exports the generator has at hand on a miss, and the stored code on a hit', () => {
    const atHand = { value: 'at hand' };
    expect(cachedModule('t', 'key', () => ({ code: code(4), exports: atHand }), require)).toBe(atHand);
    expect(cachedModule('t', 'key', () => ({ code: code(5), exports: atHand }), require)).toStrictEqual({ value: 4, helper: 'function' });
  });

  it('replaces a corrupt file', () => {
    cachedModule('t', 'key', () => code(1), require);
    const [file] = readdirSync(join(dir, 'cache'));
    writeFileSync(join(dir, 'cache', file!), 'module.exports = {');
    let calls = 0;
    expect(cachedModule('t', 'key', () => (calls++, code(1)), require)).toStrictEqual({ value: 1, helper: 'function' });
    expect(calls).toBe(1);
    expect(cachedModule('t', 'key', () => code(9), require)).toStrictEqual({ value: 1, helper: 'function' });
  });

  it('works when the cache folder cannot be created', () => {
    // A file where the folder should be: mkdir fails as on a read-only install.
    writeFileSync(join(dir, 'cache'), '');
    let calls = 0;
    const generate = () => (calls++, code(3));
    expect(cachedModule('t', 'key', generate, require)).toStrictEqual({ value: 3, helper: 'function' });
    expect(cachedModule('t', 'key', generate, require)).toStrictEqual({ value: 3, helper: 'function' });
    expect(calls).toBe(2);
  });
});
