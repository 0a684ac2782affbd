// Output appears all at once or not at all: files go to a sibling temp folder, which then replaces
// the output folder by two renames. A run killed before the swap leaves the previous output as it was;
// one killed between the renames is repaired by the next run (recoverInterruptedSwap). Folders an
// incremental synth moves from the output into the temp folder (adopt) are listed in a journal beside
// both first, so that abort() and the next run put them back. Callers hold
// the folder's lock (output-lock.ts) and have checked that the folder is meshfleet's (output-folder.ts).
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FileAccessError, fileAccessError } from '../model/file-access.ts';
import { writePieces } from '../compiled-cache.ts';

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
  write(path: string, content: FileContent): void;
  /** Path → byte size of every file written, recorded or checked so far (adopted ones are counted: bytes()). */
  readonly sizes: ReadonlyMap<string, number>;
  /** Path → modification time (mtimeMs) of every file in sizes, as commit() found them (incremental synth records them). */
  readonly mtimes: ReadonlyMap<string, number>;
  /** The byte size of every file in the staged folder: those in sizes and the adopted ones. */
  bytes(): number;
  /** The temporary folder, for another thread writing files into it with a StagedWriter. */
  readonly folder: string;
  /** Records a file another thread wrote (StagedWriter), so commit() verifies it too. */
  record(path: string, size: number): void;
  /**
   * Records a folder whose files were written and then checked (checkWritten) by the thread that
   * made them, with their sizes and modification times: commit() counts its files instead of walking it.
   */
  checked(folder: string, files: Iterable<readonly [path: string, size: number, mtimeMs: number]>): void;
  /**
   * Moves folders (or single files) of the current output (relative paths) into the staged one
   * instead of writing their files again, with how many files each holds and their bytes, which the
   * mover checked (commit() counts them; their paths and times are the mover's to keep: at 1000
   * clusters ~28,000 entries in sizes and mtimes cost ~20 ms). Until the swap, the previous output
   * lacks them: a journal lists them first, and abort() or the next run moves them back.
   */
  adopt(folders: readonly { readonly folder: string; readonly files: number; readonly bytes: number }[]): void;
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
    removeTree(temp);
    throw fileAccessError(e, temp, 'write the output');
  }
  const writer = stagedWriter(temp);
  const sizes = new Map<string, number>();
  const mtimes = new Map<string, number>();
  // Adopted and checked folders → their file count: commit() does not stat them again (their caller just did).
  const counted = new Map<string, number>();
  // The adopted folders' files and bytes, which are in neither map.
  let adoptedFiles = 0;
  let adoptedBytes = 0;
  const count = (folder: string, files: Iterable<readonly [path: string, size: number, mtimeMs: number]>) => {
    let found = 0;
    for (const [path, size, mtime] of files) {
      sizes.set(path, size);
      mtimes.set(path, mtime);
      found++;
    }
    counted.set(folder, found);
  };
  // A file recorded into a folder after it was counted would be neither walked nor counted.
  const refuseCounted = (path: string) => {
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
      if (counted.has(path.slice(0, i))) throw new Error(`stageTree: ${path} is in ${path.slice(0, i)}, whose files were counted already`);
    }
  };
  const journal = join(parent, `.${name}.moves-${process.pid}`);
  let adopted = false;
  let open = true;
  // Adopted folders go back into the previous output (abort, a failed swap) before the temp folder goes.
  const restore = () => {
    if (adopted) restoreMoves(target, journal);
  };
  const clean = () => {
    removeTree(temp);
    if (adopted) rmSync(journal, { force: true });
  };
  const abort = () => {
    open = false;
    restore();
    clean();
  };
  return {
    sizes,
    mtimes,
    bytes: () => {
      let total = adoptedBytes;
      for (const size of sizes.values()) total += size;
      return total;
    },
    folder: temp,
    write(path, content) {
      if (!open) throw new Error('stageTree: the staged output was committed or aborted');
      // The walk at commit finds a file under its normal name.
      const key = NORMAL_PATH.test(path) ? path : relative(temp, join(temp, path)).split(sep).join('/');
      if (key === '' || key === '..' || key.startsWith('../') || isAbsolute(key)) throw new Error(`stageTree: ${path} is not a path inside the output`);
      refuseCounted(key);
      try {
        sizes.set(key, writer(key, content));
      } catch (e) {
        abort();
        throw e;
      }
    },
    record(path, size) {
      if (!open) throw new Error('stageTree: the staged output was committed or aborted');
      refuseCounted(path);
      sizes.set(path, size);
    },
    checked(folder, files) {
      if (!open) throw new Error('stageTree: the staged output was committed or aborted');
      if (!NORMAL_PATH.test(folder)) throw new Error(`stageTree: ${folder} is not a folder inside the output`);
      count(folder, files);
    },
    adopt(folders) {
      if (!open) throw new Error('stageTree: the staged output was committed or aborted');
      if (folders.length === 0) return;
      for (const { folder } of folders) if (!NORMAL_PATH.test(folder)) throw new Error(`stageTree: ${folder} is not a folder inside the output`);
      try {
        // The journal before any move: a run killed after it still finds every moved folder.
        writeFileSync(journal, JSON.stringify({ staged: basename(temp), folders: folders.map((f) => f.folder) }));
        adopted = true;
        const made = new Set<string>();
        for (const { folder, files, bytes } of folders) {
          const dir = dirname(`${temp}/${folder}`);
          if (!made.has(dir)) {
            mkdirSync(dir, { recursive: true });
            made.add(dir);
          }
          renameSync(`${target}/${folder}`, `${temp}/${folder}`);
          counted.set(folder, files);
          adoptedFiles += files;
          adoptedBytes += bytes;
        }
      } catch (e) {
        abort();
        throw fileAccessError(e, temp, 'move unchanged folders of the previous output into the new one');
      }
    },
    abort,
    commit() {
      if (!open) throw new Error('stageTree: the staged output was committed or aborted');
      open = false;
      // Before the swap, so that a staged tree someone changed never replaces the previous output.
      try {
        verifyTree(temp, target, sizes, mtimes, counted, sizes.size + adoptedFiles);
      } catch (e) {
        restore();
        clean();
        throw e;
      }
      const old = join(parent, `.${name}.old-${process.pid}`);
      try {
        if (existsSync(target)) renameSync(target, old);
      } catch (e) {
        restore();
        clean();
        throw fileAccessError(e, target, 'move the previous output aside');
      }
      try {
        renameSync(temp, target);
      } catch (e) {
        // Put the previous output back; the next run would do it otherwise.
        if (existsSync(old) && !existsSync(target)) renameSync(old, target);
        restore();
        clean();
        throw fileAccessError(e, target, 'move the new output into place');
      }
      removeTree(old);
      // Last: until the old output is gone, a killed run's journal must still be found.
      if (adopted) rmSync(journal, { force: true });
    },
  };
}

