// Incremental synth: a cluster whose inputs are the same as when the output folder was written is not
// rendered again. Its folder (and its files among the GitOps files, when what they are made from is
// unchanged too) is moved from the previous output into the staged one (StagedTree.adopt),
// and what the fleet-wide steps need of it (its ClusterOutcome without file text) comes from a cache
// file beside the compiled-code cache (one per output folder, written as the clusters come and put in
// place after each successful swap), and what they rarely need (their rollout views, upstream values
// and delivery components) from a second file beside it, read only where called for.
// The cache is used only while the output folder is exactly what it recorded: the same marker,
// index.json and versions.lock.json, and every file of a reused cluster with the size and mtime it
// had. Anything else (another meshfleet, changed code, a hand edit, a corrupt cache) renders afresh.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { cacheDir, writeCacheFile } from '../compiled-cache.ts';
import { groupBy } from '../model/grouping.ts';
import { folderStatsDigest, isWholeFolder, OUTPUT_MARKER, type FolderFileStats, type SurveyedFiles } from '../output/folder-ownership.ts';
import { INDEX_FILE, type RenderedCluster } from '../output/rendered-cluster.ts';
import { indexViewFileContent } from '../output/previous-index.ts';
import { LOCK_FILE, majorBelowLock, type LockEntry } from '../output/versioning.ts';
import type { StagedTree } from '../output/atomic-write.ts';
import type { Component } from '../constructs/delivery/components.ts';
import { environmentDelivery } from '../resolve/delivery.ts';
import type { ResolvedCluster, ResolvedFleet } from '../resolve/resolve.ts';
import { clusterPartFolder, partUnitOf, withValues, type ClusterDeliveryParts } from '../rollout/gitops-files.ts';
import type { ClusterApps, FleetContext } from './render-cluster.ts';
import type { ClusterOutcome } from './render-workers.ts';
import { decodeCachedCluster, decodeDeliveryPart, encodeCachedCluster, encodeDeliveryPart, recordParts, recordRendered, type CachedCluster, type CachedPart, type RecordParts } from './cache-records.ts';
import { codeStamp } from './hashing.ts';
import { deliveryPartKeyMaker, inputKeys } from './input-keys.ts';

/** Bumped when what is cached changes shape. */
const FORMAT = 21;
/** Cache files kept (one per output folder); older ones are removed when one is written. */
const KEPT_FILES = 16;
const FILE_PREFIX = 'synth-';

/**
 * Files' sizes and modification times, in the order of their paths: size, mtimeMs, size, mtimeMs, …
 * The footer's lists are views of one typed array, which V8 serializes as one buffer: a 1000-cluster
 * footer's 28,000 pairs as small arrays took 23 ms to serialize and 28–45 ms to read back.
 */
type FileStats = Float64Array;

/** The size of the i-th file of `stats`. */
function sizeAt(stats: FileStats, i: number): number {
  return stats[2 * i]!;
}

/** The mtimeMs of the i-th file of `stats`. */
function mtimeAt(stats: FileStats, i: number): number {
  return stats[2 * i + 1]!;
}

/** Whether `stats` is a list of FileStats for these paths (a footer read back may hold anything). */
function statsFit(paths: readonly string[], stats: FileStats): boolean {
  return stats instanceof Float64Array && stats.length === 2 * paths.length;
}

/**
 * The cache file: the hot part of each cluster's record (encodeCachedCluster, RecordParts) and of its
 * part of the GitOps files one after the other, written as the clusters come, then this footer (v8
 * serialization), then the trailer: the footer's length and TRAILER_MARK (4 bytes each). Their cold
 * parts are in the cold file (ColdFile). Appended to by re-synths that reuse most of it
 * (incrementalSynth), both also hold records that no footer lists any more (and a file an older
 * meshfleet appended to, footers).
 */
interface Footer {
  readonly format: number;
  readonly stamp: string;
  /** The output folder's real path. */
  readonly target: string;
  /** Size and mtime of the marker, index.json and versions.lock.json as written. */
  readonly fleetFiles: FileStats;
  readonly clusters: readonly FooterCluster[];
  /** The cold file this footer's records are in: its identity and the length they are within. */
  readonly cold: { readonly id: string; readonly length: number };
}

/** Where a record is: its hot part in the cache file, its cold part in the cold file. */
interface Placed {
  readonly offset: number;
  readonly length: number;
  readonly coldOffset: number;
  readonly coldLength: number;
}

interface FooterCluster extends Placed {
  readonly name: string;
  /** The hash of its inputs (inputKeys). */
  readonly key: string;
  /** Size and mtimeMs of each of its files (CachedCluster's paths), as they are in the output folder. */
  readonly stats: FileStats;
  /** The same as the folder survey's digest of its folder (folderStatsDigest), when every file is in that folder. */
  readonly folderDigest?: string;
  /** Its part of the GitOps files (CachedPart, serialized on its own), under the hash of what it is made from (deliveryPartKeys). */
  readonly delivery?: FooterPart;
}

