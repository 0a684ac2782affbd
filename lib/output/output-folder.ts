// The output folder belongs to meshfleet, and meshfleet touches only what it made. A folder is
// meshfleet's when it is new or empty, or when it holds exactly the files its marker file
// (`.meshfleet-output`, written with the output) lists. Anything else is refused with exit 2 before a
// byte is written: the working folder or an ancestor of it or of the fleet file, a regular file, a
// symbolic link, a folder holding a file meshfleet did not write. Every command that reads or writes
// the folder opens it here: under its lock, after repairing a swap a killed run left half done.
import { accessSync, constants, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, rmdirSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { describeKind, FileAccessError, fileAccessError, INPUT_LIMITS, readRegularFile } from '../model/file-access.ts';
import { needsRecovery, recoverInterruptedSwap, stageTree, writeTreeAtomically, type StagedTree } from './atomic-write.ts';
import { readOutputTree } from './diff.ts';
import { acquireOutputLock, type OutputLock } from './output-lock.ts';
import { LOCK_FILE } from './versioning.ts';

/** The marker file: written with the output, it lists every file meshfleet wrote there. */
export const OUTPUT_MARKER = '.meshfleet-output';

const MARKER_HEADER =
  '# Written by meshfleet synth, with the files listed below. meshfleet replaces this folder whole on each\n' +
  '# run, and refuses to when the folder holds anything not listed here.\n';

/** The marker's content for a set of output files (sorted, so the output stays deterministic). */
export function ownerMarker(paths: Iterable<string>): string {
  return MARKER_HEADER + [...paths].filter((p) => p !== OUTPUT_MARKER).sort().map((p) => `${p}\n`).join('');
}

export interface OutputFolder {
  /** Absolute path of the folder. */
  readonly target: string;
  /** The files in the folder now, relative path → content; empty when there is none. */
  read(): Map<string, string>;
  /** Replaces the folder with these files (atomic swap, mode kept), verified before it returns. */
  write(files: ReadonlyMap<string, string>): void;
  /** The same, file by file as they are made (see stageTree); commit() swaps them in. */
  stage(): StagedTree;
  /** Releases the lock; a parent folder created for the lock and left empty is removed. */
  close(): void;
}

export interface OpenOptions {
  /** Whether the command writes the folder; a read-only one runs without a lock on a read-only file system. */
  readonly write: boolean;
  /** Paths the output must not contain (the fleet file, the folder relative paths are read from). */
  readonly protect?: readonly string[];
  /** The folder the command runs in (the caller's, lib/cli's): the output may neither be nor contain it. */
  readonly workingFolder: string;
  /** How long to wait for another run holding the folder's lock. */
  readonly waitMs?: number;
}

export function openOutputFolder(outdir: string, options: OpenOptions): OutputFolder {
  const target = resolve(outdir);
  const display = outdir === '' ? "''" : outdir;
  checkOutputPath(target, display, options.protect ?? [], options.workingFolder);

  const parent = dirname(target);
  let createdParent: string | undefined;
  let lock: OutputLock | undefined;
  if (options.write) {
    try {
      createdParent = mkdirSync(parent, { recursive: true });
    } catch (e) {
      throw fileAccessError(e, parent, 'create the folder of the output');
    }
    lock = acquireOutputLock(target, { waitMs: options.waitMs });
  } else if (isWritable(parent)) {
    lock = acquireOutputLock(target, { waitMs: options.waitMs });
  }
  let written = false;
  const close = () => {
    lock?.release();
    lock = undefined;
    if (createdParent && !written) removeEmptyFolders(parent, createdParent);
  };
  try {
    if (needsRecovery(target)) {
      if (!lock) {
        throw new FileAccessError(
          `a meshfleet run was interrupted while it replaced ${display}, and its folder cannot be repaired here (read-only)`,
          `run meshfleet synth where ${dirname(display)} is writable; it restores the previous output first`,
        );
      }
      recoverInterruptedSwap(target);
    }
    checkOwnership(target, display);
  } catch (e) {
    close();
    throw e;
  }
  return {
    target,
    read: () => readOutputTree(target),
    write: (files) => {
      if (!lock) throw new Error('openOutputFolder: the folder was opened for reading');
      writeTreeAtomically(target, files);
      written = true;
    },
    stage: () => {
      if (!lock) throw new Error('openOutputFolder: the folder was opened for reading');
      const staged = stageTree(target);
      return {
        ...staged,
        sizes: staged.sizes,
        mtimes: staged.mtimes,
        commit: () => {
          staged.commit();
          written = true;
        },
      };
    },
    close,
  };
}

function isWritable(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function removeEmptyFolders(from: string, upTo: string): void {
  for (let dir = from; dir.length >= upTo.length; dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
  }
}

/** Refuses paths meshfleet must never replace: links, files, the working folder, the fleet's folders. */
function checkOutputPath(target: string, display: string, protect: readonly string[], workingFolder: string): void {
  const refuse = (problem: string, fix: string) => new FileAccessError(`--out ${display}: ${problem}`, fix, 2);
  const stats = lstatSync(target, { throwIfNoEntry: false });
  if (stats?.isSymbolicLink()) {
    let to = '';
    try {
      to = ` to ${readlinkSync(target)}`;
    } catch {
      // Unreadable link: named without its target.
    }
    throw refuse(`is a symbolic link${to}; meshfleet replaces its output folder whole and would replace the link, leaving its target stale`, 'give --out the real folder the link points to');
  }
  if (stats && !stats.isDirectory()) {
    throw refuse(`is ${describeKind(stats)}, not a folder`, 'give --out a folder: a new one, or one meshfleet wrote');
  }
  const real = realPathOf(target);
  const cwd = realPathOf(resolve(workingFolder));
  const contains = (path: string) => path === real || path.startsWith(real.endsWith(sep) ? real : real + sep);
  if (real === cwd) throw refuse('is the working folder; meshfleet replaces its output folder whole', 'give --out a folder of its own, e.g. --out charts-out');
  if (contains(cwd)) throw refuse('contains the working folder; meshfleet replaces its output folder whole', 'give --out a folder of its own, e.g. --out charts-out');
  for (const path of protect) {
    const realPath = realPathOf(resolve(path));
    if (contains(realPath)) throw refuse(`contains ${path}, which the fleet is read from; meshfleet replaces its output folder whole`, 'give --out a folder of its own, next to the fleet file (e.g. charts-out)');
  }
}

/** The real path of a path that may not exist yet: its deepest existing ancestor resolved, the rest appended. */
function realPathOf(path: string): string {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpathSync(current), ...rest.reverse());
    } catch {
      const up = dirname(current);
      if (up === current) return path;
      rest.push(basename(current));
      current = up;
    }
  }
}

