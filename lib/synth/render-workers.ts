// Synth renders clusters on every core: worker threads (render-worker.ts) and the main thread take the
// next cluster from one shared counter until none is left, so a slow start or a heavy cluster
// balances out. Each thread runs renderCluster (render-cluster.ts) on its own copy of the resolved
// fleet (plain data: structured clone keeps its Maps) and writes the files into the staged output
// folder itself; only what the fleet-wide steps need crosses back. renderFleet stays synchronous:
// the main thread blocks on a shared signal and reads the workers' ports with receiveMessageOnPort.
// Results are put back in fleet order, so output and diagnostics equal the single-threaded ones.
// A worker that stops without reporting (out of memory, above all) is noticed by a watchdog thread,
// and the cluster it was rendering is rendered again on the main thread.
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { cacheDir, cacheFile } from '../compiled-cache.ts';
import { moduleWorkerCode, siblingModule } from '../worker-code.ts';
import { startWorkerThread } from '../spare-thread.ts';
import { newLifeline, watchLifelines, type LifelineWatch } from '../thread-watchdog.ts';
import { checkWritten, type FileContent } from '../output/atomic-write.ts';
import type { Diagnostic } from '../model/diagnostics.ts';
import type { KubeObject, ObjectFile } from '../model/kube-object.ts';
import { groupBy } from '../model/grouping.ts';
import { clusterFolder } from '../output/cluster-layout.ts';
import { gatewayApiFolderFiles } from '../output/gateway-api-folder.ts';
import type { ClusterEntry } from '../output/index-file.ts';
import { countsOf, type RenderedCluster } from '../output/rendered-cluster.ts';
import type { LockEntry } from '../output/versioning.ts';
import type { ResolvedCluster, ResolvedFleet } from '../resolve/resolve.ts';
import { clusterPartFolder, partUnitOf, withValues, type ClusterDeliveryPart } from '../rollout/gitops-files.ts';
import { environmentDelivery } from '../resolve/delivery.ts';
import { rolloutView } from '../rollout/object-waits.ts';
import { decodeCachedCluster, encodeCachedCluster, encodeDeliveryPart, encodeViews, recordRendered, recordViews } from './cache-records.ts';
import { clusterRolloutDigest } from './rollout-key.ts';
import { clusterKeyMaker } from './input-keys.ts';
import { codeStamp } from './hashing.ts';
import { addFound, useValidBefore, validBeforeFileName } from '../validate/valid-before.ts';
import { compilerFlagState, releaseCoresToCompiler, shareCoresWithCompiler, type CompilerFlagState } from '../compiler-tuning.ts';
import { checkedDeliveryPart, renderCluster, type ClusterApps, type ClusterRender, type FleetContext, type MadeKeys } from './render-cluster.ts';

/** Below this many clusters a worker's start (loading the render modules, ~0.3 s) costs more than it saves. */
export const WORKER_THRESHOLD = 32;
/** Forces the number of render workers: 0 renders on the main thread only (README: Render workers). */
export const WORKERS_VARIABLE = 'MESHFLEET_WORKERS';

/**
 * A render worker's old generation limit. Below 2 GiB (on 64-bit Node), V8 grows an old generation
 * by at most 1.3–2× its live size between full collections instead of 4× (MaxGrowingFactor in V8's
 * src/heap/heap-controller.cc): a worker keeps ~35 MB live at 1000 clusters but grew to ~140 MB
 * between its two collections, ~100 MB with five at this limit, which took the 1000-cluster synth's
 * peak from 367–421 MiB to 358–373 MiB (interleaved runs). It is far above what a worker holds (its
 * copy of the resolved fleet, the render code, one cluster at a time).
 */
const WORKER_OLD_GENERATION_MB = 1536;
/**
 * A render worker's young generation (V8's default is 48 MB on 64-bit). A cluster's objects, texts
 * and files die young. 64 MB once cut a worker's scavenges at 1000 clusters (67–69 to 41–44, pauses
 * 248–345 to 225–303 ms), but every MB of it is memory touched for the first time, and on a machine
 * whose page faults are slow (~10 µs each, docs/performance.md 2026-12-04) 16 MB was faster: eight
 * interleaved pairs at 1000 clusters gave 3.88–3.90 s against 3.96–4.04 s (CPU 6.88 against 7.13–7.27
 * s), 14,000 fewer page faults and a peak of 260 MiB against 316 MiB; 8 MB was no better. The main
 * thread's is set as Node starts, out of our reach.
 */
const WORKER_YOUNG_GENERATION_MB = 16;

/** Sets a render worker's old generation limit in MB (WORKER_OLD_GENERATION_MB): README, Render workers. */
export const WORKER_HEAP_VARIABLE = 'MESHFLEET_WORKER_HEAP_MB';

/** Slots of the shared control array: then one per worker (THREAD + its slot) with its state. */
const NEXT = 0;
const STOP = 1;
const SIGNAL = 2;
const THREAD = 3;
/** A worker's state: claims no more clusters (every one it took is reported), or stopped (its thread is gone). */
const FINISHED = 1;
const GONE = 2;
/** NEXT once the main thread stops handing out clusters: every later claim is past the end. */
const CLOSED = 0x3fffffff;

/** How many worker threads render a fleet of this size: the variable's count, else one per spare core from the threshold on. */
export function workerCount(clusters: number, variable: string | undefined = process.env[WORKERS_VARIABLE]): number {
  if (variable !== undefined && variable.trim() !== '') {
    if (!/^\d+$/.test(variable.trim())) throw new Error(`${WORKERS_VARIABLE} is "${variable}", not a count of worker threads: set it to 0 (render on the main thread) or a whole number, or unset it`);
    return Math.min(Number(variable.trim()), Math.max(clusters - 1, 0));
  }
  return clusters >= WORKER_THRESHOLD ? Math.max(availableParallelism() - 1, 1) : 0;
}

