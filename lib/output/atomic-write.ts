// Output appears all at once or not at all: files go to a sibling temp folder, which then replaces
// the output folder by two renames. A run killed before the swap leaves the previous output as it was.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export function writeTreeAtomically(outdir: string, files: ReadonlyMap<string, string>): void {
  const target = resolve(outdir);
  const parent = dirname(target);
  const name = basename(target);
  mkdirSync(parent, { recursive: true });
  recoverInterruptedSwap(target);

  const temp = mkdtempSync(join(parent, `.${name}.tmp-`));
  try {
    const made = new Set<string>();
    for (const [path, content] of files) {
      const dir = dirname(join(temp, path));
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(join(temp, path), content);
    }
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
  const old = join(parent, `.${name}.old-${process.pid}`);
  if (existsSync(target)) renameSync(target, old);
  renameSync(temp, target);
  rmSync(old, { recursive: true, force: true });
}

/** Cleans up after a run that was killed: stale temp folders go, and a half-done swap is undone. */
export function recoverInterruptedSwap(target: string): void {
  const parent = dirname(target);
  const name = basename(target);
  if (!existsSync(parent)) return;
  for (const entry of readdirSync(parent)) {
    if (entry.startsWith(`.${name}.tmp-`)) rmSync(join(parent, entry), { recursive: true, force: true });
    if (entry.startsWith(`.${name}.old-`)) {
      if (!existsSync(target)) renameSync(join(parent, entry), target);
      else rmSync(join(parent, entry), { recursive: true, force: true });
    }
  }
}
