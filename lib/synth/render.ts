// The rendering half of synth: each cluster rendered (render-cluster.ts: one cdk8s App per cluster,
// so synth time stays linear in the number of clusters), on every core for a large fleet
// (render-workers.ts), its files handed to the sink as they are made; then the fleet-wide files.
import { renderDelivery, type ClusterDeliveryPart, type ClusterDeliveryParts, type DeliveryOptions, type DeliveryOutput } from '../rollout/gitops-files.ts';
import { environmentDelivery } from '../resolve/delivery.ts';
import { warning, type Diagnostic } from '../model/diagnostics.ts';
import { originOf } from '../model/merge.ts';
import { indexFile, type IndexEntry } from '../output/index-file.ts';
import { OUTPUT_MARKER, ownerMarker } from '../output/folder-ownership.ts';
import { INDEX_FILE, type RenderedCluster } from '../output/rendered-cluster.ts';
import { LOCK_FILE, lockFile, type LockEntry, type VersionLock } from '../output/versioning.ts';
import type { ResolvedFleet } from '../resolve/resolve.ts';
import { piecesClean } from '../validate/index.ts';
import { foundValid, validBefore } from '../validate/valid-before.ts';
import { rolloutDiagnostics } from '../rollout/check.ts';
import { rolloutModel, type RolloutModel } from '../rollout/steps.ts';
import type { Incremental } from './incremental.ts';
import { clusterRolloutDigest, rolloutKey } from './rollout-key.ts';
import { fleetContext, objectDiagnostics, secretDiagnostics, type ClusterApps } from './render-cluster.ts';
import { renderClusters, renderWhileWaiting, type ClusterOutcome, type EarlyCluster, type KeepObjects, type StagedTarget } from './render-workers.ts';
import { filesCheckedBefore } from './validated-files.ts';

// What was rendered and where it goes are described by the output layer.
export { INDEX_FILE, ROUTES_FOLDER, type RenderedCluster } from '../output/rendered-cluster.ts';

export interface Rendered {
  /**
   * Relative path → content, for the whole output folder; without a sink, for the whole output
   * folder, with one, only the files not handed to it (the fleet-wide ones, written last; not
   * index.json when the sink has a staged folder, which takes it as bytes).
   */
  readonly files: Map<string, string>;
  /** Every file of the output, in the order made (the sink's and the ones in files). */
  readonly paths: readonly string[];
  readonly clusters: readonly RenderedCluster[];
  /** The GitOps files and the objects in them. */
  readonly delivery: DeliveryOutput;
  readonly diagnostics: readonly Diagnostic[];
  /** What each delivered object waits on and how the engines gate it (lib/rollout): made when first read. */
  readonly rollout: RolloutModel;
  /** What the next run reads of index.json (IndexText.view), made when called. */
  indexView(): Uint8Array[] | undefined;
}

/** The rollout check's name in the valid-before file, whose texts are rollout keys (rollout-key.ts). */
const ROLLOUT_CHECK = 'rollout check';

/** Application objects of a cluster (TypeScript fleets: fleet.addApp), by application name. */
export type AppSource = (cluster: string) => ClusterApps;

/**
 * Takes each cluster's files as soon as they are rendered and scanned (synth writes them into the
 * staged output folder), so their text is not held until the end. With `staged`, render workers
 * write their clusters' files into that folder themselves and record their sizes there.
 */
export type FileSink = ((path: string, content: string) => void) & { readonly staged?: StagedTarget };

/**
 * `keep`: what rendered clusters keep of their objects once written (render-workers.ts KeepObjects).
 * `incremental`: the clusters it finds unchanged are not rendered (incremental.ts).
 */