/**
 * A staged output folder the threads write into: a cluster's folder is recorded with its files'
 * sizes and times once its thread has checked them (checkWritten), other files with their sizes.
 */
export interface StagedTarget {
  readonly folder: string;
  /** Writes a file of the output (the staged tree's write): index.json goes as bytes in pieces (render.ts). */
  write?(path: string, content: FileContent): void;
  record(path: string, size: number): void;
  /** The files of a folder (or one file, as its own unit), checked by the thread that wrote them: commit() counts them instead of walking them. */
  checked(folder: string, files: Iterable<readonly [path: string, size: number, mtimeMs: number]>): void;
}

/** What the fleet-wide steps keep of a cluster, in fleet order. */
export interface ClusterOutcome {
  readonly rendered: RenderedCluster;
  readonly paths: readonly string[];
  /** The files' text, when nothing took them as they were made (no sink). */
  readonly files?: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
  readonly secrets: readonly Diagnostic[];
  readonly lock: ClusterRender['lock'];
  readonly lockedMajor?: number;
  /** Its entry in index.json (ClusterRender.indexEntry). */
  readonly indexEntry: ClusterEntry;
  /** Its part of the GitOps files, made and checked with it (checkedDeliveryPart), its files handed to the sink when there is one. */
  readonly delivery?: ClusterDeliveryPart;
  /** The cluster as the incremental cache holds it, and its part of the GitOps files, encoded by the thread that rendered it (ThreadExtras.encode). */
  readonly cached?: Encoded;
  /** What the rollout model reads of it and its part of the GitOps files, hashed by the thread that made both (ThreadExtras.rolloutDigest). */
  readonly rolloutDigest?: string;
  /** Its keys, as the thread that rendered it made them for its verdicts: the incremental cache records it under them. */
  readonly keys?: MadeKeys;
}

/** What a worker sends back per cluster: no file text when it wrote the files itself. */
export interface WorkerCluster {
  readonly index: number;
  /**
   * Whole objects (keep 'objects'), each object's rollout view packed (keep 'rollout'), or IN_RECORD:
   * its views are in `cached`, which the worker encoded anyway (its upstream charts' values too).
   */
  readonly objects: { readonly objectFiles: readonly ObjectFile[]; readonly routeFiles: readonly ObjectFile[] } | { readonly objectViews: readonly PackedFile[]; readonly routeViews: readonly PackedFile[] } | typeof IN_RECORD;
  /** Left out with IN_RECORD. */
  readonly upstreamValues?: RenderedCluster['upstreamValues'];
  /** Path in the cluster's folder → byte size (written into the staged folder) or text (no staged folder). */
  readonly files: readonly (readonly [string, number | string])[];
  /** Written into the staged folder: each file's modification time, as the worker checked it (checkWritten). */
  readonly mtimes?: readonly number[];
  readonly diagnostics: readonly Diagnostic[];
  readonly secrets: readonly Diagnostic[];
  readonly lock: ClusterRender['lock'];
  readonly lockedMajor?: number;
  /** Its entry in index.json; left out with IN_RECORD (the record holds it). */
  readonly indexEntry?: ClusterEntry;
  /** Its part of the GitOps files: upstream charts' values left out (they are upstreamValues'), each file's size when written into the staged folder, else its text. */
  readonly delivery?: ClusterDeliveryPart;
  /** Its part's files written into the staged folder: each one's modification time, as the worker checked it (checkWritten). */
  readonly deliveryMtimes?: readonly number[];
  /** The cluster as the incremental cache holds it, and its part of the GitOps files, encoded by the thread that rendered it (ThreadExtras.encode). */
  readonly cached?: Encoded;
  /** What the rollout model reads of it and its part of the GitOps files, hashed by the thread that made both (ThreadExtras.rolloutDigest). */
  readonly rolloutDigest?: string;
  /** Files whose objects its checks found valid that the file of those did not hold (valid-before.ts takeFound), for the main thread to keep. */
  readonly validFound?: Uint8Array;
  /** The keys the worker made for its verdicts (ClusterOutcome's). */
  readonly keys?: MadeKeys;
}

/**
 * A worker's cluster whose views and values the main thread reads from its record (WorkerCluster's
 * `objects`): at 1000 clusters the structured clone of the worker's views and values was ~7 MB,
 * ~50 ms to serialize on the worker and more to deserialize on the main thread, which decodes a
 * cluster's record only where it reads it (recordRendered), as it does for a cluster reused from the cache.
 */
export const IN_RECORD = 'in the record';

/** A rendered cluster, or an exception (index -1: the worker could not load its modules). */
export type WorkerMessage = { readonly cluster: WorkerCluster } | { readonly index: number; readonly error: { readonly name: string; readonly message: string } };

/** What a worker starts with: the shared counter and its port; the job follows on the port. */
export interface WorkerData {
  readonly control: Int32Array;
  readonly port: MessagePort;
  /** Which of the pool's workers it is (its state's slot). */
  readonly slot: number;
  /** Held, never used: the watchdog sees it close when the thread is gone. */
  readonly lifeline: MessagePort;
  /** V8's flags as the pool started (lib/compiler-tuning.ts): the code caches the worker makes are made and named with them. */
  readonly compilerFlags: CompilerFlagState;
}

