// A synth of a fleet file that may reuse most clusters opens its output folder before the file is
// parsed (prepareSynthesis), so that the folder's survey has its job meanwhile; synthesize takes that
// folder when it would open the same, and the CLI closes it when the file cannot be read.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import { writeFleetFile } from '../../bench/cli-runs.ts';
import { fleetFileInput } from '../../lib/cli/load-input.ts';
import { acquireOutputLock } from '../../lib/output/output-lock.ts';
import { prepareSynthesis, releasePreopenedFolder, synthesize, type SynthOptions } from '../../lib/synth/synthesize.ts';
import { run as runCli } from '../support/cli.ts';
import { REPO } from '../support/fleet.ts';
import { scratchFolderPerTest } from '../support/scratch.ts';
import { readTree } from '../support/tree.ts';

// How many times the output folder was opened.
const opened = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../lib/output/output-folder.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/output/output-folder.ts')>();
  return { ...original, openOutputFolder: (...args: Parameters<typeof original.openOutputFolder>) => (opened.count++, original.openOutputFolder(...args)) };
});

const scratch = scratchFolderPerTest('meshfleet-preopened-folder-', { workers: '0' });

type FleetDocument = { spec: any };

/** Whether another run could take the folder's lock now (the lock is given back at once). */
function lockFree(out: string): boolean {
  try {
    acquireOutputLock(out, { waitMs: 0 }).release();
    return true;
  } catch (e) {
    expect((e as Error).message).toMatch(/another meshfleet run/);
    return false;
  }
}

describe('the output folder opened before the fleet file is parsed', () => {
  const options = (out: string): SynthOptions => ({ outdir: out, keep: 'rollout', incremental: true, workingFolder: scratch.path });
  const synthesized = () => {
    const document = generateFleet(4) as unknown as FleetDocument;
    const out = join(scratch.path, 'out');
    const file = join(scratch.path, 'fleet.yaml');
    const input = { document, baseDir: join(REPO, 'apps'), file };
    synthesize({ ...input, document: structuredClone(document) }, options(out));
    return { document, out, file, input };
  };

  it('is held from prepareSynthesis on, taken by the synthesize that opens the same folder, and given back after it', () => {
    const { document, out, file, input } = synthesized();
    const before = readTree(out);
    opened.count = 0;
    prepareSynthesis(file, options(out), { file, baseDir: input.baseDir });
    expect([lockFree(out), opened.count]).toStrictEqual([false, 1]);
    // The same input names the same folders: the folder opened is taken, not opened again.
    const result = synthesize({ ...input, document: structuredClone(document) }, options(out));
    expect(opened.count).toBe(1);
    expect(result.files).toBe(Object.keys(before).length);
    expect(readTree(out)).toStrictEqual(before);
    expect(lockFree(out)).toBe(true);
  });

  it('is closed when synthesize opens it otherwise (another fleet file), or when the caller releases it', () => {
    const { document, out, file, input } = synthesized();
    opened.count = 0;
    prepareSynthesis(file, options(out), { file: join(scratch.path, 'other.yaml'), baseDir: input.baseDir });
    expect(lockFree(out)).toBe(false);
    synthesize({ ...input, document: structuredClone(document) }, options(out));
    expect([lockFree(out), opened.count]).toStrictEqual([true, 2]);
    prepareSynthesis(file, options(out), { file, baseDir: input.baseDir });
    expect(lockFree(out)).toBe(false);
    releasePreopenedFolder();
    expect(lockFree(out)).toBe(true);
  });

  it('is not opened for a fleet Node imports (its input names its own folders), nor without a cache to reuse', () => {
    expect(fleetFileInput(join(scratch.path, 'fleet.ts'))).toBeUndefined();
    expect(fleetFileInput('fleet.yaml')).toStrictEqual({ file: join(process.cwd(), 'fleet.yaml'), baseDir: process.cwd() });
    const out = join(scratch.path, 'new');
    const file = join(scratch.path, 'fleet.yaml');
    prepareSynthesis(file, options(out), { file, baseDir: scratch.path });
    expect(lockFree(out)).toBe(true);
  });

  it('is given back by the CLI when the fleet file does not parse: the output stays, and the next synth runs', async () => {
    const document = generateFleet(4);
    const file = join(scratch.path, 'fleet.yaml');
    const out = join(scratch.path, 'out');
    writeFleetFile(document, file);
    expect((await runCli('synth', file, '--out', out)).code).toBe(0);
    const before = readTree(out);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}\n  clusters: [unclosed\n`);
    const broken = await runCli('synth', file, '--out', out);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/fleet\.yaml:\d+/);
    expect(readTree(out)).toStrictEqual(before);
    expect(lockFree(out)).toBe(true);
    writeFileSync(file, text);
    expect((await runCli('synth', file, '--out', out)).code).toBe(0);
    expect(readTree(out)).toStrictEqual(before);
  });
});