export function renderFleet(fleet: ResolvedFleet, previous: VersionLock, options: DeliveryOptions = {}, apps?: AppSource, sink?: FileSink, keep: KeepObjects = 'objects', incremental?: Incremental): Rendered {
  const files = new Map<string, string>();
  const paths: string[] = [];
  const diagnostics: Diagnostic[] = [];
  // Reported last, after every other check, as when the scan ran over the finished output.
  const secrets: Diagnostic[] = [];
  const owners = new Map<string, RenderedCluster>();
  const rendered: RenderedCluster[] = [];
  // Each cluster's entry in index.json, made with it (render-cluster.ts) or cached with it.
  const entries: IndexEntry[] = [];
  const lock: Record<string, LockEntry> = {};
  const majorWarned = new Set<string>();

  const context = fleetContext(fleet);
  // Each cluster's part of the GitOps files is made on the thread that renders it (only with
  // renderDelivery's default options, which the parts are made with).
  const defaults = !options.gatewayAPI && !options.phaseOf;
  const extras = { deliveryParts: defaults, encode: incremental?.recording === true, rolloutDigest: incremental !== undefined };
  // Clusters render on the main thread and in workers (render-workers.ts); they come back in fleet order.
  // A re-synth's changed clusters render here while its folder's survey is out: nothing may be
  // written before it answers (at 1000 clusters the main thread waited 0.12–0.18 s for it).
  let early: ReadonlyMap<number, EarlyCluster> | undefined;
  const reused = incremental?.reusable(context, previous.charts, apps, (indices, waiting) => {
    early = renderWhileWaiting(context, previous.charts, apps, indices, waiting, { keep, extras });
  });
  const made = new Map<string, ClusterDeliveryPart>();
  // The incremental cache writes each cluster as it comes, so that no encoded cluster is held.
  const record = incremental && ((index: number, outcome: ClusterOutcome) => incremental.record(index, outcome));
  for (const done of renderClusters(context, previous.charts, apps, sink, sink?.staged, { keep, reused, extras, record, ...(early ? { early } : {}) })) {
    if (done.delivery) made.set(done.rendered.cluster.name, done.delivery);
    const { cluster, folder } = done.rendered;
    diagnostics.push(...done.diagnostics);
    lock[done.lock.key] = done.lock.entry;
    if (done.lockedMajor !== undefined && !majorWarned.has(cluster.environment)) {
      majorWarned.add(cluster.environment);
      const delivery = environmentDelivery(fleet.delivery, cluster.environment);
      diagnostics.push(warning('MF8001', originOf(delivery.settings, '/chartMajor', '/spec/delivery'), `mesh charts of environment ${cluster.environment} are at major ${done.lockedMajor} in versions.lock.json, above chartMajor ${delivery.chartMajor}; versions never go down, so ${done.lockedMajor} stays`, `set chartMajor: ${done.lockedMajor} (or higher), or remove it`));
    }
    rendered.push(done.rendered);
    entries.push({ environment: cluster.environment, entry: done.indexEntry });
    owners.set(folder, done.rendered);
    secrets.push(...done.secrets);
    paths.push(...done.paths);
    if (done.files) for (const [path, text] of done.files) files.set(path, text);
  }
  const cached = incremental?.deliveryParts(fleet);
  // Every cluster's part as renderDelivery joins it (made by its thread, taken from the cache, or made
  // there); a cluster of an environment without an engine has no files, only its components.
  const joined = new Map<string, ClusterDeliveryPart>();
  const undelivered = (r: RenderedCluster): ClusterDeliveryPart => ({ components: gitops.components.get(r.cluster.name)!, files: [] });
  const parts: ClusterDeliveryParts = {
    get: (r) => made.get(r.cluster.name) ?? cached?.get(r),
    set: (name, part) => (joined.set(name, part), cached?.set(name, part)),
  };
  const gitops = renderDelivery(fleet, rendered, options, defaults ? parts : undefined);
  const fleetFiles = new Map<string, string>();
  for (const [path, text] of gitops.files) fleetFiles.set(path, text);
  diagnostics.push(...checkDelivered(gitops));
  let rollout: RolloutModel | undefined;
  const model = () => (rollout ??= rolloutModel({ delivery: fleet.delivery, rendered, components: gitops.components, fleetName: fleet.name }));
  if (!diagnostics.some((d) => d.severity === 'error')) {
    const peersPush = fleet.credentials.type === 'externalSecret' && fleet.credentials.pushSecret !== false;
    // The rollout is checked only when what it reads (rollout-key.ts) is not what a synth of the same
    // code, into any folder, checked and found nothing in (the valid-before file): a re-synth whose edit
    // the model does not read, or a cold synth of a fleet checked before, spares the model and the
    // check (0.57–0.64 s of the main thread at 1000 clusters, timed).
    const digests = incremental && defaults ? incremental.rolloutDigests(rendered, (r) => clusterRolloutDigest(r, joined.get(r.cluster.name) ?? undelivered(r))) : undefined;
    const key = digests && rolloutKey(fleet.delivery, fleet.name, peersPush, digests);
    if (key === undefined || !validBefore(ROLLOUT_CHECK, key)) {
      const found = rolloutDiagnostics(model(), { peersPush });
      diagnostics.push(...found);
      if (key !== undefined && found.length === 0) foundValid(ROLLOUT_CHECK, key);
    }
  }
  const index = indexFile(fleet, entries, gitops);
  const lockText = lockFile(lock);
  // GitOps files taken from a previous synth were scanned when they were made; index.json was, by its
  // parts, when every cluster's entry stood clean alone on the thread that made it (~9 MB at 1000 clusters).
  const indexScanned = piecesClean(INDEX_FILE, index.outline, entries.map((e) => e.entry));
  const scanned = new Map([...fleetFiles].filter(([path]) => !gitops.takenFiles.has(path)));
  if (!indexScanned) scanned.set(INDEX_FILE, index.text);
  scanned.set(LOCK_FILE, lockText);
  // A staged folder takes index.json as bytes: the entries a re-synth took from the cache as the
  // cache holds them, never made text (~130 ms of its main thread at 1000 clusters); else its text.
  const staged = sink?.staged;
  if (staged?.write) staged.write(INDEX_FILE, index.pieces());
  else fleetFiles.set(INDEX_FILE, index.text);
  fleetFiles.set(LOCK_FILE, lockText);
  secrets.push(...secretDiagnostics(scanned, (folder) => owners.get(folder)?.cluster));
  diagnostics.push(...secrets);
  // The GitOps files in the order renderDelivery made them, whether a thread handed them on already or not.
  paths.push(...[...gitops.environments.values()].flatMap((e) => e.files), ...gitops.fleetFiles, INDEX_FILE, LOCK_FILE);
  for (const [path, text] of fleetFiles) files.set(path, text);
  // Last: it lists every other file, so the next run knows what in the folder is its own.
  files.set(OUTPUT_MARKER, ownerMarker(paths));
  paths.push(OUTPUT_MARKER);
  return {
    files,
    paths,
    clusters: rendered,
    delivery: gitops,
    diagnostics,
    get rollout() {
      return model();
    },
    indexView: () => index.view(),
  };
}

/** Every Argo CD and Flux object against its CRD schema (but those of files whose text passed before: lib/synth/validated-files.ts). */
function checkDelivered(gitops: DeliveryOutput): Diagnostic[] {
  const checked = filesCheckedBefore(gitops.objectFiles.map((file) => [gitops.files.get(file.path), file.objects] as const), {});
  const diagnostics = gitops.objectFiles.flatMap((file) => objectDiagnostics(file.objects, {}, file.cluster?.cluster.path ?? '/spec/delivery', file.path, checked.known));
  if (diagnostics.length === 0) checked.passed();
  return diagnostics;
}