/** What a worker renders, sent once the fleet is planned (the worker loads its modules meanwhile). */
export interface WorkerJob {
  readonly fleet: ResolvedFleet;
  /** What to send back of each object (renderClusters' `keep`). */
  readonly keep: KeepObjects;
  readonly charts: Readonly<Record<string, LockEntry>>;
  /** The fleet indices of the clusters to render, in the order they are claimed. */
  readonly order: readonly number[];
  readonly apps?: readonly (ClusterApps | undefined)[];
  readonly folder?: string;
  /** What it does with each cluster beside rendering it. */
  readonly extras: ThreadExtras;
  /** The file of objects found valid before (lib/validate/valid-before.ts), which this synth's threads share. */
  readonly validBefore: string;
  /** The main thread's codeStamp(), which the worker's input keys hash. */
  readonly codeStamp: string;
}

/**
 * What the thread that renders a cluster also does with it (keep 'rollout' only), so that the main
 * thread has less to do once every cluster is in while the other cores idle.
 */
export interface ThreadExtras {
  /** Make and check its part of the GitOps files (checkedDeliveryPart) and hand its files to the sink. */
  readonly deliveryParts?: boolean;
  /** Encode it (and its part) as the incremental cache holds it. */
  readonly encode?: boolean;
  /** Hash what the rollout model reads of it and its part (clusterRolloutDigest, with deliveryParts). */
  readonly rolloutDigest?: boolean;
}

/** A cluster and its part of the GitOps files as the incremental cache holds them (encodeCachedCluster, encodeDeliveryPart). */
export interface Encoded {
  readonly cluster: Uint8Array;
  readonly delivery?: Uint8Array;
}

const NO_EXTRAS: ThreadExtras = {};

/** What a thread does beside rendering: only with keep 'rollout' (what the extras make is read of rollout views). */
function extrasFor(keep: KeepObjects, extras: ThreadExtras | undefined): ThreadExtras {
  return keep === 'rollout' ? (extras ?? NO_EXTRAS) : NO_EXTRAS;
}

/**
 * What the thread that rendered a cluster encodes of it for the incremental cache (ThreadExtras.encode)
 * and hashes for the rollout key (ThreadExtras.rolloutDigest): its views and part are encoded once for both.
 */
export function threadEncoded(rendered: RenderedCluster, paths: readonly string[], done: Parameters<typeof encodeCachedCluster>[2], part: ClusterDeliveryPart | undefined, extras: ThreadExtras): { cached?: Encoded; rolloutDigest?: string } {
  const digest = part !== undefined && extras.rolloutDigest === true;
  const cluster = extras.encode ? encodeCachedCluster(rendered, paths, done) : undefined;
  const views = cluster ? recordViews(cluster) : digest ? encodeViews(rendered) : undefined;
  const partBytes = part && (extras.encode || digest) ? encodeDeliveryPart(part) : undefined;
  return {
    ...(cluster ? { cached: { cluster, ...(partBytes ? { delivery: partBytes } : {}) } } : {}),
    ...(digest ? { rolloutDigest: clusterRolloutDigest(rendered, part, { views, part: partBytes }) } : {}),
  };
}

/** An object's rollout view as it crosses from a worker: apiVersion, kind, name, namespace, spec (what rolloutView keeps). */
type PackedView = readonly [string, string, string, string | undefined, unknown];
/** A file of rollout views: its name and its objects. */
export type PackedFile = readonly [string, readonly PackedView[]];

/** Rollout views (rolloutView's shape) as compact lists: a fraction of the objects' structured-clone cost on both sides. */
export function packViews(files: readonly ObjectFile[]): PackedFile[] {
  return files.map((f) => [f.name, f.objects.map((o): PackedView => [o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace, (o as { spec?: unknown }).spec])]);
}

function unpackViews(files: readonly PackedFile[]): ObjectFile[] {
  return files.map(([name, objects]) => ({
    name,
    objects: objects.map(([apiVersion, kind, name, namespace, spec]) => ({ apiVersion, kind, metadata: namespace === undefined ? { name } : { name, namespace }, ...(spec === undefined ? {} : { spec }) }) as KubeObject),
  }));
}

export function signal(control: Int32Array): void {
  Atomics.add(control, SIGNAL, 1);
  Atomics.notify(control, SIGNAL);
}

/** The next cluster this thread renders, or undefined when none is left or a thread failed. */
export function claim(control: Int32Array, clusters: number): number | undefined {
  if (Atomics.load(control, STOP)) return undefined;
  const index = Atomics.add(control, NEXT, 1);
  return index < clusters ? index : undefined;
}

export function stop(control: Int32Array): void {
  Atomics.store(control, STOP, 1);
}

/** The worker in `slot` claims no more clusters: every one it claimed is reported. */
export function finished(control: Int32Array, slot: number): void {
  Atomics.compareExchange(control, THREAD + slot, 0, FINISHED);
  signal(control);
}

/**
 * Whether every worker has finished or is gone, and one is gone: then a cluster claimed but not
 * reported was claimed by a worker that stopped while rendering it. Read before the ports are: a
 * worker posts its last message before it finishes, and a message posted is on the port.
 */
function stoppedMidway(control: Int32Array, workers: number): boolean {
  let gone = false;
  for (let slot = 0; slot < workers; slot++) {
    const state = Atomics.load(control, THREAD + slot);
    if (state === 0) return false;
    gone ||= state === GONE;
  }
  return gone;
}

/** Clusters rendered again on this thread after the worker rendering them stopped, in this process (tests read it). */
let lostToWorkers = 0;
export function clustersLostToWorkers(): number {
  return lostToWorkers;
}

