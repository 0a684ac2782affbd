// Output appears all at once or not at all: files go to a sibling temp folder, which then replaces
// the output folder by two renames. A run killed before the swap leaves the previous output as it was;
// one killed between the renames is repaired by the next run (recoverInterruptedSwap). Callers hold
// the folder's lock (output-lock.ts) and have checked that the folder is meshfleet's (output-folder.ts).
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { FileAccessError, fileAccessError } from '../model/file-access.ts';

export function writeTreeAtomically(outdir: string, files: ReadonlyMap<string, string>): void {
  const staged = stageTree(outdir);
  try {
    for (const [path, content] of files) staged.write(path, content);
  } catch (e) {
    staged.abort();
    throw e;
  }
  staged.commit();
}

/**
 * A new output being written file by file into the sibling temp folder, so a caller can stream
 * files as it makes them and hold none (synth writes one cluster at a time). commit() swaps it in
 * and verifies it; abort() removes it, leaving the previous output as it was.
 */
export interface StagedTree {
  write(path: string, content: string): void;
  /** Path → byte size of every file written so far. */
  readonly sizes: ReadonlyMap<string, number>;
  /** The temporary folder, for another thread writing files into it with a StagedWriter. */
  readonly folder: string;
  /** Records a file another thread wrote (StagedWriter), so commit() verifies it too. */
  record(path: string, size: number): void;
  commit(): void;
  abort(): void;
}

export function stageTree(outdir: string): StagedTree {
  const target = resolve(outdir);
  const parent = dirname(target);
  const name = basename(target);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw fileAccessError(e, parent, 'create the folder of the output');
  }
  recoverInterruptedSwap(target);

  // mkdir, not mkdtemp: a new folder gets the usual mode (0777 less the umask), not 0700.
  const temp = join(parent, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(temp);
    const existing = lstatSync(target, { throwIfNoEntry: false });
    if (existing?.isDirectory()) chmodSync(temp, existing.mode & 0o7777);
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw fileAccessError(e, temp, 'write the output');
  }
  const writer = stagedWriter(temp);
  const sizes = new Map<string, number>();
  let open = true;
  const abort = () => {
    open = false;
    rmSync(temp, { recursive: true, force: true });
  };
  return {
    sizes,
    folder: temp,
    write(path, content) {
      if (!open) throw new Error('stageTree: the staged output was committed or aborted');
      try {
        sizes.set(path, writer(path, content));
      } catch (e) {
        abort();
        throw e;
      }
    },
    record(path, size) {
      if (!open) throw new Error('stageTree: the staged output was committed or aborted');
      sizes.set(path, size);
    },
    abort,
    commit() {
      if (!open) throw new Error('stageTree: the staged output was committed or aborted');
      open = false;
      const old = join(parent, `.${name}.old-${process.pid}`);
      try {
        if (existsSync(target)) renameSync(target, old);
      } catch (e) {
        rmSync(temp, { recursive: true, force: true });
        throw fileAccessError(e, target, 'move the previous output aside');
      }
      try {
        renameSync(temp, target);
      } catch (e) {
        // Put the previous output back; the next run would do it otherwise.
        if (existsSync(old) && !existsSync(target)) renameSync(old, target);
        rmSync(temp, { recursive: true, force: true });
        throw fileAccessError(e, target, 'move the new output into place');
      }
      rmSync(old, { recursive: true, force: true });
      verifyTree(target, sizes);
    },
  };
}

/**
 * Writes files into a staged folder (StagedTree.folder) and returns each one's byte size: the
 * staged tree's own writer, and a render worker's, which reports the sizes to record().
 */
export type StagedWriter = (path: string, content: string) => number;

export function stagedWriter(folder: string): StagedWriter {
  const made = new Set<string>([folder]);
  return (path, content) => {
    const file = join(folder, path);
    try {
      const dir = dirname(file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(file, content);
    } catch (e) {
      throw fileAccessError(e, file, 'write the output');
    }
    return Buffer.byteLength(content);
  };
}

/** The folder holds exactly these files, with these sizes: the swap is complete. */
function verifyTree(target: string, sizes: ReadonlyMap<string, number>): void {
  const found = new Map<string, number>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = prefix + entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), `${path}/`);
      else found.set(path, statSync(join(dir, entry.name)).size);
    }
  };
  walk(target, '');
  const wrong = [...sizes].filter(([path, size]) => found.get(path) !== size).map(([path]) => path);
  const extra = [...found.keys()].filter((path) => !sizes.has(path));
  if (wrong.length || extra.length) {
    throw new FileAccessError(
      `the output in ${target} is not what was written (${[...wrong, ...extra].slice(0, 5).join(', ')}${wrong.length + extra.length > 5 ? ', …' : ''}): another program changed it during the swap`,
      'stop the other program and run meshfleet synth again',
    );
  }
}

/** Cleans up after a run that was killed: stale temp folders go, and a half-done swap is undone. */
export function recoverInterruptedSwap(target: string): void {
  const parent = dirname(target);
  const name = basename(target);
  if (!existsSync(parent)) return;
  const leftovers = readdirSync(parent).filter((entry) => entry.startsWith(`.${name}.tmp-`) || entry.startsWith(`.${name}.old-`));
  // The newest moved-aside output is the one the interrupted run replaced.
  const moved = leftovers.filter((entry) => entry.startsWith(`.${name}.old-`)).sort((a, b) => statSync(join(parent, b)).mtimeMs - statSync(join(parent, a)).mtimeMs);
  try {
    if (moved.length && !existsSync(target)) renameSync(join(parent, moved[0]), target);
    for (const entry of leftovers) if (existsSync(join(parent, entry))) rmSync(join(parent, entry), { recursive: true, force: true });
  } catch (e) {
    throw fileAccessError(e, join(parent, moved[0] ?? leftovers[0] ?? name), 'repair an interrupted output swap');
  }
}

/** True when a killed run left something for recoverInterruptedSwap to do. */
export function needsRecovery(target: string): boolean {
  const parent = dirname(target);
  const name = basename(target);
  return existsSync(parent) && readdirSync(parent).some((entry) => entry.startsWith(`.${name}.tmp-`) || entry.startsWith(`.${name}.old-`));
}
