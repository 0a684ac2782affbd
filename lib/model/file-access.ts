// Files meshfleet reads from the user (fleet file, trust anchor, vendored bundles, lint input) and
// what it says when the filesystem refuses. Reads take regular files only and check the size before
// reading, with the read itself capped, so /dev/zero, a FIFO or a 44 MB file give a message instead of
// a hang or an out-of-memory crash. Every message names the path and a fix.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';

const MiB = 1024 * 1024;

/** Input size limits, documented in the README ("Limits"). */
export const INPUT_LIMITS = {
  /** A generated fleet of 10,000 clusters is 3.2 MiB. */
  fleetFile: 8 * MiB,
  /** A bundle of a few PEM certificates is a few KiB. */
  trustAnchor: 1 * MiB,
  /** The experimental Gateway API install file is about 1 MiB. */
  vendoredFile: 8 * MiB,
  /** A file given to `meshfleet lint` (many documents). */
  lintFile: 32 * MiB,
  /** One document of a lint input: the API server refuses request bodies over 3 MiB. */
  lintDocument: 3 * MiB,
  /** One file of an output folder, read by `diff` and `synth --check`. */
  outputFile: 64 * MiB,
} as const;

/** A filesystem problem with its path and fix; exit 2 when the command line asked for it, else 1. */
export class FileAccessError extends Error {
  constructor(
    readonly problem: string,
    readonly fix: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(`${problem}\n  fix: ${fix}`);
    this.name = 'FileAccessError';
  }
}

export type ReadResult = { readonly text: string } | { readonly problem: string; readonly fix: string };

export interface ReadOptions {
  /** Largest size accepted, in bytes. */
  readonly limit: number;
  /** What the file is, for messages ("fleet file", "trust anchor file"). */
  readonly what: string;
  /** How messages name the file (the path as the user gave it). @default path */
  readonly display?: string;
  /** Refuse a symbolic link instead of reading its target (files inside an output folder). */
  readonly noFollow?: boolean;
  /** One of the fleet's own files (the fleet file, a trust anchor, a vendored bundle): noted for the watch mode (noteInput). */
  readonly input?: boolean;
}

/**
 * Who is told of the fleet's own files as they are read (the watch mode: lib/cli/watch.ts); nobody
 * by default. `fingerprint` takes the input's fingerprint then (inputFingerprint), for an observer
 * that has none of that path yet: a file noted again (the fleet file, as it is read) is not hashed again.
 */
export type InputObserver = (path: string, fingerprint: () => string) => void;
let inputObserver: InputObserver | undefined;

/** Sets (or, with undefined, clears) who is told of the fleet's files as they are read; returns the one it replaced. */
export function observeInputs(observer: InputObserver | undefined): InputObserver | undefined {
  const replaced = inputObserver;
  inputObserver = observer;
  return replaced;
}

/**
 * A file or folder the fleet is made from, as it is read (or looked for: one that is missing is
 * watched too, so that creating it runs the fleet again). Its fingerprint is taken now, before the
 * read: a change after it, even one made while the run still runs, then differs from it.
 */
export function noteInput(path: string): void {
  if (!inputObserver) return;
  const full = resolve(path);
  inputObserver(full, () => inputFingerprint(full));
}

/** The largest file a fingerprint reads: any input limit's (a larger file is told by its size and time). */
const FINGERPRINT_LIMIT = Math.max(INPUT_LIMITS.fleetFile, INPUT_LIMITS.trustAnchor, INPUT_LIMITS.vendoredFile);

/**
 * What a file or folder of the fleet holds, to tell when it changed (the watch mode): a regular
 * file's content hash; a folder's entries with their sizes and times; for anything else (a FIFO, a
 * device, a file above the input limits) its kind, size and time, without reading it, so that a
 * FIFO or /dev/zero cannot hang the watch; '' when it is missing or cannot be read.
 */