/**
 * What a rendered cluster keeps of its objects once its files are made: all of them (the library's
 * callers read them), or only their rollout view (the CLI: what the GitOps files, the rollout model
 * and index.json read), which is most of a large fleet's memory and of what crosses from a worker.
 */
export type KeepObjects = 'objects' | 'rollout';

/** A rendered cluster as `keep` says: whole, or with each object's rollout view (lib/rollout/object-waits.ts). */
export function keptCluster(rendered: RenderedCluster, keep: KeepObjects): RenderedCluster {
  if (keep === 'objects') return rendered;
  const views = (files: readonly ObjectFile[]) => files.map((f) => ({ ...f, objects: f.objects.map(rolloutView) }));
  const objectFiles = views(rendered.objectFiles);
  return { ...rendered, objectFiles, objects: objectFiles.flatMap((f) => f.objects), routeFiles: views(rendered.routeFiles) };
}

export interface RenderClustersOptions {
  /** What rendered clusters keep of their objects. @default 'objects' */
  readonly keep?: KeepObjects;
  /** Clusters not rendered but returned as given, by fleet index (an incremental synth's unchanged ones). */
  readonly reused?: ReadonlyMap<number, ClusterOutcome>;
  /** What the thread that renders a cluster also does with it (keep 'rollout' only). */
  readonly extras?: ThreadExtras;
  /**
   * Takes each cluster's outcome as soon as it is in, in no particular order (the incremental
   * cache writes it then); its `cached` bytes are not kept after.
   */
  readonly record?: (index: number, outcome: ClusterOutcome) => void;
  /** Wraps the code the workers start with (tests: a worker that stops midway); the prestarted ones are not used then. */
  readonly workerCode?: (code: string) => string;
  /** Clusters rendered already, their files not yet written (renderWhileWaiting with the same keep and extras), by fleet index: written here, in their turn. */
  readonly early?: ReadonlyMap<number, EarlyCluster>;
}

/** A cluster rendered on this thread, its files held until renderClusters writes them. */
export interface EarlyCluster {
  readonly cluster: ResolvedCluster;
  readonly done: ClusterRender;
  readonly rendered: RenderedCluster;
  readonly paths: readonly string[];
  readonly part?: ClusterDeliveryPart;
  readonly cached?: Encoded;
  readonly rolloutDigest?: string;
  readonly made?: MadeKeys;
}

/** The file of verdicts (lib/validate/valid-before.ts) of this code: every thread of a synth checks against it. */
export function validBeforeFile(): string {
  return cacheFile(validBeforeFileName(codeStamp()));
}

/**
 * A cluster rendered on this thread as renderClusters renders it there, but for its files, which
 * are held (renderClusters writes them). Every thread that renders checks objects against what earlier
 * synths of this code found valid (validBeforeFileName).
 */
function clusterRenderer(
  context: FleetContext,
  charts: Readonly<Record<string, LockEntry>>,
  apps: ((cluster: string) => ClusterApps) | undefined,
  keep: KeepObjects,
  extras: ThreadExtras,
  validBefore = validBeforeFile(),
): (index: number) => EarlyCluster {
  useValidBefore(validBefore);
  const keysOf = clusterKeyMaker(context);
  return (index) => {
    const cluster = context.fleet.clusters[index]!;
    const clusterApps = apps?.(cluster.name);
    const keys = keysOf(cluster, clusterApps);
    // Its part of index.json's view only for the incremental cache, which the run records (ThreadExtras.encode).
    const done = renderCluster(context, cluster, charts, clusterApps, keys, extras.encode === true);
    const rendered = keptCluster(done.rendered, keep);
    const paths = [...done.files.keys()];
    const part = extras.deliveryParts ? checkedDeliveryPart(context.fleet, rendered, keys) : undefined;
    const { cached, rolloutDigest } = threadEncoded(rendered, paths, done, part, extras);
    const made = keys.made();
    return { cluster, done, rendered, paths, ...(part ? { part } : {}), ...(cached ? { cached } : {}), ...(rolloutDigest ? { rolloutDigest } : {}), ...(made ? { made } : {}) };
  };
}

/** At most this many clusters are rendered ahead (their files held, ~1 MB each): a survey thread stuck until its timeout must not have every changed cluster held. */
export const EARLY_CLUSTERS = WORKER_THRESHOLD;

/**
 * The clusters of `indices` (fleet indices) rendered on this thread, in that order, their files held,
 * for as long as `waiting()` says and at most `limit` of them: what an incremental synth does while
 * its folder's survey, which must answer before anything is written, is still out (renderFleet).
 * renderClusters, given them as `early` with the same `keep` and `extras`, writes them in their turn.
 * A cluster whose rendering throws ends it: renderClusters renders that one again and meets the
 * error in fleet order.
 */
export function renderWhileWaiting(
  context: FleetContext,
  charts: Readonly<Record<string, LockEntry>>,
  apps: ((cluster: string) => ClusterApps) | undefined,
  indices: readonly number[],
  waiting: () => boolean,
  { keep = 'objects', extras, limit = EARLY_CLUSTERS }: Pick<RenderClustersOptions, 'keep' | 'extras'> & { readonly limit?: number } = {},
): Map<number, EarlyCluster> {
  const early = new Map<number, EarlyCluster>();
  if (indices.length === 0 || !waiting()) return early;
  const render = clusterRenderer(context, charts, apps, keep, extrasFor(keep, extras));
  for (const index of indices.slice(0, limit)) {
    try {
      early.set(index, render(index));
    } catch {
      break;
    }
    if (!waiting()) break;
  }
  return early;
}

