// One meshfleet at a time per output folder: a lock file next to the folder (`.<name>.lock`), created
// exclusively, holding the owner's pid, host and start time. A lock whose process is gone (same host,
// pid not running) is stale and taken over, so a killed run never blocks the next one. A second run
// waits for the first; after `waitMs` it fails with a message that names the holder.
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { FileAccessError, fileAccessError } from '../model/file-access.ts';

export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly started: string;
}

export interface OutputLock {
  readonly path: string;
  release(): void;
}

/** How long a run waits for another one to finish writing the same folder. */
export const LOCK_WAIT_MS = 30_000;
/** A lock file still empty after this long was left by a run killed while it wrote it. */
const EMPTY_LOCK_GRACE_MS = 5_000;

export function lockPathOf(target: string): string {
  return join(dirname(target), `.${basename(target)}.lock`);
}

/** Takes the lock of an output folder; throws FileAccessError when it cannot (held, or not writable). */
export function acquireOutputLock(target: string, options: { readonly waitMs?: number } = {}): OutputLock {
  const path = lockPathOf(target);
  const me: LockHolder = { pid: process.pid, hostname: hostname(), started: new Date().toISOString() };
  const content = JSON.stringify(me) + '\n';
  const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'wx');
      writeSync(fd, content);
      return { path, release: () => releaseLock(path, content) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fileAccessError(e, path, 'create the lock file of the output folder');
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    const held = readHolder(path);
    if (held === 'gone') continue;
    if (isStale(held, path)) {
      removeStaleLock(path, held);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = typeof held === 'object' ? `pid ${held.pid} on ${held.hostname}, started ${held.started}` : 'a run that is starting';
      throw new FileAccessError(
        `another meshfleet run (${who}) is writing ${target}; waited ${Math.round((options.waitMs ?? LOCK_WAIT_MS) / 1000)} s for it`,
        `let it finish and run again; if no meshfleet is running, delete the lock file ${path}`,
      );
    }
    sleep(100);
  }
}

function releaseLock(path: string, content: string): void {
  // Only our own lock: if it was taken over as stale meanwhile, the new owner's stays.
  try {
    if (readFileSync(path, 'utf8') === content) unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** The holder, 'empty' while its owner is still writing it (or was killed doing so), 'gone' if released. */
function readHolder(path: string): LockHolder | 'empty' | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 'gone';
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    if (typeof holder.pid === 'number' && typeof holder.hostname === 'string') return holder;
  } catch {
    // Not (yet) a holder.
  }
  return 'empty';
}

function isStale(held: LockHolder | 'empty', path: string): boolean {
  if (held === 'empty') {
    const mtime = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
    return mtime !== undefined && Date.now() - mtime > EMPTY_LOCK_GRACE_MS;
  }
  // A process on another host cannot be checked; its lock stays until it ends or is deleted.
  return held.hostname === hostname() && !isRunning(held.pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves the stale lock aside before deleting it, and puts it back if what was moved is not what was
 * judged stale (another run replaced it in between), so two runs recovering at once cannot both win.
 */
function removeStaleLock(path: string, judged: LockHolder | 'empty'): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else removed it first
  }
  const moved = readHolder(aside);
  const same = JSON.stringify(moved) === JSON.stringify(judged);
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      // A new lock exists already; the moved one's owner will find its lock gone and keep running
      // unprotected, which is no worse than before it was moved.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // Already gone.
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
