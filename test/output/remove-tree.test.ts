// removeTree: the previous output goes after a swap (and staged or left-over folders after a failure)
// as rmSync's recursive, forced removal would remove it, links removed and never followed.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeTree } from '../../lib/output/atomic-write.ts';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'meshfleet-remove-'));
}

describe('removeTree', () => {
  it('removes a folder with nested folders, files and empty folders, and nothing beside it', () => {
    const dir = scratch();
    const tree = join(dir, 'out');
    for (const folder of ['prod/a/mesh/templates', 'prod/b/routes', 'gitops/empty']) mkdirSync(join(tree, folder), { recursive: true });
    for (const file of ['index.json', 'prod/a/mesh/Chart.yaml', 'prod/a/mesh/templates/all.yaml', 'prod/b/routes/routes.yaml']) writeFileSync(join(tree, file), file);
    writeFileSync(join(dir, 'fleet.yaml'), 'kept');
    removeTree(tree);
    expect(readdirSync(dir)).toEqual(['fleet.yaml']);
  });

  it('removes links without following them: their targets outside stay whole', () => {
    const dir = scratch();
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'precious.txt'), 'keep me');
    const tree = join(dir, 'out');
    mkdirSync(join(tree, 'prod'), { recursive: true });
    symlinkSync(outside, join(tree, 'prod', 'folder-link'));
    symlinkSync(join(outside, 'precious.txt'), join(tree, 'file-link'));
    symlinkSync(join(dir, 'nowhere'), join(tree, 'dangling'));
    removeTree(tree);
    expect(existsSync(tree)).toBe(false);
    expect(readFileSync(join(outside, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('removes a file given as the folder, and does nothing for a path that is not there', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'journal'), 'x');
    removeTree(join(dir, 'journal'));
    expect(() => removeTree(join(dir, 'missing'))).not.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});