/**
 * Every cluster rendered, in fleet order. `sink` takes the files of clusters rendered on this thread;
 * workers write theirs into `staged` (when given) or send their text back.
 */
export function renderClusters(
  context: FleetContext,
  charts: Readonly<Record<string, LockEntry>>,
  apps: ((cluster: string) => ClusterApps) | undefined,
  sink: ((path: string, content: string) => void) | undefined,
  staged: StagedTarget | undefined,
  options: RenderClustersOptions = {},
): ClusterOutcome[] {
  const { keep = 'objects', reused = new Map<number, ClusterOutcome>(), record, early = new Map<number, EarlyCluster>() } = options;
  const extras = extrasFor(keep, options.extras);
  const recorded = (index: number, outcome: ClusterOutcome): ClusterOutcome => {
    if (!record) return outcome;
    record(index, outcome);
    const { cached: _recorded, ...rest } = outcome;
    return rest;
  };
  const { clusters } = context.fleet;
  // The workers check against the same file (WorkerJob.validBefore).
  const validBefore = validBeforeFile();
  const render = clusterRenderer(context, charts, apps, keep, extras, validBefore);
  const order = clusters.flatMap((_, index) => (reused.has(index) || early.has(index) ? [] : [index]));
  const renderAll = () => clusters.map((_, index) => recorded(index, reused.get(index) ?? renderHere(index)));
  const renderHere = (index: number): ClusterOutcome => written(early.get(index) ?? render(index));
  // The cluster's files written (sink, checked in the staged folder), and its outcome as the fleet-wide steps read it.
  const written = ({ cluster, done, rendered, paths, part, cached, rolloutDigest, made }: EarlyCluster): ClusterOutcome => {
    if (sink) for (const [path, text] of done.files) sink(path, text);
    if (sink && staged) {
      // Checked here, on the thread that wrote it, so that commit() counts the folder instead of walking it.
      const files = [...done.files].map(([path, text]) => {
        if (!path.startsWith(`${done.rendered.folder}/`)) throw new Error(`${path} is outside the cluster's folder ${done.rendered.folder}`);
        return [path, Buffer.byteLength(text)] as const;
      });
      const mtimes = checkWritten(staged.folder, files);
      staged.checked(done.rendered.folder, files.map(([path, size], i) => [path, size, mtimes[i]!] as const));
    }
    const delivery = part && sink ? { ...part, files: part.files.map(([path, text]) => (sink(path, text as string), [path, Buffer.byteLength(text as string)] as const)) } : part;
    if (delivery && sink && staged) checkedPart(context.fleet, cluster, staged, delivery.files as PartSizes, checkWritten(staged.folder, delivery.files as PartSizes));
    // Held for the fleet-wide steps as its record holds it, decoded where read, as a worker's cluster
    // is: the main thread then keeps bytes, not every cluster's views as objects (at 1000 clusters its
    // heap ends 15 MB smaller, its scavenges 256 → 221 ms).
    const record = cached && decodeCachedCluster(cached.cluster);
    const held = record ? recordRendered(cluster, record) : rendered;
    // Its entry in index.json too, as bytes of the record, which the staged index.json is written from
    // without a copy of each (~9 MB at 1000 clusters); the text only if asked for.
    return { ...done, ...(record ? { indexEntry: record.indexEntry } : {}), rendered: held, paths, files: sink ? undefined : done.files, ...(delivery ? { delivery } : {}), ...(cached ? { cached } : {}), ...(rolloutDigest ? { rolloutDigest } : {}), ...(made ? { keys: made } : {}) };
  };
  const pool = workerPool(workerCount(order.length), options.workerCode);
  if (!pool) return renderAll();
  const { control, workers } = pool;
  try {
    // Application objects are taken here, once per cluster, as the single-threaded loop does.
    const job: WorkerJob = { fleet: context.fleet, keep, charts, order, apps: apps && clusters.map((c) => apps(c.name)), folder: staged?.folder, extras, validBefore, codeStamp: codeStamp() };
    for (const { port } of workers) port.postMessage(job);
  } catch (e) {
    stopPool(pool);
    // Objects structured clone cannot copy (an application object holding a function): render here.
    if ((e as Error).name === 'DataCloneError') return renderAll();
    throw e;
  }

  const outcomes: (ClusterOutcome | undefined)[] = new Array(clusters.length);
  for (const [index, outcome] of reused) outcomes[index] = recorded(index, outcome);
  const failed = new Map<number, { error?: unknown; worker?: { name: string; message: string } }>();
  for (const index of early.keys()) {
    try {
      outcomes[index] = recorded(index, renderHere(index));
    } catch (error) {
      failed.set(index, { error });
      stop(control);
    }
  }
  const receive = () => {
    for (const { port } of workers) {
      for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
        const m = message.message as WorkerMessage;
        if ('error' in m) failed.set(m.index, { worker: m.error });
        else {
          if (m.cluster.validFound) addFound(m.cluster.validFound);
          // The sink may fail on a worker's file (a caller's sink without a staged folder) as on this thread's.
          try {
            outcomes[m.cluster.index] = recorded(m.cluster.index, fromWorker(m.cluster, context, staged, sink));
          } catch (error) {
            failed.set(m.cluster.index, { error });
            stop(control);
          }
        }
      }
    }
  };
  for (let at = claim(control, order.length); at !== undefined; at = claim(control, order.length)) {
    const index = order[at];
    try {
      outcomes[index] = recorded(index, renderHere(index));
    } catch (error) {
      failed.set(index, { error });
      stop(control);
    }
    receive();
  }
  // No cluster is claimed from here on; the claimed ones are waited for, so nothing writes into the
  // staged folder after this returns (an error removes it). A worker still loading is not waited for.
  const claimed = Math.min(Atomics.exchange(control, NEXT, CLOSED), order.length);
  const pending = (index: number) => outcomes[index] === undefined && !failed.has(index);
  for (let next = 0; ; ) {
    const seen = Atomics.load(control, SIGNAL);
    const lost = stoppedMidway(control, workers.length);
    receive();
    while (next < claimed && !pending(order[next])) next++;
    if (next === claimed) break;
    if (lost) {
      // A worker stopped while rendering these (its heap limit, above all): rendered here, as the
      // single-threaded loop does, which throws its error if the cluster has one.
      for (let at = next; at < claimed; at++) {
        const index = order[at];
        if (!pending(index)) continue;
        lostToWorkers++;
        try {
          outcomes[index] = recorded(index, renderHere(index));
        } catch (error) {
          failed.set(index, { error });
        }
      }
      continue;
    }
    pool.watch.wait(seen);
  }
  stopPool(pool);

  if (failed.size) {
    // The first failure in fleet order, as the single-threaded loop meets it: a worker's is
    // rendered again here, which throws the same error with its own class (FileAccessError, …).
    const first = Math.min(...failed.keys());
    const { error, worker } = failed.get(first)!;
    if (!worker) throw error;
    if (first < 0) throw new Error(`a render worker failed to start (${worker.name}: ${worker.message}); set ${WORKERS_VARIABLE}=0 to render on the main thread, and please report it`);
    renderHere(first);
    throw Object.assign(new Error(worker.message), { name: worker.name });
  }
  return outcomes as ClusterOutcome[];
}