interface FooterPart extends Placed {
  readonly key: string;
  /** Size and mtimeMs of each of its files, as they are in the output folder. */
  readonly stats: FileStats;
  /** What the rollout model reads of the cluster and this part, hashed (clusterRolloutDigest). */
  readonly rollout?: string;
}

/** The trailer's last 4 bytes: a file that ends otherwise (a run killed while it appended, an invalidated one) is no cache. */
const TRAILER_MARK = 0x9bf2a7e3;
const TRAILER_BYTES = 8;
/**
 * The cold file starts with an identity of this many random bytes, made when the cache file is
 * written anew and kept by appends, which the footer names: a cold file that is not its footer's (a
 * run killed between the two renames of save, a hand edit) is no cache.
 */
const COLD_ID_BYTES = 16;
/**
 * A re-synth appends to the cache when the records it reuses are at least this share of the records
 * read (the rest: records no footer lists any more), else it writes a new one. Appending writes only
 * the records rendered again and a footer (~0.85 MB at 1000 clusters) instead of ~32 MB (28 ms of the
 * main thread's re-synth); the file stays within 1.5× what it holds.
 */
const APPEND_SHARE = 2 / 3;

/** Files of the output that only a whole synth writes: reuse needs them as the cache saw them. */
const FLEET_FILES = [OUTPUT_MARKER, INDEX_FILE, LOCK_FILE];

/** What a re-synth does while its folder's survey is out: `waiting()` tells whether it still is. */
export type Meanwhile = (clusters: readonly number[], waiting: () => boolean) => void;

/** One synth's use of the cache: which clusters it reuses, and what it records for the next run. */
export interface Incremental {
  /**
   * The unchanged clusters' outcomes, by fleet index (renderClusters does not render them).
   * `meanwhile` is called with the clusters that are rendered whatever the folder's survey finds
   * (their keys match no record of the cache), in fleet order, before the survey is waited for,
   * and with whether it is still out (renderFleet renders them then: renderWhileWaiting).
   */
  reusable(context: FleetContext, charts: Readonly<Record<string, LockEntry>>, apps?: (cluster: string) => ClusterApps, meanwhile?: Meanwhile): Map<number, ClusterOutcome>;
  /**
   * Each cluster's outcome as it comes (after reusable; any order): written to the next cache at
   * once, with its part of the GitOps files when the thread that rendered it encoded that too.
   */
  record(index: number, outcome: ClusterOutcome): void;
  /**
   * The clusters' parts of the GitOps files from the cache, where unchanged; the others go to the
   * next cache (after record) unless record wrote them, or their files were handed to the sink
   * without their text (then they are made again next time).
   */
  deliveryParts(fleet: ResolvedFleet): ClusterDeliveryParts;
  /**
   * Each cluster's rollout digest (rollout-key.ts), in the order given (after deliveryParts' get):
   * as the thread that rendered it made it, as the cache recorded it for a cluster reused with its
   * part of the GitOps files, else `make`'s.
   */
  rolloutDigests(rendered: readonly RenderedCluster[], make: (rendered: RenderedCluster) => string): string[];
  /** The reused clusters' files (and their reused parts' of the GitOps files) and their sizes as recorded (and found) in the output folder. */
  reusedFiles(): (readonly [path: string, size: number])[];
  /** Whether this run records the next cache (not a dry run's read-only use): render threads then encode what it keeps. */
  readonly recording: boolean;
  /** Moves the reused clusters' folders from the output into the staged folder (before its commit). */
  adopt(staged: StagedTree): void;
  /** Before the swap: the cache no longer describes the folder. */
  invalidate(): void;
  /**
   * After a successful swap of `staged`: the cache for the next run (a failure only costs that run a
   * cold synth), and the view of the index.json it wrote (`indexView`, IndexText.view) beside it.
   */
  save(staged: StagedTree, indexView?: readonly Uint8Array[]): void;
  /** The synth failed: the next cache is dropped, the current one stays. */
  abort(): void;
  /** The synth is done with the cache (a cold part read later opens the cold file for that read). */
  close(): void;
}

export interface IncrementalOptions {
  /**
   * A dry run (synth --check, diff, validate) reads the cache and records nothing: it leaves the
   * cache as it is for the next synth, which the folder it describes is unchanged for.
   */
  readonly readOnly?: boolean;
  /**
   * The folder's files as its ownership walk statted them (OutputFolder.files, called by reusable once
   * the input keys are made and the cache read); when it gives none, each file is statted when checked.
   */
  readonly files?: () => SurveyedFiles | undefined;
  /** The cache file's bytes as read ahead on another thread (OutputFolder.readAhead); when it gives none, the file is read here. */
  readonly readAhead?: () => Uint8Array | undefined;
  /** Whether `files` would answer without waiting (OutputFolder.filesReady). */
  readonly filesReady?: () => boolean;
  /**
   * The caller's work that needs neither the survey nor the clusters' outcomes, which reusable does
   * if the survey is still out once its own is done (synthesize: the staged-change checks, which
   * read the previous index.json), instead of waiting idle for it.
   */
  readonly whileSurveyed?: () => unknown;
}