export function inputFingerprint(path: string): string {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) return '';
    if (stats.isDirectory()) {
      return readdirSync(path)
        .sort()
        .map((name) => {
          const entry = statSync(`${path}/${name}`, { throwIfNoEntry: false });
          return `${name}\0${entry?.size}\0${entry?.mtimeMs}`;
        })
        .join('\n');
    }
    const described = `${describeKind(stats)}\0${stats.size}\0${stats.mtimeMs}`;
    if (!stats.isFile() || stats.size > FINGERPRINT_LIMIT) return described;
    // Opened without waiting (a FIFO put there since the stat), read up to the limit.
    const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      if (!fstatSync(fd).isFile()) return described;
      const hash = createHash('sha256');
      const chunk = Buffer.allocUnsafe(256 * 1024);
      for (let total = 0, read; (read = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) {
        total += read;
        if (total > FINGERPRINT_LIMIT) return described;
        hash.update(chunk.subarray(0, read));
      }
      return hash.digest('base64');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** Reads a regular file of at most `limit` bytes as UTF-8; anything else is a problem with a fix. */
export function readRegularFile(path: string, options: ReadOptions): ReadResult {
  const display = options.display ?? path;
  if (options.input) noteInput(path);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting; fstat then refuses it.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (e) {
    if (options.noFollow && (e as NodeJS.ErrnoException).code === 'ELOOP') {
      return { problem: `${display} is a symbolic link; meshfleet never writes links and does not follow them`, fix: `remove ${display}` };
    }
    return explainFsError(e, display, `read the ${options.what}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      return { problem: `the ${options.what} ${display} is ${describeKind(stats)}, not a regular file`, fix: `give the path of a regular file; meshfleet reads no folders, devices, FIFOs or sockets` };
    }
    if (stats.size > options.limit) return tooLarge(display, options, stats.size);
    // The size is checked again while reading: some files (in /proc, or growing ones) report less.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(stats.size - total, 64 * 1024), options.limit + 1 - total));
      if (chunk.length === 0) return tooLarge(display, options, total);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
      total += read;
      if (total > options.limit) return tooLarge(display, options, total);
    }
    // Mostly one chunk, the whole file (an 8 MiB index.json at 1000 clusters): decoded as it is, not copied first.
    return decodeUtf8(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total), display, options.what);
  } catch (e) {
    return explainFsError(e, display, `read the ${options.what}`);
  } finally {
    closeSync(fd);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Invalid UTF-8 would become U+FFFD silently (in a key or a name, a different value): refuse it. */
function decodeUtf8(bytes: Buffer, display: string, what: string): ReadResult {
  // ASCII (an index.json, a marker, most fleet files) is UTF-8 already, and decodes several times faster as one-byte text.
  if (isAscii(bytes)) return { text: bytes.toString('latin1') };
  try {
    return { text: strictUtf8.decode(bytes) };
  } catch {
    // Where: the first U+FFFD of a lenient decode that the bytes do not spell as EF BF BD.
    const text = bytes.toString('utf8');
    let offset = 0;
    let line = 1;
    for (const char of text) {
      if (char === '\uFFFD' && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) break;
      if (char === '\n') line++;
      offset += Buffer.byteLength(char);
    }
    return { problem: `the ${what} ${display} is not valid UTF-8 at line ${line} (byte ${offset})`, fix: `save ${display} as UTF-8` };
  }
}

function tooLarge(display: string, options: ReadOptions, size: number) {
  return {
    problem: `the ${options.what} ${display} is larger than the limit of ${formatBytes(options.limit)} (${size > options.limit ? `at least ${formatBytes(size)}` : formatBytes(size)})`,
    fix: `split or trim it; meshfleet reads at most ${formatBytes(options.limit)} per ${options.what} (see README: Limits)`,
  };
}

export function formatBytes(bytes: number): string {
  return bytes >= MiB && bytes % MiB === 0 ? `${bytes / MiB} MiB` : bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${bytes} bytes`;
}

/** "a folder", "a FIFO", … for messages about a path that is not what was expected. */
export function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'a regular file';
}

/** A filesystem error as a message naming the path and a fix; `doing` says what failed ("write the output"). */
export function explainFsError(e: unknown, path: string, doing: string): { problem: string; fix: string } {
  const code = (e as NodeJS.ErrnoException).code;
  const cannot = `cannot ${doing}: ${path}`;
  switch (code) {
    case 'ENOENT':
      return { problem: `${cannot}: no such file or folder`, fix: 'check the path (relative paths start at the fleet file, or at the working folder on the command line)' };
    case 'ENOTDIR':
      return { problem: `${cannot}: a part of the path is a file, not a folder`, fix: 'check the path' };
    case 'EISDIR':
      return { problem: `${cannot}: it is a folder`, fix: 'give the path of a file in it' };
    case 'EACCES':
    case 'EPERM':
      return { problem: `${cannot}: permission denied`, fix: `give the user running meshfleet access to ${path} (or its folder), or run meshfleet as its owner` };
    case 'EROFS':
      return { problem: `${cannot}: the file system is read-only`, fix: 'write the output to a writable folder with --out, or remount the file system read-write' };
    case 'ENOSPC':
      return { problem: `${cannot}: no space left on the device`, fix: 'free space on that device (the previous output is untouched), then run meshfleet again' };
    case 'EDQUOT':
      return { problem: `${cannot}: disk quota exceeded`, fix: 'free space within your quota (the previous output is untouched), then run meshfleet again' };
    case 'EBUSY':
      return { problem: `${cannot}: it is busy (a mount point, or held by another program)`, fix: 'give --out a folder that is not a mount point and that no other program holds open' };
    case 'ELOOP':
      return { problem: `${cannot}: too many levels of symbolic links (a link loop)`, fix: `fix or remove the links on the way to ${path}` };
    case 'ENAMETOOLONG':
      return { problem: `${cannot}: the path is too long`, fix: 'use a shorter path' };
    case 'EMFILE':
    case 'ENFILE':
      return { problem: `${cannot}: too many open files`, fix: 'raise the open-file limit (ulimit -n) or close other programs' };
    case 'EXDEV':
      return { problem: `${cannot}: a rename crossed file systems`, fix: 'give --out a folder on one file system with its parent folder' };
    default:
      return { problem: `${cannot}: ${code ?? (e as Error).message}`, fix: `check ${path} and its folder` };
  }
}

/** Throws a filesystem error as a FileAccessError (exit 1). */
export function fileAccessError(e: unknown, path: string, doing: string): FileAccessError {
  if (e instanceof FileAccessError) return e;
  const { problem, fix } = explainFsError(e, path, doing);
  return new FileAccessError(problem, fix);
}