/** Render workers and the counter they share, for one renderClusters call. */
interface WorkerPool {
  readonly control: Int32Array;
  readonly workers: readonly { readonly port: MessagePort; readonly worker: Worker }[];
  /** Waits for the workers; a worker whose thread is gone is marked GONE (lib/thread-watchdog.ts). */
  readonly watch: LifelineWatch;
}

/** Workers started ahead of rendering (prestartRenderWorkers), for the next renderClusters. */
let prestarted: WorkerPool | undefined;

/**
 * Starts the render workers a fleet of this many clusters will use, so that they load their modules
 * (about 0.3 s of a core each) while the main thread reads and plans the fleet; the next
 * renderClusters gives them their job. Without it renderClusters starts them itself.
 */
export function prestartRenderWorkers(clusters: number): void {
  let count: number;
  try {
    count = workerCount(clusters);
    workerHeapMb();
  } catch {
    return; // a wrong MESHFLEET_WORKERS (or heap size) is reported where the clusters are rendered, after the fleet's own errors
  }
  // Workers started on a guess (prestartForFleetFile) stay when the count is right.
  if (prestarted?.workers.length === count) return;
  if (prestarted) stopPool(prestarted);
  prestarted = undefined;
  if (count === 0) return releaseCoresToCompiler();
  const pool = startPool(count);
  prestarted = pool;
  // Planning and rendering run without yielding: still unused once the event loop turns, the
  // workers belonged to a synth that ended early (its fleet had errors).
  setImmediate(() => {
    if (prestarted !== pool) return;
    prestarted = undefined;
    stopPool(pool);
    releaseCoresToCompiler();
  }).unref();
}

/** Bytes a cluster takes at least in a fleet file (its name, environment, network and CIDRs). */
const FLEET_FILE_BYTES_PER_CLUSTER = 256;

/** A fleet file this large may hold the threshold's clusters (bin/spare-thread.js starts its thread from this size on). */
export const LARGE_FLEET_FILE_BYTES = WORKER_THRESHOLD * FLEET_FILE_BYTES_PER_CLUSTER;

/**
 * Before a YAML or JSON fleet file is parsed (the CLI): starts the render workers when its size
 * says the fleet has enough clusters for them, so they load while the file is parsed and planned
 * (a second or more for a large fleet); prestartRenderWorkers keeps or replaces them once the
 * clusters are counted. A TypeScript fleet runs the user's code first, which may yield. Returns
 * how many workers are started.
 */
export function prestartForFleetFile(file: string): number {
  if (!/\.(ya?ml|json)$/i.test(file)) return 0;
  const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  if (size >= LARGE_FLEET_FILE_BYTES) prestartRenderWorkers(Math.floor(size / FLEET_FILE_BYTES_PER_CLUSTER));
  return prestarted?.workers.length ?? 0;
}

/** The prestarted workers when there are as many as wanted (and their code is not wrapped), else new ones; none for 0. */
function workerPool(count: number, wrap?: (code: string) => string): WorkerPool | undefined {
  const ready = prestarted;
  prestarted = undefined;
  if (ready && ready.workers.length === count && !wrap) return ready;
  if (ready) stopPool(ready);
  if (count > 0) return startPool(count, wrap);
  // Workers started on a fleet file's size, for a synth that renders too few clusters (an incremental one).
  releaseCoresToCompiler();
  return undefined;
}

