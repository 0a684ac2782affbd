// Chart versions that change only when chart content changes. The lock file in charts-out remembers
// each chart's content hash and version; the next synth compares against it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'versions.lock.json';

export interface LockEntry {
  readonly version: string;
  readonly hash: string;
  readonly linkerd: string;
}

export interface VersionLock {
  readonly charts: Readonly<Record<string, LockEntry>>;
}

export function readLock(outdir: string): VersionLock {
  const file = join(outdir, LOCK_FILE);
  if (!existsSync(file)) return { charts: {} };
  try {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as VersionLock;
    return lock && typeof lock.charts === 'object' ? lock : { charts: {} };
  } catch {
    // A damaged lock only costs version continuity; the charts themselves are regenerated.
    return { charts: {} };
  }
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