/**
 * A file's content: text, bytes, or bytes in pieces written in one writev (index.json, whose ~9 MB at
 * 1000 clusters are mostly entries held as the cache's bytes: joining them cost a re-synth ~50 ms).
 */
export type FileContent = string | Uint8Array | readonly Uint8Array[];

export type StagedWriter = (path: string, content: FileContent) => number;

/**
 * Writes files into a staged folder (StagedTree.folder) under their normal relative paths and
 * returns each one's byte size: the staged tree's own writer, and a render worker's, which reports
 * the sizes to record().
 */
export function stagedWriter(folder: string): StagedWriter {
  // One mkdir per folder: a folder seen once exists (the staged tree is ours alone).
  const made = new Set<string>([folder]);
  return (path, content) => {
    const file = `${folder}/${path}`;
    try {
      const dir = file.slice(0, file.lastIndexOf('/'));
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      if (isPieces(content)) return writePieces(file, content);
      writeFileSync(file, content);
      return Buffer.byteLength(content);
    } catch (e) {
      throw fileAccessError(e, file, 'write the output');
    }
  };
}

const isPieces = (content: FileContent): content is readonly Uint8Array[] => Array.isArray(content);


/**
 * The modification times of files just written into a staged folder (relative paths, byte sizes as
 * written), each checked to be a regular file of that size: the thread that wrote a cluster's folder
 * checks it at once, so that the walk before the swap (on one core, after every cluster) need not.
 */
export function checkWritten(folder: string, files: readonly (readonly [path: string, size: number])[]): number[] {
  return files.map(([path, size]) => {
    const stats = lstatSync(`${folder}/${path}`, { throwIfNoEntry: false });
    if (!stats?.isFile() || stats.size !== size) {
      throw new FileAccessError(`the output file ${path} is not what was written: another program changed it before the swap`, 'stop the other program and run meshfleet synth again');
    }
    return stats.mtimeMs;
  });
}

// Relative, '/'-separated, no empty, '.' or '..' segment, no backslash: join would change nothing.
const NORMAL_PATH = /^(?!(?:.*\/)?\.\.?(?:\/|$))(?:[^/\\]+\/)*[^/\\]+$/;

/**
 * The staged folder holds exactly these files, with these sizes, before it is swapped in. One walk:
 * every file found must have been written with its size, and as many found as `expected` (the
 * files in sizes and the adopted ones) means none is missing.
 */