function startPool(count: number, wrap: (code: string) => string = (code) => code): WorkerPool {
  // The workers and the main thread render on every core: V8's compiler may take less of them (lib/compiler-tuning.ts).
  shareCoresWithCompiler(count + 1);
  const compilerFlags = compilerFlagState();
  const entry = wrap(workerEntry());
  const resourceLimits = workerResourceLimits();
  const control = new Int32Array(new SharedArrayBuffer((THREAD + count) * Int32Array.BYTES_PER_ELEMENT));
  const workers: { port: MessagePort; worker: Worker }[] = [];
  const lifelines: MessagePort[] = [];
  for (let slot = 0; slot < count; slot++) {
    const { port1, port2 } = new MessageChannel();
    const line = newLifeline();
    lifelines.push(line.watched);
    const workerData: WorkerData = { control, port: port2, slot, lifeline: line.held, compilerFlags };
    const worker = startWorkerThread(entry, { workerData, transferList: [port2, line.held], resourceLimits });
    // The process never waits for a worker: renderClusters terminates them once their clusters are in.
    worker.unref();
    // A worker that stops (its heap limit) has its cluster rendered again by renderClusters; its error
    // event comes after, and must not end the process.
    worker.on('error', ignoreStoppedWorker);
    workers.push({ port: port1, worker });
  }
  return { control, workers, watch: watchLifelines({ control, signal: SIGNAL, gone: GONE, lines: lifelines.map((port, slot) => ({ port, state: THREAD + slot })) }) };
}

function ignoreStoppedWorker(): void {}