export function incrementalSynth(target: string, { readOnly = false, files, readAhead, filesReady, whileSurveyed }: IncrementalOptions = {}): Incremental {
  const file = cacheFileOf(target);
  // The folder's survey, taken by reusable once the input keys are made and the cache read (it throws the folder's refusal, if any).
  let surveyed: SurveyedFiles | undefined;
  const filesUnchanged = (paths: readonly string[], stats: FileStats) => (surveyed ? surveyedUnchanged(surveyed, paths, stats) : statsUnchanged(target, paths, stats));
  // A cluster's files, all in its folder: as a whole by the survey's digest of the folder.
  const clusterUnchanged = ({ entry, stats, folderDigest }: Pick<MatchedCluster, 'entry' | 'stats' | 'folderDigest'>) =>
    surveyed && folderDigest !== undefined ? surveyed.folderMatches(entry.folder, folderDigest) : filesUnchanged(entry.paths, stats);
  // Each cluster's input key (inputKeys) and its part's (deliveryPartKeys), of what reusable was given,
  // made when first needed: a cold synth's once its render workers have their job.
  let keyed: { readonly context: FleetContext; readonly apps?: (cluster: string) => ClusterApps } | undefined;
  let keys: (string | undefined)[] | undefined;
  let partKeys: Map<string, string> | undefined;
  const keysOf = () => (keys ??= keyed ? inputKeys(keyed.context, keyed.apps) : []);
  const partKeysOf = (fleet: ResolvedFleet) => (partKeys ??= deliveryPartKeys(fleet, keysOf()));
  // Part keys as the threads that rendered the clusters made them (record): a cold synth then makes
  // no key twice (~20 ms of the main thread at 100 clusters).
  const madePartKeys = new Map<string, string>();
  const partKeyOf = (fleet: ResolvedFleet, name: string) => madePartKeys.get(name) ?? partKeysOf(fleet).get(name);
  const reused = new Map<number, Placed & { entry: CachedCluster; data: Uint8Array; stats: FileStats; folderDigest?: string }>();
  const reusedNames = new Set<string>();
  // The next cache, written as the clusters come so that their serializations are not held: a new pair
  // of files (renamed over the cache's after the swap, the cold one first), or the pair this run read,
  // appended to, where the reused records stay. The cache file is then cut where its footer began
  // (`appending`) and the records follow from there, over the footer read (appended after it, every
  // old footer stayed: ~0.85 MB more a run at 1000 clusters, and both files written anew every sixth
  // run). Cut so, it has no trailer (a run killed from then on leaves no cache: the next one renders
  // everything); a failed synth puts both back as they were read (the footer and trailer read are the
  // cache's bytes from `appending` on), and save() appends the new footer and trailer.
  const temporary = `${file.path}.${process.pid}.tmp`;
  const coldTemporary = `${file.cold}.${process.pid}.tmp`;
  let fd: number | undefined;
  let coldFd: number | undefined;
  let coldId = '';
  let appending: number | undefined;
  let coldAppending: number | undefined;
  let invalidated = false;
  let written = 0;
  let coldWritten = 0;
  let failed = false;
  // By fleet index: record takes the clusters as they come.
  const clusters: (Omit<FooterCluster, 'stats'> & { folder: string; paths: readonly string[]; stats?: FileStats })[] = [];
  // The cache this run reads (reusable), and what it takes of it and records for the next one.
  let cache: { footer: Footer; bytes: Buffer; footerStart: number; byName: Map<string, FooterCluster> } | undefined;
  // The cache's cold file, as read (closed by close(); a later read opens it for that read).
  let coldRead: ColdFile | undefined;
  // Parts taken from the cache (moved by adopt), and the parts the next cache holds with their files' paths.
  const takenParts = new Map<string, Placed & { data: Uint8Array; files: CachedPart['files']; stats: FileStats; folder?: string }>();
  const deliveries = new Map<string, Omit<FooterPart, 'stats'> & { paths: readonly string[]; stats?: FileStats }>();
  // Rollout digests by cluster name.
  const digests = new Map<string, string>();
  // At `at`: the end of the file being written (returned).
  const writeAt = (to: number, bytes: Uint8Array, at: number) => {
    for (let done = 0; done < bytes.length; ) done += writeSync(to, bytes, done, bytes.length - done, at + done);
    return at + bytes.length;
  };
  const write = (bytes: Uint8Array) => void (written = writeAt(fd!, bytes, written));
  // A record's place in the next cache: written at the ends of both files.
  const place = ({ hot, cold }: RecordParts): Placed => {
    const at = { offset: written, length: hot.length, coldOffset: coldWritten, coldLength: cold.length };
    write(hot);
    coldWritten = writeAt(coldFd!, cold, coldWritten);
    return at;
  };
  // One taken from the cache read stays where it is when the cache is appended to; else it is written
  // anew, its cold part read from the cache's cold file.
  const placeTaken = (taken: Placed & { readonly data: Uint8Array }): Placed => {
    const { offset, length, coldOffset, coldLength } = taken;
    if (appending !== undefined) return { offset, length, coldOffset, coldLength };
    return place({ hot: taken.data, cold: coldOf(taken) });
  };
  const coldOf = (at: Placed) => {
    if (!coldRead) throw new Error('incremental: no cold file to read');
    return coldRead.read(at.coldOffset, at.coldLength);
  };
  const drop = () => {
    failed = true;
    try {
      if (appending !== undefined && fd !== undefined) {
        // The cache as read, unless the swap made it stale.
        if (invalidated) rmSync(file.path, { force: true });
        else {
          ftruncateSync(fd, appending);
          if (cache) writeAt(fd, cache.bytes.subarray(appending), appending);
          if (coldFd !== undefined && coldAppending !== undefined) ftruncateSync(coldFd, coldAppending);
        }
      }
      for (const opened of [fd, coldFd]) if (opened !== undefined) closeSync(opened);
      fd = coldFd = undefined;
      if (appending === undefined) for (const path of [temporary, coldTemporary]) rmSync(path, { force: true });
    } catch {
      // Nothing to clean (the next run checks the files it finds).
    }
  };
  // Opened at the first record: appended to when the reused records are most of the records read and
  // the files are still the ones read (the cache file's length and trailer, the cold file's identity),
  // else a new pair.
  const openNext = () => {
    if (cache) {
      let kept = 0;
      for (const { data } of reused.values()) kept += data.length;
      const { bytes, footer, footerStart } = cache;
      if (kept >= APPEND_SHARE * footerStart) {
        const opened: number[] = [];
        try {
          const hot = openSync(file.path, 'r+');
          opened.push(hot);
          const trailer = Buffer.alloc(TRAILER_BYTES);
          if (fstatSync(hot).size === bytes.length && readSync(hot, trailer, 0, TRAILER_BYTES, bytes.length - TRAILER_BYTES) === TRAILER_BYTES && trailer.equals(bytes.subarray(-TRAILER_BYTES))) {
            const cold = openSync(file.cold, 'r+');
            opened.push(cold);
            if (coldFileIs(cold, footer.cold)) {
              ftruncateSync(hot, footerStart);
              [fd, coldFd] = [hot, cold];
              appending = written = footerStart;
              coldAppending = coldWritten = footer.cold.length;
              coldId = footer.cold.id;
              return;
            }
          }
        } catch {
          // Gone or not ours to write: a new pair.
        }
        for (const each of opened) closeSync(each);
      }
    }
    mkdirSync(dirname(file.path), { recursive: true });
    fd = openSync(temporary, 'w');
    coldFd = openSync(coldTemporary, 'w');
    const id = randomBytes(COLD_ID_BYTES);
    coldId = id.toString('hex');
    coldWritten = writeAt(coldFd, id, 0);
  };
  return {
    recording: !readOnly,
    reusable(context, charts, apps, meanwhile) {
      keyed = { context, apps };
      // The cache is read and the clusters whose keys match are decoded, and their outcomes made, before
      // the folder's survey is waited for: its thread walks the folder meanwhile (~0.1 s of the main
      // thread at 1000 clusters), after it read the cache ahead.
      // Without a cache the keys are made when the first cluster is recorded: the render workers,
      // given their job once this returns, need not wait for them (~0.1 s at 1000 clusters).
      const read = readCache(target, file, readAhead);
      coldRead = read?.cold;
      const matching = read && matchingClusters(read, context.fleet.clusters, keysOf());
      // Their outcomes too, while the survey's thread may still walk the folder: each is kept once its
      // files are found unchanged. The previous lock entry, which the chart version follows from, is
      // not in the key: it is the one this cluster wrote (versions.lock.json is as the cache saw it),
      // which gives the same version again.
      let candidates: (MatchedCluster & { readonly outcome: ClusterOutcome })[] | undefined;
      try {
        candidates = matching?.clusters.map((m) => ({ ...m, outcome: outcomeOf(context, context.fleet.clusters[m.index]!, m.entry, charts) }));
      } catch {
        // A cache of another shape: render everything (once the folder's survey is in: it may refuse the folder).
      }
      if (meanwhile && filesReady && candidates) {
        // Rendered whatever the walk finds: while it is out, its wait is spent on them.
        const matched = new Set(candidates.map((c) => c.index));
        meanwhile(
          context.fleet.clusters.flatMap((_, index) => (matched.has(index) ? [] : [index])),
          () => !filesReady(),
        );
      }
      if (filesReady && !filesReady()) {
        // The survey is still out: what is needed whatever it finds, made now instead of after it
        // (the GitOps parts' keys, for the parts cached with the clusters; the caller's work).
        if (candidates) partKeysOf(context.fleet);
        if (!filesReady()) whileSurveyed?.();
      }
      surveyed = files?.();
      const result = new Map<number, ClusterOutcome>();
      if (!read || !matching || !candidates || !filesUnchanged(FLEET_FILES, read.footer.fleetFiles)) return result;
      cache = { footer: read.footer, bytes: read.bytes, footerStart: read.footerStart, byName: matching.byName };
      try {
        for (const candidate of candidates) {
          const { index, entry, data, placed, stats, folderDigest } = candidate;
          if (!clusterUnchanged(candidate)) continue;
          reused.set(index, { ...placed, entry, data, stats, ...(folderDigest !== undefined ? { folderDigest } : {}) });
          reusedNames.add(context.fleet.clusters[index]!.name);
          result.set(index, candidate.outcome);
        }
      } catch {
        // A cache of another shape: render everything.
        reused.clear();
        reusedNames.clear();
        cache = undefined;
        return new Map();
      }
      return result;
    },
    record(index, outcome) {
      if (outcome.rolloutDigest !== undefined) digests.set(outcome.rendered.cluster.name, outcome.rolloutDigest);
      if (failed || readOnly) return;
      const made = outcome.keys;
      if (made?.part !== undefined) madePartKeys.set(outcome.rendered.cluster.name, made.part);
      const key = made ? made.input : keysOf()[index];
      if (key === undefined) return;
      try {
        if (fd === undefined) openNext();
        const kept = reused.get(index);
        const { rendered, paths } = outcome;
        const placed = kept ? placeTaken(kept) : place(recordParts(outcome.cached?.cluster ?? encodeCachedCluster(rendered, paths, outcome)));
        const name = rendered.cluster.name;
        clusters[index] = { name, key, ...placed, folder: rendered.folder, paths, ...(kept ? { stats: kept.stats, ...(kept.folderDigest !== undefined ? { folderDigest: kept.folderDigest } : {}) } : {}) };
        const part = outcome.cached?.delivery;
        const partKey = keyed && partKeyOf(keyed.context.fleet, name);
        if (part && outcome.delivery && partKey !== undefined) {
          deliveries.set(name, { key: partKey, ...place(recordParts(part)), paths: outcome.delivery.files.map(([path]) => path) });
        }
      } catch {
        // A cache that cannot be written costs the next run a cold synth, nothing more.
        drop();
      }
    },
    deliveryParts(fleet) {
      return {
        get(rendered) {
          const name = rendered.cluster.name;
          const key = partKeyOf(fleet, name);
          const found = cache?.byName.get(name)?.delivery;
          if (!cache || key === undefined || found?.key !== key) return undefined;
          try {
            const data = cache.bytes.subarray(found.offset, found.offset + found.length);
            const part = decodeDeliveryPart(data, () => coldOf(found));
            // Its files are moved into the new output (adopt) as they are: each as the cache saw it.
            if (!filesUnchanged(part.files.map(([path]) => path), found.stats)) return undefined;
            const folder = clusterPartFolder(environmentDelivery(fleet.delivery, rendered.cluster.environment), name);
            takenParts.set(name, { ...placedOf(found), data, files: part.files, stats: found.stats, ...(folder ? { folder } : {}) });
            // Made with the cluster as the cache holds it: only a reused cluster's holds.
            if (found.rollout !== undefined && reusedNames.has(name)) digests.set(name, found.rollout);
            // Its components when read (renderDelivery reads few); an upstream chart's values are the
            // rendered cluster's (componentsOf), which are cached with it.
            let components: Component[] | undefined;
            return {
              files: part.files,
              get components() {
                return (components ??= withValues(part.components(), () => rendered.upstreamValues));
              },
            };
          } catch {
            return undefined;
          }
        },
        set(name, part) {
          const key = partKeyOf(fleet, name);
          if (key === undefined || failed || fd === undefined || deliveries.has(name)) return;
          try {
            const taken = takenParts.get(name);
            const placed = taken ? placeTaken(taken) : place(recordParts(encodeDeliveryPart(part)));
            deliveries.set(name, { key, ...placed, paths: part.files.map(([path]) => path), ...(taken ? { stats: taken.stats } : {}) });
          } catch {
            drop();
          }
        },
      };
    },
    rolloutDigests(rendered, make) {
      return rendered.map((r) => {
        const name = r.cluster.name;
        let found = digests.get(name);
        if (found === undefined) digests.set(name, (found = make(r)));
        return found;
      });
    },
    reusedFiles() {
      const clusters = [...reused.values()].flatMap(({ entry, stats }) => entry.paths.map((path, i) => [path, sizeAt(stats, i)] as const));
      const parts = [...takenParts.values()].flatMap(({ files, stats }) => files.map(([path], i) => [path, sizeAt(stats, i)] as const));
      return [...clusters, ...parts];
    },
    adopt(staged) {
      const folders = [...reused.values()].map(({ entry, stats }) => ({ folder: entry.folder, files: entry.paths.length, bytes: bytesOf(stats, entry.paths.length) }));
      staged.adopt([...folders, ...[...takenParts.values()].flatMap(partUnits)]);
    },
    invalidate() {
      if (readOnly) return;
      invalidated = true;
      try {
        // Appended to, it was cut before its footer as it was opened: no trailer until save() writes one.
        if (appending === undefined || fd === undefined) rmSync(file.path, { force: true });
      } catch {
        // Left as it is: the next run still checks every reused file against the folder.
      }
    },
    save(staged, indexView) {
      saveIndexView(file.view, staged, indexView);
      if (failed || fd === undefined) return drop();
      try {
        const present = clusters.filter((c) => c !== undefined);
        // Every list of stats in the footer is a view of one typed array (FileStats): reused ones as
        // recorded, the others as commit() verified them (a moved folder's files keep their times).
        const pairs = (paths: readonly string[], recorded?: FileStats) => recorded?.length ?? 2 * paths.length;
        const total = present.reduce((n, c) => {
          const part = deliveries.get(c.name);
          return n + pairs(c.paths, c.stats) + (part ? pairs(part.paths, part.stats) : 0);
        }, 2 * FLEET_FILES.length);
        const table = new Float64Array(total);
        let at = 0;
        const put = (paths: readonly string[], recorded?: FileStats): FileStats => {
          const start = at;
          if (recorded) {
            table.set(recorded, at);
            at += recorded.length;
          } else {
            for (const path of paths) {
              const size = staged.sizes.get(path);
              const mtime = staged.mtimes.get(path);
              if (size === undefined || mtime === undefined) throw new Error(`incremental: ${path} was not verified`);
              table[at++] = size;
              table[at++] = mtime;
            }
          }
          return table.subarray(start, at);
        };
        const footer: Footer = {
          format: FORMAT,
          stamp: codeStamp(),
          target: file.real,
          fleetFiles: put(FLEET_FILES),
          clusters: present.map(({ name, key, offset, length, coldOffset, coldLength, folder, paths, stats, folderDigest }) => {
            const part = deliveries.get(name);
            const digest = digests.get(name);
            const delivery = part && { key: part.key, ...placedOf(part), stats: put(part.paths, part.stats), ...(digest !== undefined ? { rollout: digest } : {}) };
            const own = put(paths, stats);
            // A reused cluster's as recorded (its folder was moved whole, its files' times kept).
            const whole = folderDigest ?? wholeFolderDigest(folder, paths, own);
            return { name, key, offset, length, coldOffset, coldLength, stats: own, ...(whole !== undefined ? { folderDigest: whole } : {}), ...(delivery ? { delivery } : {}) };
          }),
          cold: { id: coldId, length: coldWritten },
        };
        const bytes = serialize(footer);
        const trailer = Buffer.alloc(TRAILER_BYTES);
        trailer.writeUInt32LE(bytes.length, 0);
        trailer.writeUInt32LE(TRAILER_MARK, 4);
        write(bytes);
        write(trailer);
        closeSync(fd);
        closeSync(coldFd!);
        fd = coldFd = undefined;
        // The cold file first: until the cache file follows, the old footer names another identity.
        if (appending === undefined) {
          renameSync(coldTemporary, file.cold);
          renameSync(temporary, file.path);
        }
        prune(dirname(file.path));
      } catch {
        drop();
      }
    },
    abort: () => void (readOnly || drop()),
    close: () => coldRead?.close(),
  };
}