function verifyTree(staged: string, target: string, sizes: ReadonlyMap<string, number>, mtimes: Map<string, number>, counted: ReadonlyMap<string, number>, expected: number): void {
  const wrong: string[] = [];
  let found = 0;
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = prefix + entry.name;
      // An adopted folder's files (or an adopted file) were checked (size and time) by the
      // incremental synth that moved it, a checked one's by the thread that wrote it (checkWritten),
      // under the output's lock, moments ago: counted, not walked (~0.4 s of one core at 1000 clusters).
      const countedFiles = counted.get(path);
      if (countedFiles !== undefined) {
        found += countedFiles;
        continue;
      }
      if (entry.isDirectory()) {
        walk(`${dir}/${entry.name}`, `${path}/`);
        continue;
      }
      found++;
      const stats = statSync(`${dir}/${entry.name}`);
      mtimes.set(path, stats.mtimeMs);
      if (sizes.get(path) !== stats.size && wrong.length < 6) wrong.push(path);
    }
  };
  walk(staged, '');
  if (wrong.length === 0 && found !== expected) {
    const walked = new Set<string>();
    const list = (dir: string, prefix: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) list(`${dir}/${entry.name}`, `${prefix + entry.name}/`);
        else walked.add(prefix + entry.name);
      }
    };
    list(staged, '');
    for (const path of sizes.keys()) if (!walked.has(path) && wrong.length < 6) wrong.push(path);
  }
  if (wrong.length > 0) {
    throw new FileAccessError(
      `the output for ${target} is not what was written (${wrong.slice(0, 5).join(', ')}${wrong.length > 5 ? ', …' : ''}): another program changed it before the swap`,
      'stop the other program and run meshfleet synth again',
    );
  }
}

/**
 * Moves the folders a journal (StagedTree.adopt) lists from its staged folder back into the previous
 * output: the output folder, or the folder it was moved aside to when the run stopped between the
 * two renames of the swap. A folder not in the staged folder was never moved, or the swap was done.
 */
function restoreMoves(target: string, journal: string): void {
  let moves: { staged: string; folders: string[] };
  try {
    moves = JSON.parse(readFileSync(journal, 'utf8')) as typeof moves;
  } catch {
    // No journal or an incomplete one: it was being written, so nothing was moved yet.
    return;
  }
  const parent = dirname(target);
  const pid = /-(\d+)$/.exec(basename(journal))?.[1];
  const staged = join(parent, moves.staged);
  const previous = existsSync(target) ? target : join(parent, `.${basename(target)}.old-${pid}`);
  if (!existsSync(staged) || !existsSync(previous)) return;
  for (const folder of moves.folders) {
    if (!existsSync(join(staged, folder))) continue;
    mkdirSync(dirname(join(previous, folder)), { recursive: true });
    renameSync(join(staged, folder), join(previous, folder));
  }
}

const LEFTOVERS = ['tmp', 'old', 'moves'];

/**
 * Removes a folder the way `rmSync(path, { recursive: true, force: true })` does, in half its time
 * for an output: the folder's entries are read with their types, so files are unlinked without the
 * lstat rmSync makes of each (28,000 files of a 1000-cluster output on tmpfs: 0.42–0.59 s against
 * 0.90–1.16 s). Links are removed, never followed. Whatever this walk cannot remove (an entry that
 * changes meanwhile, a permission) is left to rmSync.
 */
export function removeTree(path: string): void {
  try {
    removeEntries(path);
  } catch {
    rmSync(path, { recursive: true, force: true });
  }
}

function removeEntries(folder: string): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) removeEntries(path);
    else unlinkSync(path);
  }
  rmdirSync(folder);
}

/** Cleans up after a run that was killed: moved folders go back, stale temp folders go, and a half-done swap is undone. */
export function recoverInterruptedSwap(target: string): void {
  const parent = dirname(target);
  const name = basename(target);
  if (!existsSync(parent)) return;
  const isLeftover = (entry: string) => LEFTOVERS.some((kind) => entry.startsWith(`.${name}.${kind}-`));
  try {
    for (const entry of readdirSync(parent)) if (entry.startsWith(`.${name}.moves-`)) restoreMoves(target, join(parent, entry));
  } catch (e) {
    throw fileAccessError(e, parent, 'repair an interrupted output swap');
  }
  const leftovers = readdirSync(parent).filter(isLeftover);
  // The newest moved-aside output is the one the interrupted run replaced.
  const moved = leftovers.filter((entry) => entry.startsWith(`.${name}.old-`)).sort((a, b) => statSync(join(parent, b)).mtimeMs - statSync(join(parent, a)).mtimeMs);
  try {
    if (moved.length && !existsSync(target)) renameSync(join(parent, moved[0]), target);
    for (const entry of leftovers) if (existsSync(join(parent, entry))) removeTree(join(parent, entry));
  } catch (e) {
    throw fileAccessError(e, join(parent, moved[0] ?? leftovers[0] ?? name), 'repair an interrupted output swap');
  }
}

/** True when a killed run left something for recoverInterruptedSwap to do. */
export function needsRecovery(target: string): boolean {
  const parent = dirname(target);
  const name = basename(target);
  return existsSync(parent) && readdirSync(parent).some((entry) => LEFTOVERS.some((kind) => entry.startsWith(`.${name}.${kind}-`)));
}