/** A render worker's heap limits: its young generation's, and its old generation's (workerHeapMb). */
export function workerResourceLimits(variable?: string): { readonly maxOldGenerationSizeMb: number; readonly maxYoungGenerationSizeMb: number } {
  return { maxOldGenerationSizeMb: workerHeapMb(variable), maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
}

/** A render worker's old generation limit in MB: MESHFLEET_WORKER_HEAP_MB's, else WORKER_OLD_GENERATION_MB. */
export function workerHeapMb(variable: string | undefined = process.env[WORKER_HEAP_VARIABLE]): number {
  if (variable === undefined || variable.trim() === '') return WORKER_OLD_GENERATION_MB;
  if (!/^\d+$/.test(variable.trim()) || Number(variable.trim()) < 1) throw new Error(`${WORKER_HEAP_VARIABLE} is "${variable}", not a heap size in MB: set it to a whole number of MB, or unset it (${WORKER_OLD_GENERATION_MB})`);
  return Number(variable.trim());
}

function stopPool(pool: WorkerPool): void {
  for (const { port, worker } of pool.workers) {
    port.close();
    void worker.terminate();
  }
  pool.watch.end();
}

/** The render worker's bundle (scripts/build.mjs), beside dist/lib/synth/ where this module's compiled code is (or in it: the CLI bundle's folder). */
const BUNDLE = '../cli/render-worker.bundle.cjs';
/** The build's stamp (dist/.build-stamp) and bin's reader of the bundle, from either of those folders. */
const BUILD_STAMP = '../../.build-stamp';
const BUNDLE_READER = '../../../bin/read-bundle.js';

/**
 * The code a worker thread starts with: it loads render-worker.ts and runs renderInWorker. From its
 * bundle when the build made one (render-worker.bundle.cjs: what rendering needs, without the command
 * line): one file, compiled from V8's code cache of an earlier worker (bin/meshfleet.js does the same
 * for the main thread with the CLI bundle), starts in a fraction of the time the ~300 modules of
 * dist/ take one by one; else from dist/ or the TypeScript sources (moduleWorkerCode).
 * A worker that cannot load still reports, as render-worker.ts does: the main thread waits for it.
 */
function workerEntry(): string {
  const failed = `(e) => { const { workerData: w } = require('node:worker_threads'); w.port.postMessage({ index: -1, error: { name: String(e && e.name), message: String(e && e.message) } }); Atomics.add(w.control, ${SIGNAL}, 1); Atomics.notify(w.control, ${SIGNAL}); }`;
  const run = `(m) => m.renderInWorker(require('node:worker_threads').workerData)`;
  const bundle = fileURLToPath(new URL(BUNDLE, import.meta.url));
  if (import.meta.url.endsWith('.ts') || !existsSync(bundle)) return moduleWorkerCode(siblingModule('render-worker', import.meta.url), run, failed);
  return bundleLoader(bundle, cacheDir(), failed);
}

/**
 * Loads the render worker's bundle in a worker and runs its renderInWorker. The wrapper and
 * arguments are bin/meshfleet.js's for the CLI bundle, so the bundle's code runs as it does there.
 * V8's code cache of the worker's own run, named by the bundle (bin/read-bundle.js), the V8 version
 * and the state of V8's flags (WorkerData.compilerFlags: the pool set them before the worker
 * starts), is saved after the worker's first cluster when there was none (or V8 refused it): then it
 * holds the render code the worker compiled. A cache that cannot be read or written only costs the
 * compile.
 */
function bundleLoader(bundle: string, cacheFolder: string, failed: string): string {
  const reader = fileURLToPath(new URL(BUNDLE_READER, import.meta.url));
  const stamp = fileURLToPath(new URL(BUILD_STAMP, import.meta.url));
  return `const fail = ${failed};
try {
  const { workerData, threadId } = require('node:worker_threads');
  const fs = require('node:fs');
  const file = ${JSON.stringify(bundle)};
  const folder = ${JSON.stringify(cacheFolder)};
  // Read and named as bin/meshfleet.js does: by the build's stamp, not a hash of the bundle's bytes (~8 ms of the thread's start).
  const { readBundle, bundleSource } = require(${JSON.stringify(reader)});
  const read = readBundle(file, ${JSON.stringify(stamp)});
  const hash = require('node:crypto').createHash('sha256').update(process.versions.v8 + ' ' + process.arch + ' ' + workerData.compilerFlags + '\\n').update(read.identity).digest('hex').slice(0, 32);
  const dataFile = require('node:path').join(folder, 'render-worker-' + hash + '.v8-cache');
  let cachedData;
  try { cachedData = fs.readFileSync(dataFile); } catch {}
  // A function expression as the build writes it (bin/meshfleet.js compiles it the same way).
  const script = new (require('node:vm').Script)(bundleSource(read), { filename: file, cachedData });
  const save = cachedData === undefined || script.cachedDataRejected ? () => {
    const temporary = dataFile + '.' + process.pid + '-' + threadId + '.tmp';
    try {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(temporary, script.createCachedData());
      fs.renameSync(temporary, dataFile);
      return dataFile;
    } catch {
      try { fs.rmSync(temporary, { force: true }); } catch {}
    }
  } : undefined;
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require('node:module').createRequire(file), module, file, require('node:path').dirname(file), (specifier) => import(specifier));
  Promise.resolve().then(() => module.exports.renderInWorker(workerData, save)).catch(fail);
} catch (e) {
  fail(e);
}`;
}

/** A worker's cluster from the objects or views it sent. */
function sentRendered(cluster: ResolvedCluster, folder: string, done: WorkerCluster, sent: Exclude<WorkerCluster['objects'], typeof IN_RECORD>): RenderedCluster {
  const { objectFiles, routeFiles } = 'objectViews' in sent ? { objectFiles: unpackViews(sent.objectViews), routeFiles: unpackViews(sent.routeViews) } : sent;
  const objects = objectFiles.flatMap((f) => f.objects);
  return {
    cluster,
    folder,
    objects,
    objectFiles,
    upstreamValues: done.upstreamValues!,
    chartVersion: done.lock.entry.version,
    gatewayApiFiles: gatewayApiFolderFiles(cluster.gatewayAPI),
    routeFiles,
    counts: countsOf(objects, routeFiles),
  };
}

/** A part's files as written into the staged folder: each one's path and size. */
type PartSizes = readonly (readonly [path: string, size: number])[];

/**
 * A cluster's part of the GitOps files, written into the staged folder and checked there by the
 * thread that wrote it (`mtimes`, checkWritten), as its own folder is: commit() counts them instead
 * of walking them (at 1000 clusters its walk of the GitOps folders took ~65 ms of the main thread's
 * tail). The folder only the part writes in (clusterPartFolder: Flux's steps/<cluster>/) is one unit,
 * each of its other files (among other clusters' in the environment's folders) one of its own.
 */
function checkedPart(fleet: ResolvedFleet, cluster: ResolvedCluster, staged: StagedTarget, files: PartSizes, mtimes: readonly number[]): void {
  const own = clusterPartFolder(environmentDelivery(fleet.delivery, cluster.environment), cluster.name);
  for (const [unit, indices] of groupBy(files.keys(), (i) => partUnitOf(files[i]![0], own))) staged.checked(unit, indices.map((i) => [files[i]![0], files[i]![1], mtimes[i]!] as const));
}

/** A worker's cluster as the fleet-wide steps read it; its files are in the staged folder or here. */
function fromWorker(done: WorkerCluster, context: FleetContext, staged: StagedTarget | undefined, sink: ((path: string, content: string) => void) | undefined): ClusterOutcome {
  const cluster = context.fleet.clusters[done.index];
  const folder = clusterFolder(cluster.environment, cluster.name);
  const record = done.objects === IN_RECORD ? decodeCachedCluster(done.cached!.cluster) : undefined;
  const rendered = record ? recordRendered(cluster, record) : sentRendered(cluster, folder, done, done.objects as Exclude<WorkerCluster['objects'], typeof IN_RECORD>);
  const texts = new Map<string, string>();
  const paths = done.files.map(([inFolder]) => `${folder}/${inFolder}`);
  const { mtimes } = done;
  if (mtimes) staged!.checked(folder, done.files.map(([, size], i) => [paths[i]!, size as number, mtimes[i]!] as const));
  else {
    for (let i = 0; i < paths.length; i++) {
      const file = done.files[i]![1];
      if (typeof file === 'number') staged!.record(paths[i]!, file);
      else if (sink) sink(paths[i]!, file);
      else texts.set(paths[i]!, file);
    }
  }
  const { diagnostics, secrets, lock, lockedMajor } = done;
  // With IN_RECORD, as the record holds it (the worker sent no text of it): see `written`.
  const indexEntry = record ? record.indexEntry : done.indexEntry!;
  let delivery: ClusterDeliveryPart | undefined;
  if (done.delivery) {
    const { deliveryMtimes } = done;
    if (deliveryMtimes) checkedPart(context.fleet, cluster, staged!, done.delivery.files as PartSizes, deliveryMtimes);
    const files = done.delivery.files.map(([path, file]) => {
      if (typeof file === 'number') {
        if (!deliveryMtimes) staged!.record(path, file);
      } else if (sink) sink(path, file);
      return [path, sink && typeof file === 'string' ? Buffer.byteLength(file) : file] as const;
    });
    delivery = { components: withValues(done.delivery.components, rendered.upstreamValues), files };
  }
  const { cached, rolloutDigest, keys } = done;
  return { rendered, paths, files: sink || staged ? undefined : texts, diagnostics, secrets, lock, ...(lockedMajor !== undefined ? { lockedMajor } : {}), indexEntry, ...(delivery ? { delivery } : {}), ...(cached ? { cached } : {}), ...(rolloutDigest ? { rolloutDigest } : {}), ...(keys ? { keys } : {}) };
}
