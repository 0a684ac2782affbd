// What in an output folder meshfleet wrote: the marker file it writes with the output lists every file,
// and a folder is meshfleet's when it holds exactly those (or is new or empty). The walk that checks it
// (surveyOwnership) runs on the main thread or, for a large folder, on a thread of its own
// (folder-survey.ts), so it imports nothing beyond file access and hashing.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeKind, FileAccessError, fileAccessError, INPUT_LIMITS, readRegularFile } from '../model/file-access.ts';
import { GITOPS_FOLDER } from '../model/output-folder-names.ts';
import { LOCK_FILE } from './versioning.ts';

/** The marker file: written with the output, it lists every file meshfleet wrote there. */
export const OUTPUT_MARKER = '.meshfleet-output';

const MARKER_HEADER =
  '# Written by meshfleet synth, with the files listed below. meshfleet replaces this folder whole on each\n' +
  '# run, and refuses to when the folder holds anything not listed here.\n';

/** MARKER_HEADER's lines, which ownerMarker joins with the paths. */
const MARKER_HEADER_LINES = MARKER_HEADER.slice(0, -1).split('\n');

/** The marker's content for a set of output files (sorted, so the output stays deterministic). */
export function ownerMarker(paths: Iterable<string>): string {
  const sorted = [...paths].filter((p) => p !== OUTPUT_MARKER).sort();
  // One join of the header's lines, each path and a last newline: a flat string, which the file's
  // write encodes as it is. The header added to a joined text made a concatenation that the write
  // first copied whole (1.2 MB at 1000 clusters, ~550 fresh pages).
  if (sorted.length === 0) return MARKER_HEADER;
  const lines = MARKER_HEADER_LINES.concat(sorted);
  lines.push('');
  return lines.join('\n');
}

/**
 * What the walk found: why meshfleet must not replace the folder (plain data, as it may cross
 * threads), or, when asked for, the size and modification time of every regular file it holds.
 * A folder two levels down (`prod/eu-1`: a cluster's, cluster-layout.ts) but a GitOps one is
 * given whole, as the digest of its files' stats (folderStatsDigest): `folders` and `digests`,
 * each joined by NUL. Every other file is given alone: `paths` joined by NUL (which no file name
 * holds) and [size, mtimeMs] pairs in the same order. At 1000 clusters that is ~1,000 digests and
 * ~3,300 files instead of 28,000 files, which the main thread took as a map of paths (~25 ms).
 */
export interface OwnershipSurvey {
  readonly refusal?: { readonly problem: string; readonly fix: string };
  readonly files?: { readonly paths: string; readonly stats: Float64Array; readonly folders: string; readonly digests: string };
}

/** A file of a folder given whole: its path in the folder, its size and its modification time. */
export type FolderFileStats = readonly [path: string, size: number, mtimeMs: number];

/**
 * The digest of a folder's files by their paths in it, sizes and modification times (in path
 * order, so that the walk's order does not matter: `files` is sorted in place): the survey's of what
 * is on disk, and the incremental cache's of what the last synth verified there
 * (lib/synth/incremental.ts). The numbers are hashed as their 8 bytes, not as text: a float's
 * shortest text costs more than the rest of the digest.
 */
export function folderStatsDigest(files: FolderFileStats[]): string {
  files.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const stats = new Float64Array(2 * files.length);
  let paths = '';
  for (let i = 0; i < files.length; i++) {
    const [path, size, mtimeMs] = files[i]!;
    paths += `${path}\0`;
    stats[2 * i] = size;
    stats[2 * i + 1] = mtimeMs;
  }
  return createHash('sha256').update(paths).update(stats).digest('base64');
}

/** Whether a folder two levels down (`a/b`) is given whole by the survey: any but the GitOps files' (`gitops/x`, `env/gitops`), which are checked file by file. */
export function isWholeFolder(path: string): boolean {
  const slash = path.indexOf('/');
  return slash > 0 && path.indexOf('/', slash + 1) < 0 && path.slice(0, slash) !== GITOPS_FOLDER && path.slice(slash + 1) !== GITOPS_FOLDER;
}

type Entry = { readonly path: string; readonly kind: string };

/**
 * Walks the folder (`display` names it in messages) as far as meshfleet's files go: anything
 * meshfleet did not write is a refusal. A missing or empty folder is meshfleet's. `withStats` also
 * stats every file on the way (what incremental synth checks its reused files against).
 */
