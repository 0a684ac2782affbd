// One cluster's rendering, the body of synth's loop: its cdk8s App, the objects validated, the mesh
// chart versioned, the files laid out and secret-scanned. It reads only the resolved fleet, so the
// main thread and the render workers (render-workers.ts) run the same code on any cluster.
import { App } from 'cdk8s';
import { upstreamKeys, type UpstreamChart } from '../compat/upstream-values.ts';
import { ClusterMesh, objectFilesOf } from '../constructs/cluster-mesh.ts';
import { ClusterRoutes } from '../constructs/cluster-routes.ts';
import { unknownControllerKeys, unknownValueKeys, upstreamValueProblems } from '../check/upstream-values.ts';
import { error, type Diagnostic } from '../model/diagnostics.ts';
import type { KubeObject } from '../model/kube-object.ts';
import { standsClean } from '../model/secret-material.ts';
import { layOutCluster, clusterFolder, meshChartFiles, meshChartPath, templatesWrappingManifests } from '../output/cluster-layout.ts';
import { objectYaml } from '../output/manifests.ts';
import { gatewayApiFolderFiles } from '../output/gateway-api-folder.ts';
import { clusterIndexEntry, type ClusterEntry } from '../output/index-file.ts';
import { GITOPS_FOLDER } from '../output/gitops-paths.ts';
import { countsOf, type RenderedCluster } from '../output/rendered-cluster.ts';
import { chartLockEntry, majorBelowLock, type LockEntry } from '../output/versioning.ts';
import { environmentDelivery } from '../resolve/delivery.ts';
import { GATEWAY_API_FOLDER } from '../resolve/gateway-api.ts';
import { policyViews, type PolicyViews } from '../resolve/policy.ts';
import type { ResolvedCluster, ResolvedFleet } from '../resolve/resolve.ts';
import { clusterDeliveryPart, type ClusterDeliveryPart } from '../rollout/gitops-files.ts';
import { routeFieldsBeyondLinkerd } from '../validate/linkerd-route-fields.ts';
import { filesCheckedBefore } from './validated-files.ts';
import { foundValid, keepsVerdicts, validBefore } from '../validate/valid-before.ts';
import { DELIVER_INSTEAD, describeSecretIssue, scanUnseenFiles, validateObjects, type SchemaSources, type WrappedFile } from '../validate/index.ts';

/** An application's objects on one cluster (TypeScript fleets: fleet.addApp). */
export type ClusterApps = readonly { readonly name: string; readonly objects: readonly KubeObject[] }[];

/** What every cluster's rendering reads of the fleet, made once per thread (a cluster's policy view when it is first asked for). */
export interface FleetContext {
  readonly fleet: ResolvedFleet;
  readonly clustersByName: ReadonlyMap<string, ResolvedCluster>;
  readonly policies: PolicyViews;
}

export function fleetContext(fleet: ResolvedFleet): FleetContext {
  return { fleet, clustersByName: new Map(fleet.clusters.map((c) => [c.name, c])), policies: policyViews(fleet) };
}

export interface ClusterRender {
  readonly rendered: RenderedCluster;
  /** Relative path → content of the cluster's files, in the order they are written. */
  readonly files: Map<string, string>;
  /** Emitted objects against their schemas, values against the upstream charts. */
  readonly diagnostics: Diagnostic[];
  /** The secret scan of the cluster's files (synth reports these after every other check). */
  readonly secrets: Diagnostic[];
  /** The mesh chart's entry in versions.lock.json, under its path. */
  readonly lock: { readonly key: string; readonly entry: LockEntry };
  /** The chart major versions.lock.json holds when it is above the environment's chartMajor. */
  readonly lockedMajor?: number;
  /** Its entry in index.json, as text there (clusterIndexEntry), scanned alone here. */
  readonly indexEntry: ClusterEntry;
}

/**
 * Renders one cluster; `charts` are the mesh chart entries of the previous versions.lock.json. The
 * objects of a file whose text passed before are not checked against their schemas again
 * (validated-files.ts). `withIndexView`: its entry's part of index.json's view too (ClusterEntry.view).
 */
