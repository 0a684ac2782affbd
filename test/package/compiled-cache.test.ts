// The on-disk cache of generated code: a hit skips the generator, and a cache that is corrupt or
// cannot be written only costs the generation, never the result.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedModule, KEPT_VERSIONS } from '../../lib/compiled-cache.ts';
import { compilerFlagsFor } from '../../lib/compiler-tuning.ts';
import { REPO } from '../support/fleet.ts';

const require = createRequire(import.meta.url);
/** The name cachedModule gives the code of `name` and `key`, without its extension. */
const stored = (name: string, key: string) => `${name}-${createHash('sha256').update(`2\0${key}`).digest('hex').slice(0, 32)}`;
/** Sets a file's time `age` seconds back. */
const age = (file: string, seconds: number) => utimesSync(file, new Date(Date.now() - seconds * 1000), new Date(Date.now() - seconds * 1000));
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

  it('stores generated code as one-byte text, non-ASCII characters escaped, which read back the same', () => {
    const text = "module.exports = { unit: 'µs', matches: /^[0-9]+(µs|ms)$/u.test('5µs'), other: new RegExp('é+').test('éé'), astral: '😀'.length };";
    const expected = { unit: 'µs', matches: true, other: true, astral: 2 };
    expect(cachedModule('t', 'key', () => text, require)).toStrictEqual(expected);
    const [file] = readdirSync(join(dir, 'cache'));
    expect(readFileSync(join(dir, 'cache', file!), 'latin1')).toMatch(/^[\x00-\x7f]*$/);
    expect(cachedModule('t', 'key', () => 'module.exports = {}', require)).toStrictEqual(expected);
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

  /**
   * A process that loads one generated module and exits: what it printed. `tune`: V8's compiler
   * flags tuned (as render workers do: lib/compiler-tuning.ts) before the module is loaded or after.
   */
  function loadInChild(value: number, tune?: 'before' | 'after'): string {
    const tuning = `tuning.allowCompilerTuning(); tuning.shareCoresWithCompiler(2, { setFlags: v8.setFlagsFromString, v8Version: process.versions.v8, cores: 2 });`;
    const script = `import { createRequire } from 'node:module';
      import v8 from 'node:v8';
      import { cachedModule } from ${JSON.stringify(pathToFileURL(join(REPO, 'lib', 'compiled-cache.ts')).href)};
      import * as tuning from ${JSON.stringify(pathToFileURL(join(REPO, 'lib', 'compiler-tuning.ts')).href)};
      ${tune === 'before' ? tuning : ''}
      const m = cachedModule('t', 'key', () => ${JSON.stringify(code(value))}, createRequire(import.meta.url));
      ${tune === 'after' ? tuning : ''}
      process.stdout.write(JSON.stringify(m));`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, MESHFLEET_CACHE_DIR: join(dir, 'cache') },
    });
    expect(result.stderr).toBe('');
    return result.stdout;
  }
  const codeCaches = () => readdirSync(join(dir, 'cache')).filter((file) => file.endsWith('.v8-cache'));

  it("keeps V8's compiled code beside the generated code at exit, and a corrupt one only costs the compile", () => {
    expect(loadInChild(1)).toBe('{"value":1,"helper":"function"}');
    const [data] = codeCaches();
    expect(data).toMatch(/^t-[0-9a-f]{32}\.[0-9a-f]{16}\.v8-cache$/);
    const valid = readFileSync(join(dir, 'cache', data!));
    expect(valid.length).toBeGreaterThan(100);
    // A hit on code and data writes nothing new.
    expect(loadInChild(1)).toBe('{"value":1,"helper":"function"}');
    expect(codeCaches()).toStrictEqual([data]);
    // Garbage data: V8 refuses it, the code runs compiled from its text, and the data is written anew.
    writeFileSync(join(dir, 'cache', data!), 'not a code cache');
    expect(loadInChild(1)).toBe('{"value":1,"helper":"function"}');
    // (V8's data is not byte-stable from run to run: its size is.)
    expect(readFileSync(join(dir, 'cache', data!)).length).toBe(valid.length);
  });

  // V8 refuses data made under other flags than it reads it under: the flags the module was read under.
  it.skipIf(compilerFlagsFor(process.versions.v8).length === 0)("makes V8's data with the compiler flags it was read under, and names it by them", () => {
    const mtimes = () => new Map(codeCaches().map((file) => [file, statSync(join(dir, 'cache', file)).mtimeMs]));
    // Read with V8's defaults, then the flags tuned: the data is made with the defaults, so the next
    // process, which starts with them, takes it and writes nothing.
    loadInChild(1, 'after');
    const made = mtimes();
    expect(made.size).toBe(1);
    loadInChild(1);
    expect(mtimes()).toStrictEqual(made);
    // Read with the flags tuned first: data of its own, which a process tuned as early takes.
    loadInChild(1, 'before');
    const both = mtimes();
    expect(both.size).toBe(2);
    loadInChild(1, 'before');
    loadInChild(1);
    expect(mtimes()).toStrictEqual(both);
  });

  it('names the compiled code by the code it was compiled from', () => {
    loadInChild(1);
    const [code1] = readdirSync(join(dir, 'cache')).filter((file) => file.endsWith('.cjs'));
    // Other code stored under the same key (a planted or regenerated file) gets its own data.
    writeFileSync(join(dir, 'cache', code1!), code(7));
    expect(loadInChild(1)).toBe('{"value":7,"helper":"function"}');
    expect(codeCaches()).toHaveLength(2);
  });

  it('removes older versions of a name when it stores one, with their data, keeping the most recent few', () => {
    const cache = join(dir, 'cache');
    // Another name, which starts like this one, and versions 0..KEPT_VERSIONS of this one, the
    // higher the newer, each with V8 data beside it (as runs of other checkouts left them).
    cachedModule('t-other', 'key-0', () => code(0), require);
    for (let i = 0; i <= KEPT_VERSIONS; i++) {
      writeFileSync(join(cache, `${stored('t', `key-${i}`)}.cjs`), code(i));
      writeFileSync(join(cache, `${stored('t', `key-${i}`)}.0123456789abcdef.v8-cache`), 'data');
    }
    // Temporary files of a killed and of a running run.
    writeFileSync(join(cache, `${stored('t', 'killed')}.cjs.99.tmp`), '');
    writeFileSync(join(cache, `${stored('t', 'running')}.cjs.98.tmp`), '');
    for (const file of readdirSync(cache)) age(join(cache, file), 100);
    for (let i = 0; i <= KEPT_VERSIONS; i++) age(join(cache, `${stored('t', `key-${i}`)}.cjs`), 100 - i);
    age(join(cache, `${stored('t', 'killed')}.cjs.99.tmp`), 7200);

    cachedModule('t', 'key-new', () => code(9), require);
    const kept = [stored('t', 'key-new'), ...Array.from({ length: KEPT_VERSIONS - 1 }, (_, i) => stored('t', `key-${KEPT_VERSIONS - i}`))];
    const left = readdirSync(cache).filter((file) => file.startsWith('t-') && !file.startsWith('t-other') && !file.endsWith('.tmp'));
    expect(new Set(left.map((file) => file.slice(0, file.indexOf('.'))))).toStrictEqual(new Set(kept));
    // The kept versions keep their data; the other name and a running run's file are untouched.
    expect(left.filter((file) => file.endsWith('.v8-cache'))).toHaveLength(KEPT_VERSIONS - 1);
    expect(readdirSync(cache).filter((file) => file.startsWith('t-other'))).toHaveLength(1);
    expect(readdirSync(cache).filter((file) => file.endsWith('.tmp'))).toStrictEqual([`${stored('t', 'running')}.cjs.98.tmp`]);
  });

  it("keeps the V8 data of the most recent few V8 versions of one code", () => {
    loadInChild(1);
    const [data] = codeCaches();
    const cjs = `${stored('t', 'key')}.cjs`;
    // Data of the same code by other V8 builds, older than the code's own; the current one is missing.
    rmSync(join(dir, 'cache', data!));
    const others = Array.from({ length: KEPT_VERSIONS + 1 }, (_, i) => `${stored('t', 'key')}.${String(i).repeat(16)}.v8-cache`);
    others.forEach((file, i) => {
      writeFileSync(join(dir, 'cache', file), 'other V8');
      age(join(dir, 'cache', file), 100 - i);
    });
    expect(loadInChild(1)).toBe('{"value":1,"helper":"function"}');
    expect(codeCaches().sort()).toStrictEqual([data!, ...others.slice(-(KEPT_VERSIONS - 1))].sort());
    expect(readdirSync(join(dir, 'cache'))).toContain(cjs);
  });
});

