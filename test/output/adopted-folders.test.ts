// StagedTree.adopt (incremental synth): folders of the previous output are moved into the staged one.
// Until the swap the previous output lacks them, so a run that stops at any point (an error, a kill
// after the moves, a kill between the two renames of the swap) must leave the previous output, or
// the complete new one, byte for byte, once the next run has repaired the folder. Folders a render
// thread wrote and checked (StagedTree.checked, checkWritten) are counted at the swap in the same way.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWritten, needsRecovery, recoverInterruptedSwap, stagedWriter, stageTree, writeTreeAtomically, type StagedTree } from '../../lib/output/atomic-write.ts';
import { readTree } from '../support/tree.ts';

const PREVIOUS = new Map([
  ['index.json', '{}'],
  ['dev/a/mesh/Chart.yaml', 'name: a'],
  ['dev/a/values/x.yaml', 'x: 1'],
  ['dev/b/values/y.yaml', 'y: 22'],
  ['prod/c/manifests/z.yaml', 'z: 333'],
  ['gitops/clusters/a.yaml', 'a: 4444'],
  ['gitops/clusters/b.yaml', 'b: 55555'],
]);

/** A previous output, and a staged new one that wrote dev/b afresh and adopted dev/a, prod/c and the single file gitops/clusters/a.yaml. */
function stagedWithMoves(): { root: string; out: string; staged: StagedTree; previous: Record<string, string>; temp: string } {
  const root = mkdtempSync(join(tmpdir(), 'meshfleet-adopt-'));
  const out = join(root, 'charts-out');
  writeTreeAtomically(out, PREVIOUS);
  const previous = readTree(out);
  const staged = stageTree(out);
  staged.write('index.json', '{"new":true}');
  staged.write('dev/b/values/y.yaml', 'y: 23');
  staged.write('gitops/clusters/b.yaml', 'b: 66666');
  staged.adopt([
    { folder: 'dev/a', files: 2, bytes: 11 },
    { folder: 'prod/c', files: 1, bytes: 6 },
    { folder: 'gitops/clusters/a.yaml', files: 1, bytes: 7 },
  ]);
  const temp = readdirSync(root).find((entry) => entry.startsWith('.charts-out.tmp-'))!;
  return { root, out, staged, previous, temp };
}

const NEW = {
  'index.json': '{"new":true}',
  'dev/a/mesh/Chart.yaml': 'name: a',
  'dev/a/values/x.yaml': 'x: 1',
  'dev/b/values/y.yaml': 'y: 23',
  'prod/c/manifests/z.yaml': 'z: 333',
  'gitops/clusters/a.yaml': 'a: 4444',
  'gitops/clusters/b.yaml': 'b: 66666',
};

describe('adopted folders', () => {
  it('move into the new output on commit, with the times their mover checked, leaving nothing beside it', () => {
    const { root, out, staged, temp } = stagedWithMoves();
    expect(existsSync(join(out, 'dev', 'a'))).toBe(false);
    expect(existsSync(join(out, 'gitops', 'clusters', 'a.yaml'))).toBe(false);
    expect(existsSync(join(root, temp, 'dev', 'a', 'values', 'x.yaml'))).toBe(true);
    staged.commit();
    expect(readTree(out)).toStrictEqual(NEW);
    expect(readdirSync(root)).toStrictEqual(['charts-out']);
    // Adopted files are counted, not stat-ed again nor listed; the written ones carry the times commit() found.
    expect([...staged.mtimes.keys()].sort()).toStrictEqual(['dev/b/values/y.yaml', 'gitops/clusters/b.yaml', 'index.json']);
    expect(staged.mtimes.get('dev/b/values/y.yaml')).toBeGreaterThan(3);
    // Every file's bytes, the adopted ones' as their mover gave them.
    expect(staged.bytes()).toBe(Object.values(NEW).reduce((n, text) => n + Buffer.byteLength(text), 0));
  });

  it('go back into the previous output on abort (synth found an error)', () => {
    const { root, out, staged, previous } = stagedWithMoves();
    staged.abort();
    expect(readTree(out)).toStrictEqual(previous);
    expect(readdirSync(root)).toStrictEqual(['charts-out']);
  });

  it('go back when the staged tree fails its check before the swap', () => {
    const { root, out, staged, previous, temp } = stagedWithMoves();
    writeFileSync(join(root, temp, 'dev', 'b', 'values', 'stray.yaml'), 'x');
    expect(() => staged.commit()).toThrow(/not what was written \(dev\/b\/values\/stray\.yaml\)/);
    expect(readTree(out)).toStrictEqual(previous);
    expect(readdirSync(root)).toStrictEqual(['charts-out']);
  });

  it('go back when the run is killed after the moves, before the swap', () => {
    // GIVEN a run killed right after its moves (its staged tree is simply never used again)
    const { root, out, previous } = stagedWithMoves();
    expect(readdirSync(root).filter((e) => e.startsWith('.charts-out.moves-'))).toHaveLength(1);
    // WHEN the next run opens the folder
    expect(needsRecovery(out)).toBe(true);
    recoverInterruptedSwap(out);
    // THEN the previous output is back whole, and nothing is left beside it
    expect(readTree(out)).toStrictEqual(previous);
    expect(readdirSync(root)).toStrictEqual(['charts-out']);
  });

  it('go back when the run is killed between the two renames of the swap', () => {
    // GIVEN a run killed after moving the previous output aside (commit's first rename)
    const { root, out, previous } = stagedWithMoves();
    renameSync(out, join(root, `.charts-out.old-${process.pid}`));
    // WHEN the next run repairs the folder
    recoverInterruptedSwap(out);
    // THEN the previous output is back whole
    expect(readTree(out)).toStrictEqual(previous);
    expect(readdirSync(root)).toStrictEqual(['charts-out']);
  });

  it('stay in the new output when the run is killed after the swap, before its clean-up', () => {
    const { root, out, temp } = stagedWithMoves();
    renameSync(out, join(root, `.charts-out.old-${process.pid}`));
    renameSync(join(root, temp), out);
    recoverInterruptedSwap(out);
    expect(readTree(out)).toStrictEqual(NEW);
    expect(readdirSync(root)).toStrictEqual(['charts-out']);
  });

  it('are refused when not a folder inside the output', () => {
    const { staged, out, previous } = stagedWithMoves();
    expect(() => staged.adopt([{ folder: '../elsewhere', files: 0, bytes: 0 }])).toThrow(/not a folder inside the output/);
    staged.abort();
    expect(readTree(out)).toStrictEqual(previous);
  });
});

