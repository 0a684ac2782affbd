// The output folder belongs to meshfleet, and meshfleet touches only what it made. A folder is
// meshfleet's when it is new or empty, or when it holds exactly the files its marker file
// (`.meshfleet-output`, written with the output) lists (folder-ownership.ts). Anything else is refused
// with exit 2 before a byte is written: the working folder or an ancestor of it or of the fleet file,
// a regular file, a symbolic link, a folder holding a file meshfleet did not write. Every command
// that reads or writes the folder opens it here: under its lock, after repairing a swap a killed run
// left half done.
import { accessSync, constants, lstatSync, mkdirSync, readlinkSync, realpathSync, rmdirSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { describeKind, FileAccessError, fileAccessError } from '../model/file-access.ts';
import { needsRecovery, recoverInterruptedSwap, stageTree, writeTreeAtomically, type StagedTree } from './atomic-write.ts';
import { readOutputTree } from './diff.ts';
import { surveyedFiles, surveyOwnership, type OwnershipSurvey, type SurveyedFiles } from './folder-ownership.ts';
import { startSurvey, type PendingSurvey } from './folder-survey.ts';
import { acquireOutputLock, type OutputLock } from './output-lock.ts';
import { previousIndexOf, type PreviousIndex } from './previous-index.ts';

export interface OutputFolder {
  /** Absolute path of the folder. */
  readonly target: string;
  /** The files in the folder now, relative path → content; empty when there is none. */
  read(): Map<string, string>;
  /** Replaces the folder with these files (atomic swap, mode kept), verified before it returns. */
  write(files: ReadonlyMap<string, string>): void;
  /** The same, file by file as they are made (see stageTree); commit() swaps them in. */
  stage(): StagedTree;
  /**
   * With OpenOptions.stats: every file in the folder with its size and modification time as the
   * ownership walk found them. Like read() and stage(), it throws when the folder is not meshfleet's.
   */
  files(): SurveyedFiles | undefined;
  /** Whether files() would answer without waiting for the survey's thread; never blocks. */
  filesReady(): boolean;
  /** Its index.json as readPreviousIndex reads it, or the view the last synth kept of it (OpenOptions.indexView); with OpenOptions.stats, on the survey's thread when there is one. */
  previousIndex(): PreviousIndex | undefined;
  /** The file OpenOptions.readAhead named, as the survey's thread read it; undefined when there is no such thread or it could not read it (read it then). */
  readAhead(): Uint8Array | undefined;
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
  /**
   * Stat every file of the folder too (files()). The ownership walk then runs on a thread of its own
   * for a large folder (folder-survey.ts), which reads previousIndex() after it, and a refusal is thrown
   * by every read(), stage(), write() or files() instead of by openOutputFolder.
   */
  readonly stats?: boolean;
  /** With stats: a file the caller reads once the folder is surveyed (its incremental cache, for the folder's path), read on the survey's thread first. */
  readonly readAhead?: (target: string) => string;
  /** The view of index.json the last synth kept for the folder's path (previous-index.ts readIndexView), which previousIndex() takes while it is the view of the folder's index.json. */
  readonly indexView?: (target: string) => string;
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
  let pending: PendingSurvey | undefined;
  const close = () => {
    pending?.stop();
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
    if (options.stats) pending = startSurvey(target, display, true, {}, options.readAhead?.(target), options.indexView?.(target));
    else checkOwnership(surveyOwnership(target, display, false));
  } catch (e) {
    close();
    throw e;
  }
  let survey: OwnershipSurvey | undefined;
  let owned: SurveyedFiles | undefined;
  // The survey taken by the first use of the folder's content; its refusal thrown by every use.
  const checked = () => {
    if (pending && !survey) {
      survey = pending.result();
      if (survey.files) owned = surveyedFiles(survey.files);
    }
    if (survey) checkOwnership(survey);
  };
  return {
    target,
    read: () => {
      checked();
      return readOutputTree(target);
    },
    files: () => {
      checked();
      return owned;
    },
    filesReady: () => survey !== undefined || pending === undefined || pending.answered(),
    previousIndex: () => (pending ? pending.previousIndex() : previousIndexOf(target, options.indexView?.(target))),
    readAhead: () => pending?.readAhead(),
    write: (files) => {
      if (!lock) throw new Error('openOutputFolder: the folder was opened for reading');
      checked();
      writeTreeAtomically(target, files);
      written = true;
    },
    stage: () => {
      if (!lock) throw new Error('openOutputFolder: the folder was opened for reading');
      checked();
      const staged = stageTree(target);
      return {
        ...staged,
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

/** Refuses a folder holding anything meshfleet did not write (a survey's refusal). */
function checkOwnership(survey: OwnershipSurvey): void {
  if (survey.refusal) throw new FileAccessError(survey.refusal.problem, survey.refusal.fix, 2);
}
