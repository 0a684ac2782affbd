// V8's compiler is tuned once meshfleet's threads take every core, as render workers start, in the
// CLI's process only (lib/synth/compiler-tuning.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { compilerFlagsFor } from '../../lib/synth/compiler-tuning.ts';

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
    tuning: await import('../../lib/synth/compiler-tuning.ts'),
    workers: await import('../../lib/synth/render-workers.ts'),
  };
};

const V8_11 = '11.3.244.8-node.33';
const host = (cores: number, v8Version = V8_11) => ({ setFlags, v8Version, cores });
const flagsSet = () => setFlags.mock.calls.map(([flag]) => flag);

beforeEach(() => setFlags.mockClear());

describe('compiler tuning', () => {
  it('has flags for V8 11 (Node 20), where they were measured, and none for another V8', async () => {
    const { tuning } = await fresh();
    expect(tuning.compilerFlagsFor(V8_11)).toEqual(tuning.COMPILER_FLAGS);
    expect(tuning.compilerFlagsFor('12.4.254.21-node.33')).toEqual([]);
    expect(tuning.compilerFlagsFor('10.2.154.26-node.36')).toEqual([]);
  });

  // Skipped, not passed, on a V8 the flags are not set for.
  it.skipIf(compilerFlagsFor(process.versions.v8).length === 0)("names flags this Node's V8 knows, each tuned away from its default", async () => {
    const { tuning } = await fresh();
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    for (const flag of tuning.COMPILER_FLAGS) {
      const [name, value] = flag.split('=');
      const defaults = new RegExp(`default: ${name}=(\\d+)`).exec(options);
      expect(defaults, `${name} in node --v8-options`).not.toBeNull();
      expect(defaults![1]).not.toBe(value);
    }
  });

  it('sets nothing unless the CLI allows it, nor while a core is spare, and the flags once', async () => {
    const { tuning } = await fresh();
    expect(tuning.shareCoresWithCompiler(2, host(2))).toBe(false);
    tuning.allowCompilerTuning();
    expect(tuning.shareCoresWithCompiler(2, host(4))).toBe(false);
    expect(setFlags).not.toHaveBeenCalled();
    expect(tuning.shareCoresWithCompiler(4, host(4))).toBe(true);
    expect(flagsSet()).toEqual(tuning.COMPILER_FLAGS);
    expect(tuning.shareCoresWithCompiler(4, host(4))).toBe(false);
    expect(setFlags).toHaveBeenCalledTimes(tuning.COMPILER_FLAGS.length);
  });

  it('sets no flag for a V8 it was not measured on', async () => {
    const { tuning } = await fresh();
    tuning.allowCompilerTuning();
    expect(tuning.shareCoresWithCompiler(2, host(2, '12.4.254.21-node.33'))).toBe(false);
    expect(setFlags).not.toHaveBeenCalled();
  });

  it('is allowed by the command (bin/meshfleet.js) before it runs, not by the library', async () => {
    const bin = readFileSync(new URL('../../bin/meshfleet.js', import.meta.url), 'utf8');
    const allowed = bin.indexOf('cli.allowCompilerTuning();');
    expect(allowed).toBeGreaterThan(0);
    expect(bin.indexOf('cli.runCli(')).toBeGreaterThan(allowed);
    expect(Object.keys(await import('../../lib/index.ts'))).not.toContain('allowCompilerTuning');
  });

  it('tunes as render workers start, not for a fleet rendered on the main thread alone', async () => {
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
    expect(flagsSet()).toEqual(tuning.compilerFlagsFor(process.versions.v8));
  });
});