/** Where a record is (Placed), without what else the object holds. */
function placedOf({ offset, length, coldOffset, coldLength }: Placed): Placed {
  return { offset, length, coldOffset, coldLength };
}

/**
 * What of a part is moved into the new output: the folder only it writes in (clusterPartFolder),
 * whole, and each of its other files (among other clusters' in the environment's GitOps folders) on its own.
 */
function partUnits({ files, stats, folder }: { files: CachedPart['files']; stats: FileStats; folder?: string }): { folder: string; files: number; bytes: number }[] {
  const units = groupBy(files.keys(), (i) => partUnitOf(files[i]![0], folder));
  return [...units].map(([unit, indices]) => ({ folder: unit, files: indices.length, bytes: indices.reduce((sum, i) => sum + sizeAt(stats, i), 0) }));
}

/** The byte sizes of the first `files` files of a list of stats, summed. */
function bytesOf(stats: FileStats, files: number): number {
  let total = 0;
  for (let i = 0; i < files; i++) total += sizeAt(stats, i);
  return total;
}

/** Whether the output folder and a cache of it exist (synth then starts no render workers ahead: most clusters may be reused). */
export function hasIncrementalCache(target: string): boolean {
  return existsSync(join(target, OUTPUT_MARKER)) && existsSync(cacheFileOf(target).path);
}