export function surveyOwnership(target: string, display: string, withStats: boolean): OwnershipSurvey {
  if (!lstatSync(target, { throwIfNoEntry: false })) return {};
  let top: string[];
  try {
    top = readdirSync(target);
  } catch (e) {
    throw fileAccessError(e, target, 'read the output folder');
  }
  if (top.length === 0) return {};
  const owned = ownedBy(target);
  if (!owned) {
    const shown = top.sort().slice(0, 5).join(', ') + (top.length > 5 ? `, … (${top.length} entries)` : '');
    return {
      refusal: {
        problem: `--out ${display} holds files meshfleet did not write (${shown}) and no ${OUTPUT_MARKER} marker`,
        fix: `give --out a new or empty folder; meshfleet replaces its output folder whole and would delete what is in it`,
      },
    };
  }
  const foreign: Entry[] = [];
  const paths: string[] = [];
  const stats: number[] = [];
  const folders: string[] = [];
  const digests: string[] = [];
  // The files of the folder given whole that the walk is in (`whole`, its path and a slash).
  let whole: { prefix: string; files: [string, number, number][] } | undefined;
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = prefix + entry.name;
      if (entry.isDirectory()) {
        if (!owned.folder(path)) foreign.push({ path: `${path}/`, kind: 'a folder' });
        else if (withStats && whole === undefined && isWholeFolder(path)) {
          whole = { prefix: `${path}/`, files: [] };
          walk(`${dir}/${entry.name}`, whole.prefix);
          folders.push(path);
          digests.push(folderStatsDigest(whole.files));
          whole = undefined;
        } else walk(`${dir}/${entry.name}`, `${path}/`);
      } else if (!entry.isFile()) {
        foreign.push({ path, kind: describeKind(lstatSync(join(dir, entry.name))) });
      } else if (!owned.file(path)) {
        foreign.push({ path, kind: 'a file' });
      } else if (withStats) {
        // Gone or replaced since readdir: left out, so a check against it fails as for a missing file.
        const found = lstatSync(`${dir}/${entry.name}`, { throwIfNoEntry: false });
        if (!found?.isFile()) continue;
        if (whole) whole.files.push([path.slice(whole.prefix.length), found.size, found.mtimeMs]);
        else {
          paths.push(path);
          stats.push(found.size, found.mtimeMs);
        }
      }
    }
  };
  walk(target, '');
  if (foreign.length) {
    const shown = foreign.slice(0, 5).map((f) => `${f.path} (${f.kind})`).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
    return {
      refusal: {
        problem: `--out ${display} holds ${foreign.length} entr${foreign.length === 1 ? 'y' : 'ies'} meshfleet did not write: ${shown}`,
        fix: `move them out of ${display} (meshfleet replaces the folder whole and would delete them; it writes no links or special files), or give --out another folder`,
      },
    };
  }
  return withStats ? { files: { paths: paths.join('\0'), stats: Float64Array.from(stats), folders: folders.join('\0'), digests: digests.join('\0') } } : {};
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
    // Each file's folders, from its own up to the first one already in, whose own are in too: at 1000
    // clusters one lookup for most of the 28,000 files instead of a string and an insert per level.
    const folders = new Set<string>();
    for (const file of files) {
      for (let i = file.lastIndexOf('/'); i > 0; i = file.lastIndexOf('/', i - 1)) {
        const folder = file.slice(0, i);
        if (folders.has(folder)) break;
        folders.add(folder);
      }
    }
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

/** A survey's files: whether one is in the folder as a regular file of this size and modification time, and a folder given whole with files of these stats. */
export interface SurveyedFiles {
  matches(path: string, size: number, mtimeMs: number): boolean;
  /** Whether the folder (isWholeFolder) holds just files whose folderStatsDigest is `digest`. */
  folderMatches(folder: string, digest: string): boolean;
}

export function surveyedFiles(files: NonNullable<OwnershipSurvey['files']>): SurveyedFiles {
  const at = new Map<string, number>();
  if (files.paths !== '') files.paths.split('\0').forEach((path, i) => at.set(path, 2 * i));
  const { stats } = files;
  const digests = files.digests.split('\0');
  const folders = new Map<string, string>();
  if (files.folders !== '') files.folders.split('\0').forEach((folder, i) => folders.set(folder, digests[i]!));
  return {
    matches(path, size, mtimeMs) {
      const i = at.get(path);
      return i !== undefined && stats[i] === size && stats[i + 1] === mtimeMs;
    },
    folderMatches: (folder, digest) => folders.get(folder) === digest,
  };
}