describe('bundleExports', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'meshfleet-bundle-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A process that runs the bundle, read and named by bin/read-bundle.js as the CLI's bundles are, and exits: what it printed. */
  function runInChild(bundle: string): string {
    const script = `import { createRequire } from 'node:module';
      import { bundleExports } from ${JSON.stringify(pathToFileURL(join(REPO, 'lib', 'compiled-cache.ts')).href)};
      const { readBundle, bundleSource } = createRequire(import.meta.url)(${JSON.stringify(join(REPO, 'bin', 'read-bundle.js'))});
      const read = readBundle(${JSON.stringify(bundle)}, ${JSON.stringify(join(dir, 'no-stamp'))});
      process.stdout.write(JSON.stringify(bundleExports(${JSON.stringify(bundle)}, bundleSource(read), read.identity)));`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8', env: { ...process.env, MESHFLEET_CACHE_DIR: join(dir, 'cache') } });
    expect(result.stderr).toBe('');
    return result.stdout;
  }

  it("runs a CommonJS bundle with its requires resolved from its folder, and keeps V8's data of it in the cache folder under its name", () => {
    // As the build writes the validation libraries' bundle (dist/lib/cli/validation.bundle.cjs), beside a module it requires.
    mkdirSync(join(dir, 'cli'));
    mkdirSync(join(dir, 'cache'));
    writeFileSync(join(dir, 'cli', 'beside.cjs'), 'module.exports = 41;');
    const bundle = join(dir, 'cli', 'libs.bundle.cjs');
    writeFileSync(bundle, "module.exports = { answer: require('./beside.cjs') + 1, path: typeof require('node:path').join };");
    expect(runInChild(bundle)).toBe('{"answer":42,"path":"function"}');
    const data = () => readdirSync(join(dir, 'cache'));
    const [made] = data();
    expect(data()).toHaveLength(1);
    expect(made).toMatch(/^libs\.bundle\.[0-9a-f]{16}\.v8-cache$/);
    const time = statSync(join(dir, 'cache', made!)).mtimeMs;
    // Taken by the next run, which writes nothing; nothing is written beside the bundle.
    expect(runInChild(bundle)).toBe('{"answer":42,"path":"function"}');
    expect(statSync(join(dir, 'cache', made!)).mtimeMs).toBe(time);
    expect(readdirSync(join(dir, 'cli')).sort()).toStrictEqual(['beside.cjs', 'libs.bundle.cjs']);
    // A rebuilt bundle gets data of its own (without a build's stamp, the bundle is named by its bytes).
    writeFileSync(bundle, "module.exports = { answer: require('./beside.cjs') + 2 };");
    expect(runInChild(bundle)).toBe('{"answer":43}');
    expect(data()).toHaveLength(2);
  });
});
