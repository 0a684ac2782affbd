// What a synth would change in an output folder: file by file, and line by line (unified diff).
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { describeKind, FileAccessError, INPUT_LIMITS, readRegularFile } from '../model/file-access.ts';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface FileChange {
  readonly path: string;
  readonly kind: ChangeKind;
  /** Content on disk now (absent for added files). */
  readonly before?: string;
  /** Content synth would write (absent for removed files). */
  readonly after?: string;
}

/**
 * The files of an output folder, relative path → content; empty when the folder does not exist.
 * Links are never followed and special files never opened (a planted link to a CI secret would
 * otherwise print it as a "removed" file, a FIFO would hang): either is an error naming its path.
 */
export function readOutputTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of listOutputFiles(dir)) files.set(path, readOutputFile(dir, path));
  return files;
}

/** Relative paths of the regular files under an output folder, sorted; links and special files are errors. */
export function listOutputFiles(dir: string): string[] {
  const paths: string[] = [];
  const root = lstatSync(dir, { throwIfNoEntry: false });
  if (!root) return paths;
  if (!root.isDirectory()) {
    throw new FileAccessError(`the output folder ${dir} is ${describeKind(root)}, not a folder`, 'give --out the folder meshfleet writes (links are not followed)', 2);
  }
  const walk = (d: string, prefix: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(d, entry.name);
      const relativePath = prefix + entry.name;
      if (entry.isDirectory()) walk(path, `${relativePath}/`);
      else if (entry.isFile()) paths.push(relativePath);
      else throw notRegular(dir, relativePath, lstatSync(path));
    }
  };
  walk(dir, '');
  return paths;
}

function readOutputFile(dir: string, relativePath: string): string {
  const read = readRegularFile(join(dir, relativePath), { limit: INPUT_LIMITS.outputFile, what: 'output file', noFollow: true });
  if (!('text' in read)) throw new FileAccessError(read.problem, read.fix, 2);
  return read.text;
}

function notRegular(dir: string, relativePath: string, stats: Stats): FileAccessError {
  return new FileAccessError(
    `${relativePath} in the output folder ${dir} is ${describeKind(stats)}; meshfleet writes only regular files and does not follow links or open special files`,
    `remove ${join(dir, relativePath)}`,
    2,
  );
}

/** Reads files of a text tree by relative path (a Map is one; so is an output folder compared file by file). */
export interface FileLookup {
  get(path: string): string | undefined;
}

/** What a synth would change in an output folder, compared file by file as files are made. */
export interface FolderComparison {
  /** Changes sorted by path. */
  readonly changes: readonly FileChange[];
  /** Files synth would write. */
  readonly files: number;
  /** The folder's files as they are now, and as synth would leave them. */
  readonly before: FileLookup;
  readonly after: FileLookup;
}

/**
 * Compares each file synth makes with the file at its path under `dir` as soon as it is made, and
 * keeps only the files that differ, so comparing a large fleet's output holds no more than one
 * file of it plus the changes (comparing two whole trees held both in memory). Files are read
 * as readOutputTree reads them (no links, no special files). `finish` lists the files synth would
 * remove. `unchanged` takes files synth would write as they are on disk (an incremental synth's
 * reusable clusters: incremental.ts) without reading them; `before` and `after` read them when asked.
 * The caller holds the folder open (locked, an interrupted swap repaired) throughout.
 */
export function compareWithFolder(dir: string): { add(path: string, text: string): void; unchanged(paths: Iterable<string>): void; finish(): FolderComparison } {
  const changes: FileChange[] = [];
  const made = new Set<string>();
  const exists = lstatSync(dir, { throwIfNoEntry: false }) !== undefined;
  const onDisk = (path: string): string | undefined => {
    if (!exists) return undefined;
    const stats = lstatSync(join(dir, path), { throwIfNoEntry: false });
    // A folder where synth writes a file: the file is added, the folder's files are removed.
    if (!stats || stats.isDirectory()) return undefined;
    if (!stats.isFile()) throw notRegular(dir, path, stats);
    return readOutputFile(dir, path);
  };
  return {
    add(path, after) {
      made.add(path);
      const before = onDisk(path);
      if (before === undefined) changes.push({ path, kind: 'added', after });
      else if (before !== after) changes.push({ path, kind: 'changed', before, after });
    },
    unchanged(paths) {
      for (const path of paths) made.add(path);
    },
    finish() {
      for (const path of listOutputFiles(dir)) if (!made.has(path)) changes.push({ path, kind: 'removed', before: readOutputFile(dir, path) });
      changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const changed = new Map(changes.map((c) => [c.path, c]));
      return {
        changes,
        files: made.size,
        before: { get: (path) => (changed.has(path) ? changed.get(path)!.before : made.has(path) ? onDisk(path) : undefined) },
        after: { get: (path) => (changed.has(path) ? changed.get(path)!.after : made.has(path) ? onDisk(path) : undefined) },
      };
    },
  };
}

type Edit = { readonly op: ' ' | '-' | '+'; readonly line: string };

/**
 * Myers' shortest edit script over lines: O((N+M)·D), so large files with small changes stay cheap.
 * Beyond `maxEdits` differences the files are treated as replaced (a diff that long is not read).
 */
export function lineEdits(a: readonly string[], b: readonly string[], maxEdits = 4000): Edit[] {
  const n = a.length;
  const m = b.length;
  const offset = n + m;
  const trace: Int32Array[] = [];
  let v = new Int32Array(2 * offset + 2);
  let found = false;
  for (let d = 0; d <= Math.min(offset, maxEdits) && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) return [...a.map((line) => ({ op: '-' as const, line })), ...b.map((line) => ({ op: '+' as const, line }))];

  // Walk the trace back from (n, m) to (0, 0): trace[d] is V as it was before step d.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      edits.push({ op: ' ', line: a[x] });
    }
    if (d > 0) {
      if (x === prevX) edits.push({ op: '+', line: b[prevY] });
      else edits.push({ op: '-', line: a[prevX] });
    }
    x = prevX;
    y = prevY;
  }
  return edits.reverse();
}

/** A unified diff of two texts with `context` lines around each change; "" when they are equal. */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined, context = 3): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const edits = lineEdits(a, b);
  if (edits.every((e) => e.op === ' ')) return '';
  const header = `--- ${before === undefined ? '/dev/null' : `a/${path}`}\n+++ ${after === undefined ? '/dev/null' : `b/${path}`}\n`;

  // Group edits into hunks: changes closer than 2×context share one.
  const hunks: string[] = [];
  let i = 0;
  let aLine = 0;
  let bLine = 0;
  const positions = edits.map((e) => {
    const at = { a: aLine, b: bLine };
    if (e.op !== '+') aLine++;
    if (e.op !== '-') bLine++;
    return at;
  });
  while (i < edits.length) {
    while (i < edits.length && edits[i].op === ' ') i++;
    if (i >= edits.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    for (let j = i; j < edits.length; j++) {
      if (edits[j].op !== ' ') end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(edits.length, end + context + 1);
    const slice = edits.slice(start, stop);
    const aCount = slice.filter((e) => e.op !== '+').length;
    const bCount = slice.filter((e) => e.op !== '-').length;
    const aStart = aCount ? positions[start].a + 1 : positions[start].a;
    const bStart = bCount ? positions[start].b + 1 : positions[start].b;
    hunks.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@\n${slice.map((e) => `${e.op}${e.line}\n`).join('')}`);
    i = stop;
  }
  return header + hunks.join('');
}

function splitLines(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
