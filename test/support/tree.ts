// Reads a folder into { relative path: content }, for whole-tree comparisons.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FileChange } from '../../lib/output/diff.ts';

export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/**
 * Each file of a folder with its size, inode and modification time in nanoseconds: any write to a
 * file (in place or by rename) or any file added or removed changes it. A cheap stand-in for readTree
 * when a loop must prove thousands of times that a folder was left alone.
 */
export function treeStamp(dir: string): string {
  const lines: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      const stat = statSync(path, { bigint: true });
      if (stat.isDirectory()) walk(path);
      else lines.push(`${relative(dir, path)} ${stat.size} ${stat.ino} ${stat.mtimeNs}`);
    }
  };
  walk(dir);
  return lines.join('\n');
}

/** The oracle for compareWithFolder and version checks: changes from `current` (on disk) to `next` (what synth writes), sorted by path. */
export function diffTrees(current: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): FileChange[] {
  const changes: FileChange[] = [];
  for (const [path, after] of next) {
    const before = current.get(path);
    if (before === undefined) changes.push({ path, kind: 'added', after });
    else if (before !== after) changes.push({ path, kind: 'changed', before, after });
  }
  for (const [path, before] of current) if (!next.has(path)) changes.push({ path, kind: 'removed', before });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
