// synth --check and diff compare each file with the output folder as it is made (compareWithFolder)
// instead of holding both trees: the same changes as diffTrees over the two whole trees, only the
// changes held, and the same refusals of links and special files.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareWithFolder, readOutputTree } from '../../lib/output/diff.ts';
import { diffTrees } from '../support/tree.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { exampleDocument, REPO } from '../support/fleet.ts';

const work = mkdtempSync(join(tmpdir(), 'meshfleet-compare-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const input = () => ({ document: exampleDocument(), baseDir: join(REPO, 'apps') });

/** The example's output written to a folder of its own, then edited by `edit`. */
function writtenOutput(name: string, edit: (out: string) => void): string {
  const out = join(work, name);
  synthesize(input(), { outdir: out, workingFolder: work });
  edit(out);
  return out;
}

describe('compareWithFolder', () => {
  it('finds what diffTrees finds over the whole trees: changed, added (also where a folder stands), removed', () => {
    const out = writtenOutput('edited', (dir) => {
      const values = join(dir, 'prod', 'eu-1', 'values', 'linkerd-control-plane.yaml');
      writeFileSync(values, `${readFileSync(values, 'utf8')}# edited by hand\n`);
      unlinkSync(join(dir, 'prod', 'eu-1', 'mesh', 'Chart.yaml'));
    });
    const next = synthesize(input(), { outdir: join(work, 'unused'), dryRun: true, workingFolder: work }).rendered.files;
    const expected = diffTrees(readOutputTree(out), next);
    expect(expected.map((c) => `${c.kind} ${c.path}`)).toStrictEqual(['added prod/eu-1/mesh/Chart.yaml', 'changed prod/eu-1/values/linkerd-control-plane.yaml']);

    const { comparison, rendered } = synthesize(input(), { outdir: out, dryRun: 'compare', workingFolder: work });
    expect(comparison!.changes).toStrictEqual(expected);
    expect(comparison!.files).toBe(next.size);
    // Lookups serve the risk checks: the folder as it is and as synth would leave it.
    expect(comparison!.before.get('prod/eu-1/mesh/Chart.yaml')).toBeUndefined();
    expect(comparison!.after.get('prod/eu-1/mesh/Chart.yaml')).toBe(next.get('prod/eu-1/mesh/Chart.yaml'));
    expect(comparison!.before.get('index.json')).toBe(next.get('index.json'));
    // Only the fleet-wide files stay in memory; each cluster's files were compared and let go.
    expect([...rendered.files.keys()].some((path) => path.startsWith('prod/eu-1/'))).toBe(false);

    // Files synth would not write are removed, also under a folder standing where it writes a file
    // (a plain folder here: synth itself refuses to touch a folder holding files it did not write).
    unlinkSync(join(out, 'index.json'));
    mkdirSync(join(out, 'index.json'));
    writeFileSync(join(out, 'index.json', 'stray.yaml'), 'a: 1\n');
    writeFileSync(join(out, 'prod', 'eu-1', 'extra.yaml'), 'b: 2\n');
    const compared = compareWithFolder(out);
    for (const [path, text] of next) compared.add(path, text);
    const result = compared.finish();
    expect(result.changes).toStrictEqual(diffTrees(readOutputTree(out), next));
    expect(result.changes.map((c) => `${c.kind} ${c.path}`)).toStrictEqual([
      'added index.json',
      'removed index.json/stray.yaml',
      'removed prod/eu-1/extra.yaml',
      'added prod/eu-1/mesh/Chart.yaml',
      'changed prod/eu-1/values/linkerd-control-plane.yaml',
    ]);
    expect(result.before.get('prod/eu-1/extra.yaml')).toBe('b: 2\n');
    expect(result.after.get('prod/eu-1/extra.yaml')).toBeUndefined();
  });

  it('an up-to-date folder has no changes; a missing folder is all additions', () => {
    const out = writtenOutput('same', () => {});
    expect(synthesize(input(), { outdir: out, dryRun: 'compare', workingFolder: work }).comparison!.changes).toStrictEqual([]);
    const missing = synthesize(input(), { outdir: join(work, 'missing'), dryRun: 'compare', workingFolder: work }).comparison!;
    expect(missing.changes.every((c) => c.kind === 'added')).toBe(true);
    expect(missing.changes).toHaveLength(missing.files);
  });

  it('refuses a link where synth writes a file, as reading the whole tree did', () => {
    const out = writtenOutput('linked', (dir) => {
      const target = join(dir, 'prod', 'eu-1', 'values', 'linkerd-crds.yaml');
      unlinkSync(target);
      symlinkSync('/etc/hostname', target);
    });
    expect(() => synthesize(input(), { outdir: out, dryRun: 'compare', workingFolder: work })).toThrow(/symbolic link|link/);
    expect(() => compareWithFolder(out).finish()).toThrow(/linkerd-crds\.yaml .*link/);
  });

  it("validate's count keeps no file and counts the bytes a synth writes", () => {
    const written = synthesize(input(), { outdir: join(work, 'written'), workingFolder: work });
    const counted = synthesize(input(), { outdir: join(work, 'counted'), dryRun: 'count', workingFolder: work });
    expect([counted.files, counted.bytes]).toStrictEqual([written.files, written.bytes]);
    expect([...counted.rendered.files.keys()].some((path) => path.startsWith('prod/eu-1/'))).toBe(false);
  });
});