/** The path of an output folder's cache file (read ahead on the folder survey's thread: lib/output/folder-survey.ts). */
export function incrementalCacheFile(target: string): string {
  return cacheFileOf(target).path;
}

/** The file beside an output folder's cache that holds the view of the index.json the last synth wrote (lib/output/previous-index.ts indexViewFileContent). */
export function indexViewFile(target: string): string {
  return cacheFileOf(target).view;
}

/**
 * The cache file of an output folder, named by its real path (its parent's, for a folder not made
 * yet: an output folder is never a link).
 */
function cacheFileOf(target: string): CacheFiles {
  let real: string;
  try {
    real = join(realpathSync(dirname(target)), basename(target));
  } catch {
    real = target;
  }
  const path = join(cacheDir(), `${FILE_PREFIX}${createHash('sha256').update(real).digest('hex').slice(0, 32)}${CACHE_SUFFIX}`);
  return { path, cold: besideCache(path, COLD_SUFFIX), view: besideCache(path, VIEW_SUFFIX), real };
}

const CACHE_SUFFIX = '.v8';
const COLD_SUFFIX = '.cold';
const VIEW_SUFFIX = '.view';

/** The file of this suffix beside a cache file: its cold file, its index view. */
function besideCache(cacheFile: string, suffix: string): string {
  return `${cacheFile.slice(0, -CACHE_SUFFIX.length)}${suffix}`;
}