export function renderCluster(context: FleetContext, cluster: ResolvedCluster, charts: Readonly<Record<string, LockEntry>>, apps?: ClusterApps, keys?: ClusterKeys, withIndexView = false): ClusterRender {
  const { fleet } = context;
  const folder = clusterFolder(cluster.environment, cluster.name);
  const delivery = environmentDelivery(fleet.delivery, cluster.environment);
  const app = new App();
  const view = fleet.views.get(cluster.name)!;
  const mesh = new ClusterMesh(app, 'mesh', {
    cluster,
    trust: fleet.trust,
    fleetName: fleet.name,
    multicluster: { view, clusters: context.clustersByName, credentials: fleet.credentials },
    policy: context.policies.get(cluster.name),
    apps,
  });
  const objectFiles = objectFilesOf(mesh);
  const objects = objectFiles.flatMap((f) => f.objects);
  const routeFiles = ClusterRoutes.needed(cluster) ? objectFilesOf(new ClusterRoutes(app, 'routes', { cluster, fleetName: fleet.name, meshNamespaces: objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name) })) : [];
  const chart = meshChartFiles({ objectFiles });
  const routeYaml = objectYaml(routeFiles);
  // Each file of objects as its text (the manifest's, which the mesh template wraps) and objects.
  const emitted = [...objectFiles.map((f) => [chart.yaml.get(f.name), f.objects] as const), ...routeFiles.map((f) => [routeYaml.get(f.name), f.objects] as const)];
  const key = meshChartPath(folder);
  const previous = charts[key];
  const entry = chartLockEntry(previous, chart.content, cluster.linkerdVersion, delivery.chartMajor);
  // The same inputs and chart version gave an output that passed every check below before: none runs.
  const verdict = keepsVerdicts() ? verdictOf(keys?.input(), entry.version) : undefined;
  const passedBefore = verdict !== undefined && validBefore(CLUSTER_CHECKS, verdict);
  let diagnostics: Diagnostic[] = [];
  if (!passedBefore) {
    const checked = filesCheckedBefore(emitted, emittedSchemaSources(cluster));
    const emittedChecks = checkEmitted(cluster, emitted, mesh.upstreamValues, checked.known);
    if (emittedChecks.objectsPassed) checked.passed();
    diagnostics = emittedChecks.diagnostics;
  }
  const lockedMajor = majorBelowLock(previous, delivery.chartMajor);
  const gatewayApiFiles = gatewayApiFolderFiles(cluster.gatewayAPI);
  const rendered: RenderedCluster = { cluster, folder, objects, objectFiles, upstreamValues: mesh.upstreamValues, chartVersion: entry.version, gatewayApiFiles, routeFiles, counts: countsOf(objects, routeFiles) };
  const files = layOutCluster(rendered, chart, delivery.helmRepository, routeYaml);
  const secrets = passedBefore ? [] : secretDiagnostics(files, (owner) => (owner === folder ? cluster : undefined), templatesWrappingManifests(folder, chart));
  const { text: entryText, view: entryView } = clusterIndexEntry(fleet, rendered, view, context.policies.get(cluster.name)!, withIndexView);
  // Scanned here, on the cluster's thread: index.json is then not read again when every entry stood clean (render.ts).
  const indexEntry = { text: entryText, clean: passedBefore || standsClean(entryText), ...(entryView !== undefined ? { view: entryView } : {}) };
  if (verdict !== undefined && !passedBefore && diagnostics.length === 0 && secrets.length === 0 && indexEntry.clean) foundValid(CLUSTER_CHECKS, verdict);
  return { rendered, files, diagnostics, secrets, lock: { key, entry }, ...(lockedMajor !== undefined ? { lockedMajor } : {}), indexEntry };
}

/**
 * The cluster's part of the GitOps files (renderDelivery's), made and checked (objects against their
 * CRD schemas, files by the secret scan) by the thread that rendered the cluster, so that the main
 * thread only joins the parts. Undefined when a check finds anything: renderDelivery then makes the
 * part again and reports what it finds in the order of a single-threaded synth. `rendered` keeps
 * what the CLI keeps of its objects (keptCluster 'rollout'): what the GitOps files read.
 */
export function checkedDeliveryPart(fleet: ResolvedFleet, rendered: RenderedCluster, keys?: ClusterKeys): ClusterDeliveryPart | undefined {
  const { components, files, objectFiles } = clusterDeliveryPart(fleet, rendered);
  // As renderCluster's checks: the same part's inputs passed them before.
  const verdict = keepsVerdicts() ? verdictOf(keys?.part(), rendered.chartVersion) : undefined;
  if (verdict !== undefined && validBefore(PART_CHECKS, verdict)) return { components, files };
  const texts = new Map(files as (readonly [string, string])[]);
  const checked = filesCheckedBefore(objectFiles.map((file) => [texts.get(file.path), file.objects] as const), {});
  if (objectFiles.some((file) => validateObjects(file.objects, {}, checked.known).length > 0)) return undefined;
  checked.passed();
  if (files.length && scanUnseenFiles(texts).length > 0) return undefined;
  if (verdict !== undefined) foundValid(PART_CHECKS, verdict);
  return { components, files };
}

/**
 * A cluster's keys (lib/synth/input-keys.ts: clusterKeyMaker), made when first asked for: what its
 * output (`input`) and its part of the GitOps files (`part`) are made from; undefined for a cluster
 * whose inputs cannot be hashed.
 */
export interface ClusterKeys {
  readonly input: () => string | undefined;
  readonly part: () => string | undefined;
  /** The keys made so far (undefined when the input key was not asked for), for the incremental cache to record the cluster under. */
  readonly made: () => MadeKeys | undefined;
}

/** A cluster's keys as the thread that rendered it made them (ClusterKeys.made). */
export interface MadeKeys {
  readonly input: string | undefined;
  readonly part?: string;
}