type Entry = { readonly path: string; readonly kind: string };

/** Refuses a folder holding anything meshfleet did not write; a missing or empty folder is meshfleet's. */
function checkOwnership(target: string, display: string): void {
  if (!lstatSync(target, { throwIfNoEntry: false })) return;
  let top: string[];
  try {
    top = readdirSync(target);
  } catch (e) {
    throw fileAccessError(e, target, 'read the output folder');
  }
  if (top.length === 0) return;
  const owned = ownedBy(target);
  if (!owned) {
    const shown = top.sort().slice(0, 5).join(', ') + (top.length > 5 ? `, … (${top.length} entries)` : '');
    throw new FileAccessError(
      `--out ${display} holds files meshfleet did not write (${shown}) and no ${OUTPUT_MARKER} marker`,
      `give --out a new or empty folder; meshfleet replaces its output folder whole and would delete what is in it`,
      2,
    );
  }
  const foreign: Entry[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = prefix + entry.name;
      if (entry.isDirectory()) {
        if (owned.folder(path)) walk(`${dir}/${entry.name}`, `${path}/`);
        else foreign.push({ path: `${path}/`, kind: 'a folder' });
      } else if (!entry.isFile()) {
        foreign.push({ path, kind: describeKind(lstatSync(join(dir, entry.name))) });
      } else if (!owned.file(path)) {
        foreign.push({ path, kind: 'a file' });
      }
    }
  };
  walk(target, '');
  if (foreign.length) {
    const shown = foreign.slice(0, 5).map((f) => `${f.path} (${f.kind})`).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
    throw new FileAccessError(
      `--out ${display} holds ${foreign.length} entr${foreign.length === 1 ? 'y' : 'ies'} meshfleet did not write: ${shown}`,
      `move them out of ${display} (meshfleet replaces the folder whole and would delete them; it writes no links or special files), or give --out another folder`,
      2,
    );
  }
}

interface Ownership {
  file(path: string): boolean;
  folder(path: string): boolean;
}

/**
 * What meshfleet wrote in a folder: the files its marker lists. A folder written before the marker
 * existed (a meshfleet versions.lock.json, no marker) is taken as meshfleet's minus anything hidden
 * and any top-level file but its own two; the next write adds the marker.
 */
function ownedBy(target: string): Ownership | undefined {
  const marker = lstatSync(join(target, OUTPUT_MARKER), { throwIfNoEntry: false });
  if (marker?.isFile()) {
    const read = readRegularFile(join(target, OUTPUT_MARKER), { limit: INPUT_LIMITS.outputFile, what: 'output marker', noFollow: true });
    if (!('text' in read)) throw new FileAccessError(read.problem, read.fix, 2);
    const files = new Set(read.text.split('\n').filter((line) => line !== '' && !line.startsWith('#')));
    files.add(OUTPUT_MARKER);
    const folders = new Set<string>();
    for (const file of files) for (let i = file.indexOf('/'); i !== -1; i = file.indexOf('/', i + 1)) folders.add(file.slice(0, i));
    return { file: (path) => files.has(path), folder: (path) => folders.has(path) };
  }
  const lock = readRegularFile(join(target, LOCK_FILE), { limit: INPUT_LIMITS.outputFile, what: 'chart version lock', noFollow: true });
  if (!('text' in lock) || !lock.text.includes('maintained by meshfleet synth')) return undefined;
  const hidden = (path: string) => path.split('/').some((segment) => segment.startsWith('.'));
  return {
    file: (path) => !hidden(path) && (path.includes('/') || path === LOCK_FILE || path === 'index.json'),
    folder: (path) => !hidden(path),
  };
}