/**
 * The view of the index.json a synth wrote, with its size and modification time as verified in the
 * staged folder (kept by the swap), for the next run's survey to take instead of reading the file
 * (lib/output/previous-index.ts readIndexView); without a view, none (one left there would name an
 * older index.json, and be passed over all the same). Never throws: without it, the file is read.
 */
function saveIndexView(path: string, staged: StagedTree, view: readonly Uint8Array[] | undefined): void {
  const size = staged.sizes.get(INDEX_FILE);
  const mtimeMs = staged.mtimes.get(INDEX_FILE);
  try {
    if (view === undefined || size === undefined || mtimeMs === undefined) rmSync(path, { force: true });
    else writeCacheFile(path, indexViewFileContent({ size, mtimeMs }, view));
  } catch {
    // Not ours to change: the next run reads index.json.
  }
}

/** An output folder's cache file, its cold file, its index view, and the folder's real path. */
interface CacheFiles {
  readonly path: string;
  readonly cold: string;
  readonly view: string;
  readonly real: string;
}

/**
 * The cache's cold file (the cold parts of its records: views, upstream charts' values, delivery
 * components), read a record at a time where called for. Opened when the cache is read, checked to be
 * the one its footer names; once closed, a later read opens it (and checks it) for that read.
 */
interface ColdFile {
  read(offset: number, length: number): Buffer;
  close(): void;
}