// The valid-before checks (lib/validate/valid-before.ts) that stand for every check of a cluster's
// output (its objects, its values, the secret scan of its files and of its entry in index.json) and
// of its part of the GitOps files. Kept under what the output is made from: its keys, and the mesh
// chart's version (the previous versions.lock.json's, which the keys leave out). A synth of a fleet
// synthesized before (into any folder: CI, a fresh output folder) then renders its clusters without
// checking them again: 8–10% of a cold synth's CPU at 100 and 1000 clusters (docs/performance.md).
const CLUSTER_CHECKS = 'every check of a cluster';
const PART_CHECKS = "every check of a cluster's part of the GitOps files";

/** What a verdict is kept under: a key with the mesh chart's version; none without a key. */
function verdictOf(key: string | undefined, chartVersion: string): string | undefined {
  return key === undefined ? undefined : `${key}\0${chartVersion}`;
}

/** The schemas a cluster's objects are checked against: its Linkerd release's CRDs, and its Gateway API bundle and channel. */
export function emittedSchemaSources(cluster: ResolvedCluster): SchemaSources {
  const { version, channel } = cluster.gatewayAPI;
  return { linkerd: cluster.release.valuesSet, gatewayAPI: { version, channel } };
}

/**
 * Emitted objects against their schemas (but `known` ones: validateObjects), values against the
 * upstream charts; `objectsPassed`: the objects' own checks found nothing.
 */
function checkEmitted(cluster: ResolvedCluster, files: readonly (readonly [text: string | undefined, objects: readonly KubeObject[]])[], upstreamValues: RenderedCluster['upstreamValues'], known: ReadonlySet<KubeObject>): { diagnostics: Diagnostic[]; objectsPassed: boolean } {
  const diagnostics = objectDiagnostics(files.flatMap(([, objects]) => objects), emittedSchemaSources(cluster), cluster.path, undefined, known);
  const objectsPassed = diagnostics.length === 0;
  diagnostics.push(...routeFieldsBeyondLinkerd(cluster, files));
  for (const [chart, values] of Object.entries(upstreamValues)) {
    const tree = upstreamKeys(cluster.release, chart as UpstreamChart);
    for (const key of [...unknownValueKeys(values, tree), ...unknownControllerKeys(values, tree)]) {
      diagnostics.push(error('MF8002', cluster.path, `values for ${chart} ${cluster.release.chartVersion} set ${key}, which the chart does not have`, 'this is a meshfleet defect if the fleet passed its checks (user overrides are checked in controlPlane.values and multicluster.values); please report it'));
    }
    for (const problem of upstreamValueProblems(chart as UpstreamChart, values, tree)) {
      diagnostics.push(error('MF8003', cluster.path, `values for ${chart} ${cluster.release.chartVersion} at ${problem.pointer}: ${problem.message}`, 'this is a meshfleet defect if the fleet passed its checks (settings and overrides are checked before rendering); please report it'));
    }
  }
  return { diagnostics, objectsPassed };
}

/** Emitted objects against their schemas, as errors at the fleet path `at`. */
export function objectDiagnostics(objects: readonly KubeObject[], sources: SchemaSources, at: string, file?: string, known?: ReadonlySet<KubeObject>): Diagnostic[] {
  const name = (issue: { kind: string; namespace?: string; name: string }) =>
    `${issue.kind} ${issue.namespace ? issue.namespace + '/' : ''}${issue.name}${file ? ` (${file})` : ''}`;
  return validateObjects(objects, sources, known).map((issue) =>
    error('MF8004', at, `emitted ${name(issue)} is invalid at ${issue.path || '/'}: ${issue.message}`, 'this is a meshfleet defect if the fleet passed its checks; please report it with the fleet file'),
  );
}

/**
 * The secret scan over files about to be written (whatever delivery, object kind or copied file
 * produced them): a cluster's files as they are made, the fleet-wide ones last. Reported at the
 * cluster whose folder ("env/name") holds the file, else at the delivery settings (GitOps files) or
 * the document root.
 */
export function secretDiagnostics(files: ReadonlyMap<string, string>, ownerOf: (folder: string) => ResolvedCluster | undefined, wrapped?: ReadonlyMap<string, WrappedFile>): Diagnostic[] {
  return scanUnseenFiles(files, wrapped).map((issue) => {
    const [env, name, part] = issue.file.split('/');
    const owner = ownerOf(`${env}/${name}`);
    const at = owner ? owner.path : [env, name].includes(GITOPS_FOLDER) ? '/spec/delivery' : '';
    const fix =
      part === GATEWAY_API_FOLDER
        ? `remove it from the vendored Gateway API bundle (the bundle holds CRDs only); ${DELIVER_INSTEAD}`
        : `remove it from the fleet input (settings, values, credentials) it came from; ${DELIVER_INSTEAD}`;
    return error('MF8005', at, `${describeSecretIssue(issue)} would be written to the output`, fix);
  });
}
