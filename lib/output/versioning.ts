// Chart versions that change only when chart content changes. The lock file in charts-out remembers
// each chart's content hash and version; the next synth compares against it.
import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { INPUT_LIMITS, readRegularFile } from '../model/file-access.ts';

export const LOCK_FILE = 'versions.lock.json';

export interface LockEntry {
  readonly version: string;
  readonly hash: string;
  readonly linkerd: string;
}

export interface VersionLock {
  readonly charts: Readonly<Record<string, LockEntry>>;
}

export interface LockRead {
  readonly lock: VersionLock;
  /** Set when the lock file was missing or damaged and the lock was rebuilt from the charts on disk. */
  readonly rebuilt?: string;
}

const SEMVER = /^\d+\.\d+\.\d+$/;

/**
 * The lock of an output folder. Versions never go back: when the lock is missing next to charts, or
 * damaged, it is rebuilt from each chart's own Chart.yaml (version, appVersion) and content hash, so
 * an unchanged chart keeps its version and a changed one moves on from it. `readTree` gives the
 * folder's files (read without following links); `display` names the folder in the message.
 */
export function readVersionLock(outdir: string, readTree: () => ReadonlyMap<string, string>, display = outdir): LockRead {
  const file = join(outdir, LOCK_FILE);
  if (!lstatSync(outdir, { throwIfNoEntry: false })) return { lock: { charts: {} } };
  let damage: string;
  if (!lstatSync(file, { throwIfNoEntry: false })) {
    damage = 'missing';
  } else {
    const read = readRegularFile(file, { limit: INPUT_LIMITS.outputFile, what: 'chart version lock', noFollow: true });
    const lock = 'text' in read ? parseLock(read.text) : undefined;
    if (lock) return { lock };
    damage = 'text' in read ? 'damaged (not the JSON meshfleet writes)' : `unreadable (${read.problem})`;
  }
  const charts = chartsOnDisk(readTree());
  const count = Object.keys(charts).length;
  if (count === 0 && damage === 'missing') return { lock: { charts: {} } };
  return { lock: { charts }, rebuilt: `${LOCK_FILE} in ${display} is ${damage}; chart versions were rebuilt from ${count} Chart.yaml file(s) there` };
}

function parseLock(text: string): VersionLock | undefined {
  let lock: unknown;
  try {
    lock = JSON.parse(text);
  } catch {
    return undefined;
  }
  const charts = (lock as { charts?: unknown } | null)?.charts;
  if (charts === null || typeof charts !== 'object' || Array.isArray(charts)) return undefined;
  const valid = Object.values(charts).every(
    (entry) => entry !== null && typeof entry === 'object' && SEMVER.test(String(entry.version)) && typeof entry.hash === 'string' && typeof entry.linkerd === 'string',
  );
  return valid ? (lock as VersionLock) : undefined;
}

/** Each chart folder's lock entry, from its Chart.yaml and its other files (the content hash). */
function chartsOnDisk(tree: ReadonlyMap<string, string>): Record<string, LockEntry> {
  const contents = new Map<string, Map<string, string>>();
  for (const path of tree.keys()) if (path.endsWith('/Chart.yaml')) contents.set(path.slice(0, -'/Chart.yaml'.length), new Map());
  for (const [path, text] of tree) {
    // The chart folder a file belongs to, if any: one of its ancestors.
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
      const content = contents.get(path.slice(0, i));
      if (content) {
        if (path.slice(i + 1) !== 'Chart.yaml') content.set(path.slice(i + 1), text);
        break;
      }
    }
  }
  const charts: Record<string, LockEntry> = {};
  for (const [folder, content] of contents) {
    const chartYaml = tree.get(`${folder}/Chart.yaml`)!;
    const version = /^version:\s*["']?([^"'\s]+)["']?\s*$/m.exec(chartYaml)?.[1];
    const linkerd = /^appVersion:\s*["']?([^"'\s]+)["']?\s*$/m.exec(chartYaml)?.[1];
    if (version && SEMVER.test(version) && linkerd) charts[folder] = { version, hash: contentHash(content, linkerd), linkerd };
  }
  return charts;
}

export function lockFile(charts: Record<string, LockEntry>): string {
  const sorted = Object.fromEntries(Object.keys(charts).sort().map((k) => [k, charts[k]]));
  return JSON.stringify({ $comment: 'chart versions by content; maintained by meshfleet synth', charts: sorted }, null, 2) + '\n';
}

export function contentHash(files: ReadonlyMap<string, string>, extra: string): string {
  const hash = createHash('sha256').update(extra);
  for (const path of [...files.keys()].sort()) hash.update(`\0${path}\0`).update(files.get(path)!);
  return hash.digest('hex');
}

export const INITIAL_VERSION = '0.1.0';

/**
 * Same content → same version; new content → next patch; a new Linkerd version → next minor, because
 * a control plane upgrade is a change operators want to see in the version. `major` is the user's:
 * a higher one restarts the chart at <major>.0.0; a lower one than the lock holds is not a downgrade
 * (versions only grow), the locked major stays (see majorBelowLock).
 */
export function nextVersion(previous: LockEntry | undefined, hash: string, linkerd: string, major = 0): string {
  if (!previous || !/^\d+\.\d+\.\d+$/.test(previous.version)) return major > 0 ? `${major}.0.0` : INITIAL_VERSION;
  const [lockedMajor, minor, patch] = previous.version.split('.').map(Number);
  if (major > lockedMajor) return `${major}.0.0`;
  if (previous.hash === hash) return previous.version;
  return previous.linkerd !== linkerd ? `${lockedMajor}.${minor + 1}.0` : `${lockedMajor}.${minor}.${patch + 1}`;
}

/** The locked major when it is above the one the user set (which then has no effect). */
export function majorBelowLock(previous: LockEntry | undefined, major: number): number | undefined {
  const locked = previous && /^\d+\.\d+\.\d+$/.test(previous.version) ? Number(previous.version.split('.')[0]) : undefined;
  return locked !== undefined && locked > major ? locked : undefined;
}

/** The mesh chart's lock entry this run: its content hash and the version that follows from the previous entry. */
export function chartLockEntry(previous: LockEntry | undefined, content: ReadonlyMap<string, string>, linkerd: string, major?: number): LockEntry {
  const hash = contentHash(content, linkerd);
  return { version: nextVersion(previous, hash, linkerd, major), hash, linkerd };
}