/** The cold file at `path`, if it is the one `expected` names (Footer.cold); else it throws. */
function openColdFile(path: string, expected: Footer['cold']): ColdFile {
  const open = () => {
    const fd = openSync(path, 'r');
    if (coldFileIs(fd, expected)) return fd;
    closeSync(fd);
    throw new Error(`incremental: ${path} is not the cache's cold file`);
  };
  let fd: number | undefined = open();
  return {
    read(offset, length) {
      const reading = fd ?? open();
      try {
        const bytes = Buffer.allocUnsafe(length);
        for (let done = 0; done < length; ) {
          const read = readSync(reading, bytes, done, length - done, offset + done);
          if (read === 0) throw new Error(`incremental: ${path} ends before a record`);
          done += read;
        }
        return bytes;
      } finally {
        if (fd === undefined) closeSync(reading);
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** Whether the open file starts with the identity `expected` names and holds its length. */
function coldFileIs(fd: number, expected: Footer['cold']): boolean {
  const id = Buffer.alloc(COLD_ID_BYTES);
  return fstatSync(fd).size >= expected.length && readSync(fd, id, 0, COLD_ID_BYTES, 0) === COLD_ID_BYTES && id.toString('hex') === expected.id;
}

/** A cached cluster whose input key matches this run's: its place in the fleet, its record decoded and its hot part as read, its files' stats. */
interface MatchedCluster {
  readonly index: number;
  readonly entry: CachedCluster;
  readonly data: Uint8Array;
  /** Where its record is in the cache's files. */
  readonly placed: Placed;
  readonly stats: FileStats;
  readonly folderDigest?: string;
}

/** The cache's clusters by name, and those whose input keys match this run's, decoded; undefined for a cache of another shape. */
function matchingClusters(read: { footer: Footer; bytes: Buffer; cold: ColdFile }, clusters: readonly ResolvedCluster[], keys: readonly (string | undefined)[]): { byName: Map<string, FooterCluster>; clusters: MatchedCluster[] } | undefined {
  try {
    const byName = new Map(read.footer.clusters.map((c) => [c.name, c]));
    const matching: MatchedCluster[] = [];
    clusters.forEach((cluster, index) => {
      const found = byName.get(cluster.name);
      if (!found || keys[index] === undefined || found.key !== keys[index]) return;
      const data = read.bytes.subarray(found.offset, found.offset + found.length);
      matching.push({ index, entry: decodeCachedCluster(data, () => read.cold.read(found.coldOffset, found.coldLength)), data, placed: placedOf(found), stats: found.stats, ...(typeof found.folderDigest === 'string' ? { folderDigest: found.folderDigest } : {}) });
    });
    return { byName, clusters: matching };
  } catch {
    return undefined;
  }
}

/** The cache file, if it is this code's and this folder's (its fleet-wide files are checked against the folder by the caller). */
function readCache(target: string, file: CacheFiles, readAhead?: () => Uint8Array | undefined): { footer: Footer; bytes: Buffer; footerStart: number; cold: ColdFile } | undefined {
  try {
    // Not a folder a synth finished writing (a new one, one removed since): the cache cannot match.
    if (!statSync(join(target, OUTPUT_MARKER), { throwIfNoEntry: false })) return undefined;
    const ahead = readAhead?.();
    const bytes = ahead ? Buffer.from(ahead.buffer, ahead.byteOffset, ahead.length) : readFileSync(file.path);
    const end = bytes.length - TRAILER_BYTES;
    if (end < 0 || bytes.readUInt32LE(end + 4) !== TRAILER_MARK || bytes.readUInt32LE(end) > end) return undefined;
    const start = end - bytes.readUInt32LE(end);
    const footer = deserialize(bytes.subarray(start, end)) as Footer;
    if (footer.format !== FORMAT || footer.stamp !== codeStamp() || footer.target !== file.real || !Array.isArray(footer.clusters)) return undefined;
    const coldLength = footer.cold.length;
    const within = (part: Placed) => part.offset >= 0 && part.offset + part.length <= start && part.coldOffset >= COLD_ID_BYTES && part.coldOffset + part.coldLength <= coldLength;
    if (footer.clusters.some((c) => !within(c) || (c.delivery && !within(c.delivery)))) return undefined;
    return { footer, bytes, footerStart: start, cold: openColdFile(file.cold, footer.cold) };
  } catch {
    // Missing, unreadable or not ours: render everything.
    return undefined;
  }
}

/** Every file is in the folder with the size and modification time recorded, as the folder's survey found it. */
function surveyedUnchanged(files: SurveyedFiles, paths: readonly string[], stats: FileStats): boolean {
  return statsFit(paths, stats) && paths.every((path, i) => files.matches(path, sizeAt(stats, i), mtimeAt(stats, i)));
}

/**
 * The digest the folder survey gives of a cluster's folder (folderStatsDigest) while its files are as
 * recorded; undefined when the survey checks them file by file (a folder not given whole, a file
 * outside it).
 */
function wholeFolderDigest(folder: string, paths: readonly string[], stats: FileStats): string | undefined {
  if (!isWholeFolder(folder) || !statsFit(paths, stats)) return undefined;
  const prefix = `${folder}/`;
  const files: FolderFileStats[] = [];
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    if (!path.startsWith(prefix)) return undefined;
    files.push([path.slice(prefix.length), sizeAt(stats, i), mtimeAt(stats, i)]);
  }
  return folderStatsDigest(files);
}

/** Every file is in the folder with the size and modification time recorded. */
function statsUnchanged(target: string, paths: readonly string[], stats: FileStats): boolean {
  return (
    statsFit(paths, stats) &&
    paths.every((path, i) => {
      // Paths the cache recorded are normal relative ones: no join (a fifth of the cost of 28k stats).
      const found = statSync(`${target}/${path}`, { throwIfNoEntry: false });
      return found !== undefined && found.isFile() && found.size === sizeAt(stats, i) && found.mtimeMs === mtimeAt(stats, i);
    })
  );
}

/** A cached cluster as renderCluster would return it, with its rollout-view objects. */
function outcomeOf(context: FleetContext, cluster: ResolvedCluster, entry: CachedCluster, charts: Readonly<Record<string, LockEntry>>): ClusterOutcome {
  const { paths, diagnostics, secrets, lock, indexEntry } = entry;
  // Its views and upstream charts' values only when read: a synth that skips the rollout check reads
  // no views, and one that reuses the cluster's part of the GitOps files no values.
  const rendered = recordRendered(cluster, entry);
  const lockedMajor = majorBelowLock(charts[lock.key], environmentDelivery(context.fleet.delivery, cluster.environment).chartMajor);
  return { rendered, paths, diagnostics, secrets, lock, ...(lockedMajor !== undefined ? { lockedMajor } : {}), indexEntry };
}

/** Each cluster's part key (deliveryPartKeyMaker) by name, for the clusters with an input key. */
function deliveryPartKeys(fleet: ResolvedFleet, keys: readonly (string | undefined)[]): Map<string, string> {
  const partKey = deliveryPartKeyMaker(fleet);
  const partKeys = new Map<string, string>();
  fleet.clusters.forEach((cluster, index) => {
    const key = keys[index];
    if (key !== undefined) partKeys.set(cluster.name, partKey(cluster.name, key));
  });
  return partKeys;
}

/**
 * Keeps the newest cache files (one per output folder a user or a test suite synthesized into), each
 * with its cold file; a killed run's temporary file, and a cold file whose cache file is gone (a
 * synth that failed after the swap's invalidate), go after an hour (a younger one may be a new pair
 * between its two renames).
 */
function prune(folder: string): void {
  const files = readdirSync(folder)
    .filter((entry) => entry.startsWith(FILE_PREFIX))
    .map((entry) => ({ path: join(folder, entry), time: statSync(join(folder, entry)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  const stale = Date.now() - 3_600_000;
  const done = files.filter((f) => f.path.endsWith(CACHE_SUFFIX));
  for (const { path } of done.slice(KEPT_FILES)) for (const each of [path, besideCache(path, COLD_SUFFIX), besideCache(path, VIEW_SUFFIX)]) rmSync(each, { force: true });
  const kept = new Set(done.slice(0, KEPT_FILES).flatMap(({ path }) => [besideCache(path, COLD_SUFFIX), besideCache(path, VIEW_SUFFIX)]));
  for (const { path, time } of files) {
    const orphan = (path.endsWith(COLD_SUFFIX) || path.endsWith(VIEW_SUFFIX)) && !kept.has(path);
    if ((orphan || path.endsWith('.tmp')) && time < stale) rmSync(path, { force: true });
  }
}
