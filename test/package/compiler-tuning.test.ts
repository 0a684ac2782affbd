// V8's compiler is tuned once meshfleet's threads take every core, as render workers start, in the
// CLI's process only; the code caches are made with the flags they are read under (lib/compiler-tuning.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { compilerFlagsFor } from '../../lib/compiler-tuning.ts';
import { REPO } from '../support/fleet.ts';

// The flags the process would be given, instead of setting them in the test runner's V8; two cores, as CI has.
const setFlags = vi.hoisted(() => vi.fn<(flag: string) => void>());
vi.mock('node:v8', async (original) => ({ ...(await original<typeof import('node:v8')>()), setFlagsFromString: setFlags }));
vi.mock('node:os', async (original) => ({ ...(await original<typeof import('node:os')>()), availableParallelism: () => 2 }));

const work = mkdtempSync(join(tmpdir(), 'meshfleet-compiler-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The modules afresh: whether tuning was allowed and done is the process's state. */
const fresh = async () => {
  vi.resetModules();
  return {
    tuning: await import('../../lib/compiler-tuning.ts'),
    workers: await import('../../lib/synth/render-workers.ts'),
  };
};

const V8_11 = '11.3.244.8-node.33';
const host = (cores: number, v8Version = V8_11) => ({ setFlags, v8Version, cores });
const flagsSet = () => setFlags.mock.calls.map(([flag]) => flag);
const tunedFlags = (flags: ReturnType<typeof compilerFlagsFor>) => flags.map((f) => `${f.name}=${f.tuned}`);
const defaultFlags = (flags: ReturnType<typeof compilerFlagsFor>) => flags.map((f) => `${f.name}=${f.default}`);

beforeEach(() => setFlags.mockClear());

describe('compiler tuning', () => {
  it('has flags for V8 11 (Node 20), where they were measured, and none for another V8', async () => {
    const { tuning } = await fresh();
    expect(tuning.compilerFlagsFor(V8_11)).toEqual(tuning.COMPILER_FLAGS);
    expect(tuning.compilerFlagsFor('12.4.254.21-node.33')).toEqual([]);
    expect(tuning.compilerFlagsFor('10.2.154.26-node.36')).toEqual([]);
  });

  // Skipped, not passed, on a V8 the flags are not set for. The defaults must be V8's own: the code
  // caches are made with them, and V8 refuses data made under other flags than its own.
  it.skipIf(compilerFlagsFor(process.versions.v8).length === 0)("names flags this Node's V8 knows, with V8's defaults, each tuned away from it", async () => {
    const { tuning } = await fresh();
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    for (const flag of tuning.COMPILER_FLAGS) {
      const defaults = new RegExp(`default: ${flag.name}=(\\d+)`).exec(options);
      expect(defaults, `${flag.name} in node --v8-options`).not.toBeNull();
      expect(Number(defaults![1])).toBe(flag.default);
      expect(flag.tuned).not.toBe(flag.default);
    }
  });

  it('sets nothing unless the CLI allows it, nor while a core is spare, and the flags once; released, they are the defaults again', async () => {
    const { tuning } = await fresh();
    expect(tuning.shareCoresWithCompiler(2, host(2))).toBe(false);
    tuning.allowCompilerTuning();
    expect(tuning.shareCoresWithCompiler(2, host(4))).toBe(false);
    expect(setFlags).not.toHaveBeenCalled();
    expect(tuning.compilerFlagState()).toBe('default');
    expect(tuning.shareCoresWithCompiler(4, host(4))).toBe(true);
    expect(flagsSet()).toEqual(tunedFlags(tuning.COMPILER_FLAGS));
    expect(tuning.compilerFlagState()).toBe('tuned');
    expect(tuning.shareCoresWithCompiler(4, host(4))).toBe(false);
    expect(setFlags).toHaveBeenCalledTimes(tuning.COMPILER_FLAGS.length);
    setFlags.mockClear();
    tuning.releaseCoresToCompiler(host(4));
    expect(flagsSet()).toEqual(defaultFlags(tuning.COMPILER_FLAGS));
    expect(tuning.compilerFlagState()).toBe('default');
  });

  it('sets no flag for a V8 it was not measured on', async () => {
    const { tuning } = await fresh();
    tuning.allowCompilerTuning();
    expect(tuning.shareCoresWithCompiler(2, host(2, '12.4.254.21-node.33'))).toBe(false);
    expect(setFlags).not.toHaveBeenCalled();
  });

  it('makes a code cache with the flags it is read under, and sets them back', async () => {
    const { tuning } = await fresh();
    tuning.allowCompilerTuning();
    tuning.shareCoresWithCompiler(2, host(2));
    setFlags.mockClear();
    const during: string[][] = [];
    expect(tuning.withCompilerFlags('default', () => (during.push(flagsSet()), 'data'), host(2))).toBe('data');
    expect(during).toStrictEqual([defaultFlags(tuning.COMPILER_FLAGS)]);
    expect(flagsSet()).toEqual([...defaultFlags(tuning.COMPILER_FLAGS), ...tunedFlags(tuning.COMPILER_FLAGS)]);
    expect(tuning.compilerFlagState()).toBe('tuned');
    // Under the flags it is read under already: nothing set.
    setFlags.mockClear();
    tuning.withCompilerFlags('tuned', () => undefined, host(2));
    expect(setFlags).not.toHaveBeenCalled();
  });

  // That bin makes its code cache with the defaults: test/cli/bin.test.ts.
  it('is allowed by the command (bin/meshfleet.js) before it runs, not by the library', async () => {
    const bin = readFileSync(new URL('../../bin/meshfleet.js', import.meta.url), 'utf8');
    const allowed = bin.indexOf('cli.allowCompilerTuning();');
    expect(allowed).toBeGreaterThan(0);
    expect(bin.indexOf('cli.runCli(')).toBeGreaterThan(allowed);
    expect(Object.keys(await import('../../lib/index.ts'))).not.toContain('allowCompilerTuning');
  });

  it('tunes as render workers start, not for a fleet rendered on the main thread alone, and releases the flags when they are not used', async () => {
    const { tuning, workers } = await fresh();
    tuning.allowCompilerTuning();
    const file = (name: string, clusters: number) => {
      const path = join(work, name);
      writeFileSync(path, '#'.repeat(clusters * 256));
      return path;
    };
    expect(workers.prestartForFleetFile(file('small.yaml', workers.WORKER_THRESHOLD - 1))).toBe(0);
    expect(setFlags).not.toHaveBeenCalled();
    expect(workers.prestartForFleetFile(file('large.yaml', workers.WORKER_THRESHOLD))).toBe(1);
    expect(flagsSet()).toEqual(tunedFlags(tuning.compilerFlagsFor(process.versions.v8)));
    // Counted, the clusters to render are too few for workers (an incremental synth): the main thread renders alone, with V8's defaults.
    setFlags.mockClear();
    workers.prestartRenderWorkers(workers.WORKER_THRESHOLD - 1);
    expect(flagsSet()).toEqual(defaultFlags(tuning.compilerFlagsFor(process.versions.v8)));
    expect(tuning.compilerFlagState()).toBe('default');
  });
});

// In processes of their own, with V8's real flags.
describe.skipIf(compilerFlagsFor(process.versions.v8).length === 0)("V8's code cache and the tuned flags", () => {
  it('data made once the flags are tuned is refused by the next process, data made with the defaults is taken', () => {
    const source = `(function () { ${Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; }`).join(' ')} return f1(2); })`;
    const sourceFile = join(work, 'source.js');
    writeFileSync(sourceFile, source);
    const make = `import { readFileSync, writeFileSync } from 'node:fs';
      import { Script } from 'node:vm';
      import v8 from 'node:v8';
      import * as tuning from ${JSON.stringify(pathToFileURL(join(REPO, 'lib', 'compiler-tuning.ts')).href)};
      const script = new Script(readFileSync(${JSON.stringify(sourceFile)}, 'utf8'), { filename: 'source.js' });
      tuning.allowCompilerTuning();
      tuning.shareCoresWithCompiler(2, { setFlags: v8.setFlagsFromString, v8Version: process.versions.v8, cores: 2 });
      writeFileSync(${JSON.stringify(join(work, 'tuned.data'))}, script.createCachedData());
      writeFileSync(${JSON.stringify(join(work, 'default.data'))}, tuning.withCompilerFlags('default', () => script.createCachedData()));`;
    const made = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', make], { cwd: REPO, encoding: 'utf8' });
    expect(made.stderr).toBe('');
    const refused = (data: string) =>
      spawnSync(process.execPath, ['-e', `const { readFileSync } = require('node:fs'); const s = new (require('node:vm').Script)(readFileSync(${JSON.stringify(sourceFile)}, 'utf8'), { filename: 'source.js', cachedData: readFileSync(${JSON.stringify(join(work, data))}) }); process.stdout.write(String(s.cachedDataRejected));`], { encoding: 'utf8' }).stdout;
    expect(refused('tuned.data')).toBe('true');
    expect(refused('default.data')).toBe('false');
  });
});
