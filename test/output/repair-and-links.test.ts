// #17 findings 3 and 8: a swap cut between its two renames is repaired before `synth --check`, `diff`
// or `synth` read the folder; chart versions never go back (a missing or damaged versions.lock.json is
// rebuilt from the charts' own Chart.yaml); and `diff`/`--check` never follow a link or open a FIFO.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FileAccessError } from '../../lib/model/file-access.ts';
import { readOutputTree } from '../../lib/output/diff.ts';
import { fleetDocument } from '../support/fleet.ts';
import { readTree } from '../support/tree.ts';
import { run } from '../support/cli.ts';

/** A small fleet synthesized into <dir>/out. */
async function synthesized(edit: (doc: Record<string, any>) => void = () => {}): Promise<{ dir: string; fleet: string; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-repair-'));
  const fleet = join(dir, 'fleet.yaml');
  writeFileSync(fleet, stringify(fleetDocument(edit)));
  const out = join(dir, 'out');
  expect((await run('synth', fleet, '--out', out)).code).toBe(0);
  return { dir, fleet, out };
}

/** A change of every cluster's mesh chart content (the namespace's CNI label). */
const cni = (on: boolean) => (doc: Record<string, any>) => doc.spec.clusters.forEach((cluster: Record<string, unknown>) => (cluster.cni = on));

const chartVersion = (out: string, cluster: string) => /^version: "?([^"\n]+)"?$/m.exec(readFileSync(join(out, 'prod', cluster, 'mesh', 'Chart.yaml'), 'utf8'))?.[1];

describe('a swap cut between its two renames', () => {
  it.each(['synth --check', 'diff'])('is repaired before `%s` reads the folder', async (command) => {
    const { dir, fleet, out } = await synthesized();
    const before = readTree(out);
    // GIVEN a run killed after moving the output aside and before moving the new one in
    renameSync(out, join(dir, '.out.old-4242'));
    mkdirSync(join(dir, '.out.tmp-4242-dead'));
    // WHEN a read-only command runs
    const result = await run(...command.split(' '), fleet, '--out', out);
    // THEN it sees the previous output, not "every file added", and the leftovers are gone
    expect(result.stdout).not.toContain('added');
    expect(result.code).toBe(0);
    expect(readTree(out)).toStrictEqual(before);
    expect(readdirSync(dir).sort()).toStrictEqual(['fleet.yaml', 'out']);
  });

  it('is repaired before synth reads the version lock, so chart versions go on from where they were', async () => {
    const { dir, fleet, out } = await synthesized();
    writeFileSync(fleet, stringify(fleetDocument(cni(true))));
    expect((await run('synth', fleet, '--out', out)).code).toBe(0);
    expect(chartVersion(out, 'a')).toBe('0.1.1');
    renameSync(out, join(dir, '.out.old-4242'));
    writeFileSync(fleet, stringify(fleetDocument(cni(false))));
    expect((await run('synth', fleet, '--out', out)).code).toBe(0);
    expect(chartVersion(out, 'a')).toBe('0.1.2');
  });
});

describe('chart versions never go back', () => {
  it.each([
    ['missing', (file: string) => rmSync(file)],
    ['damaged', (file: string) => writeFileSync(file, '{"charts": "oops"')],
  ])('a %s versions.lock.json is rebuilt from the charts: same content keeps its version, new content moves on', async (damage, spoil) => {
    const { fleet, out } = await synthesized();
    writeFileSync(fleet, stringify(fleetDocument(cni(true))));
    expect((await run('synth', fleet, '--out', out)).code).toBe(0);
    expect([chartVersion(out, 'a'), chartVersion(out, 'b')]).toStrictEqual(['0.1.1', '0.1.1']);
    const lock = readFileSync(join(out, 'versions.lock.json'), 'utf8');

    spoil(join(out, 'versions.lock.json'));
    const same = await run('synth', fleet, '--out', out);
    expect(same.code).toBe(0);
    expect(same.stderr).toContain(`versions.lock.json in ${out} is ${damage}`);
    expect(same.stderr).toContain('chart versions were rebuilt from 2 Chart.yaml file(s) there');
    expect(readFileSync(join(out, 'versions.lock.json'), 'utf8')).toBe(lock);

    spoil(join(out, 'versions.lock.json'));
    writeFileSync(fleet, stringify(fleetDocument(cni(false))));
    expect((await run('synth', fleet, '--out', out)).code).toBe(0);
    expect([chartVersion(out, 'a'), chartVersion(out, 'b')]).toStrictEqual(['0.1.2', '0.1.2']);
  });
});

describe('diff and --check read the output folder without following links or opening special files', () => {
  it('a planted link to a file outside is refused with its path, and its target is never printed', async () => {
    const { dir, fleet, out } = await synthesized();
    writeFileSync(join(dir, 'runner-secret'), 'TOKEN=hunter2\n');
    symlinkSync(join(dir, 'runner-secret'), join(out, 'prod', 'a', 'secret.yaml'));
    for (const command of [['diff'], ['synth', '--check']]) {
      const result = await run(...command, fleet, '--out', out);
      expect(result.code).toBe(2);
      expect(result.stdout + result.stderr).not.toContain('hunter2');
      expect(result.stderr).toContain('prod/a/secret.yaml (a symbolic link)');
    }
  });

  it('a link replacing a file meshfleet wrote is not read either', async () => {
    const { dir, fleet, out } = await synthesized();
    writeFileSync(join(dir, 'runner-secret'), 'TOKEN=hunter2\n');
    const chart = join(out, 'prod', 'a', 'mesh', 'Chart.yaml');
    unlinkSync(chart);
    symlinkSync(join(dir, 'runner-secret'), chart);
    const result = await run('diff', fleet, '--out', out);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).not.toContain('hunter2');
    expect(result.stderr).toContain('prod/a/mesh/Chart.yaml (a symbolic link)');
  });

  it('a FIFO ends --check at once with its path instead of hanging', async () => {
    const { fleet, out } = await synthesized();
    execFileSync('mkfifo', [join(out, 'prod', 'a', 'pipe.yaml')]);
    const started = Date.now();
    const result = await run('synth', '--check', fleet, '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('prod/a/pipe.yaml (a FIFO (named pipe))');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('readOutputTree itself refuses links (dangling, looping, to folders) and special files, naming them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-tree-'));
    const cases: [string, () => void, string][] = [
      ['dangling.yaml', () => symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling.yaml')), 'a symbolic link'],
      ['loop.yaml', () => symlinkSync(join(dir, 'loop.yaml'), join(dir, 'loop.yaml')), 'a symbolic link'],
      ['etc', () => symlinkSync('/etc', join(dir, 'etc')), 'a symbolic link'],
      ['fifo.yaml', () => execFileSync('mkfifo', [join(dir, 'fifo.yaml')]), 'a FIFO (named pipe)'],
    ];
    for (const [name, plant, kind] of cases) {
      plant();
      let error: unknown;
      try {
        readOutputTree(dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FileAccessError);
      expect((error as FileAccessError).problem).toBe(`${name} in the output folder ${dir} is ${kind}; meshfleet writes only regular files and does not follow links or open special files`);
      expect((error as FileAccessError).exitCode).toBe(2);
      rmSync(join(dir, name));
    }
    writeFileSync(join(dir, 'plain.yaml'), 'a: 1\n');
    expect(readOutputTree(dir)).toStrictEqual(new Map([['plain.yaml', 'a: 1\n']]));
  });
});