describe('folders checked by the thread that wrote them', () => {
  /** A staged output whose folder dev/a a render thread wrote into the staged folder and checked. */
  function stagedWithChecked() {
    const root = mkdtempSync(join(tmpdir(), 'meshfleet-checked-'));
    const out = join(root, 'charts-out');
    const staged = stageTree(out);
    const write = stagedWriter(staged.folder);
    const files = [['dev/a/mesh/Chart.yaml', 'name: a'], ['dev/a/values/x.yaml', 'x: 1']].map(([path, text]) => [path!, write(path!, text!)] as const);
    const mtimes = checkWritten(staged.folder, files);
    staged.checked('dev/a', files.map(([path, size], i) => [path, size, mtimes[i]!] as const));
    staged.write('index.json', '{}');
    return { root, out, staged, files, mtimes };
  }

  it('are counted on commit, with the sizes and times their writer checked', () => {
    const { out, staged, files, mtimes } = stagedWithChecked();
    expect(mtimes).toStrictEqual(files.map(([path]) => statSync(join(staged.folder, path)).mtimeMs));
    staged.commit();
    expect(readTree(out)).toStrictEqual({ 'dev/a/mesh/Chart.yaml': 'name: a', 'dev/a/values/x.yaml': 'x: 1', 'index.json': '{}' });
    expect(staged.mtimes.get('dev/a/values/x.yaml')).toBe(mtimes[1]);
    expect(staged.sizes.get('dev/a/values/x.yaml')).toBe(4);
  });

  it('are not walked again before the swap: their files keep the times their writer recorded', () => {
    const { out, staged } = stagedWithChecked();
    const written = stagedWriter(staged.folder)('dev/b/values/y.yaml', 'y: 2');
    // A time no stat would give: commit keeps it only when it does not stat the folder's files.
    staged.checked('dev/b', [['dev/b/values/y.yaml', written, 1]]);
    staged.commit();
    expect(staged.mtimes.get('dev/b/values/y.yaml')).toBe(1);
    expect(staged.mtimes.get('index.json')).toBe(statSync(join(out, 'index.json')).mtimeMs);
  });

  it('a file changed or replaced after it was written fails the check, naming it', () => {
    const { staged } = stagedWithChecked();
    writeFileSync(join(staged.folder, 'dev/a/values/x.yaml'), 'x: 10');
    expect(() => checkWritten(staged.folder, [['dev/a/values/x.yaml', 4]])).toThrow(/dev\/a\/values\/x\.yaml is not what was written/);
    mkdirSync(join(staged.folder, 'dev/a/values/y.yaml'));
    expect(() => checkWritten(staged.folder, [['dev/a/values/y.yaml', 0]])).toThrow(/y\.yaml is not what was written/);
    staged.abort();
  });

  it('take no file after their check: commit would neither walk nor count it', () => {
    const { out, staged } = stagedWithChecked();
    expect(() => staged.write('dev/a/values/late.yaml', 'late: 1')).toThrow(/dev\/a\/values\/late\.yaml is in dev\/a, whose files were counted already/);
    expect(() => staged.record('dev/a/mesh/templates/late.yaml', 7)).toThrow(/whose files were counted already/);
    // Beside it, as any file.
    staged.write('dev/ab/values/x.yaml', 'x: 2');
    staged.commit();
    expect(Object.keys(readTree(out)).sort()).toStrictEqual(['dev/a/mesh/Chart.yaml', 'dev/a/values/x.yaml', 'dev/ab/values/x.yaml', 'index.json']);
  });

  it('are refused when not a folder inside the output', () => {
    const { staged } = stagedWithChecked();
    expect(() => staged.checked('../elsewhere', [])).toThrow(/not a folder inside the output/);
    staged.abort();
  });
});
