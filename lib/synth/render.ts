// The rendering half of synth: one cdk8s App per cluster (synth time stays linear in the number of
// clusters), its objects validated, then laid out as files in memory. Nothing touches the disk here.
import { App } from 'cdk8s';
import { upstreamKeys, type UpstreamChart } from '../compat/upstream-values.ts';
import { ClusterMesh, objectFilesOf } from '../constructs/cluster-mesh.ts';
import { renderDelivery, type DeliveryOptions, type DeliveryOutput } from '../rollout/gitops-files.ts';
import { GITOPS_FOLDER } from '../output/gitops-paths.ts';
import { environmentDelivery } from '../resolve/delivery.ts';
import { error, warning, type Diagnostic } from '../model/diagnostics.ts';
import { originOf } from '../model/merge.ts';
import { routeFieldsBeyondLinkerd } from '../validate/linkerd-route-fields.ts';
import { unknownControllerKeys, unknownValueKeys, upstreamValueProblems } from '../check/upstream-values.ts';
import { ClusterRoutes } from '../constructs/cluster-routes.ts';
import { gatewayApiFolderFiles } from '../output/gateway-api-folder.ts';
import type { KubeObject } from '../model/kube-object.ts';
import { layOutCluster, clusterFolder, meshChartFiles, meshChartPath } from '../output/cluster-layout.ts';
import { indexFile } from '../output/index-file.ts';
import { OUTPUT_MARKER, ownerMarker } from '../output/output-folder.ts';
import { INDEX_FILE, type RenderedCluster } from '../output/rendered-cluster.ts';
import { chartLockEntry, LOCK_FILE, lockFile, majorBelowLock, type LockEntry, type VersionLock } from '../output/versioning.ts';
import { policyViews } from '../resolve/policy.ts';
import { GATEWAY_API_FOLDER } from '../resolve/gateway-api.ts';
import type { ResolvedCluster, ResolvedFleet } from '../resolve/resolve.ts';
import { rolloutDiagnostics } from '../rollout/check.ts';
import { rolloutModel, type RolloutModel } from '../rollout/steps.ts';
import { DELIVER_INSTEAD, describeSecretIssue, scanFiles, validateObjects, type SchemaSources } from '../validate/index.ts';

// What was rendered and where it goes are described by the output layer.
export { INDEX_FILE, ROUTES_FOLDER, type RenderedCluster } from '../output/rendered-cluster.ts';

export interface Rendered {
  /**
   * Relative path → content, for the whole output folder; without a sink, for the whole output
   * folder, with one, only the files not handed to it (the fleet-wide ones, written last).
   */
  readonly files: Map<string, string>;
  /** Every file of the output, in the order made (the sink's and the ones in files). */
  readonly paths: readonly string[];
  readonly clusters: readonly RenderedCluster[];
  /** The GitOps files and the objects in them. */
  readonly delivery: DeliveryOutput;
  readonly diagnostics: readonly Diagnostic[];
  /** What each delivered object waits on and how the engines gate it (lib/rollout). */
  readonly rollout: RolloutModel;
}

/** Application objects of a cluster (TypeScript fleets: fleet.addApp), by application name. */
export type AppSource = (cluster: string) => readonly { readonly name: string; readonly objects: readonly KubeObject[] }[];

/**
 * Takes each cluster's files as soon as they are rendered and scanned (synth writes them into the
 * staged output folder), so their text is not held until the end.
 */
export type FileSink = (path: string, content: string) => void;

export function renderFleet(fleet: ResolvedFleet, previous: VersionLock, options: DeliveryOptions = {}, apps?: AppSource, sink?: FileSink): Rendered {
  const files = new Map<string, string>();
  const paths: string[] = [];
  const diagnostics: Diagnostic[] = [];
  // Reported last, after every other check, as when the scan ran over the finished output.
  const secrets: Diagnostic[] = [];
  const owners = new Map<string, RenderedCluster>();
  const rendered: RenderedCluster[] = [];
  const lock: Record<string, LockEntry> = {};
  const majorWarned = new Set<string>();

  const clustersByName = new Map(fleet.clusters.map((c) => [c.name, c]));
  const views = fleet.views;
  const policies = policyViews(fleet);
  for (const cluster of fleet.clusters) {
    const folder = clusterFolder(cluster.environment, cluster.name);
    const delivery = environmentDelivery(fleet.delivery, cluster.environment);
    const app = new App();
    const view = views.get(cluster.name)!;
    const mesh = new ClusterMesh(app, 'mesh', {
      cluster,
      trust: fleet.trust,
      fleetName: fleet.name,
      multicluster: { view, clusters: clustersByName, credentials: fleet.credentials },
      policy: policies.get(cluster.name),
      apps: apps?.(cluster.name),
    });
    const objectFiles = objectFilesOf(mesh);
    const objects = objectFiles.flatMap((f) => f.objects);
    const routeFiles = ClusterRoutes.needed(cluster) ? objectFilesOf(new ClusterRoutes(app, 'routes', { cluster, fleetName: fleet.name, meshNamespaces: objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name) })) : [];
    diagnostics.push(...checkEmitted(cluster, [...objects, ...routeFiles.flatMap((f) => f.objects)], mesh.upstreamValues));

    const chart = meshChartFiles({ objectFiles });
    const chartKey = meshChartPath(folder);
    const { version } = (lock[chartKey] = chartLockEntry(previous.charts[chartKey], chart.content, cluster.linkerdVersion, delivery.chartMajor));
    const locked = majorBelowLock(previous.charts[chartKey], delivery.chartMajor);
    if (locked !== undefined && !majorWarned.has(cluster.environment)) {
      majorWarned.add(cluster.environment);
      diagnostics.push(warning('MF8001', originOf(delivery.settings, '/chartMajor', '/spec/delivery'), `mesh charts of environment ${cluster.environment} are at major ${locked} in versions.lock.json, above chartMajor ${delivery.chartMajor}; versions never go down, so ${locked} stays`, `set chartMajor: ${locked} (or higher), or remove it`));
    }
    const gatewayApiFiles = gatewayApiFolderFiles(cluster.gatewayAPI);
    const done: RenderedCluster = { cluster, folder, objects, objectFiles, upstreamValues: mesh.upstreamValues, chartVersion: version, gatewayApiFiles, routeFiles };
    rendered.push(done);
    owners.set(folder, done);
    const clusterFiles = layOutCluster(done, chart, delivery.helmRepository);
    secrets.push(...secretDiagnostics(clusterFiles, owners));
    for (const [path, text] of clusterFiles) {
      paths.push(path);
      if (sink) sink(path, text);
      else files.set(path, text);
    }
  }
  const gitops = renderDelivery(fleet, rendered, options);
  const fleetFiles = new Map<string, string>();
  for (const [path, text] of gitops.files) fleetFiles.set(path, text);
  diagnostics.push(...checkDelivered(gitops));
  const rollout = rolloutModel({ delivery: fleet.delivery, rendered, components: gitops.components, fleetName: fleet.name });
  if (!diagnostics.some((d) => d.severity === 'error')) diagnostics.push(...rolloutDiagnostics(rollout, { peersPush: fleet.credentials.type === 'externalSecret' && fleet.credentials.pushSecret !== false }));
  fleetFiles.set(INDEX_FILE, indexFile(fleet, rendered, gitops, views, policies));
  fleetFiles.set(LOCK_FILE, lockFile(lock));
  secrets.push(...secretDiagnostics(fleetFiles, owners));
  diagnostics.push(...secrets);
  for (const [path, text] of fleetFiles) {
    paths.push(path);
    files.set(path, text);
  }
  // Last: it lists every other file, so the next run knows what in the folder is its own.
  files.set(OUTPUT_MARKER, ownerMarker(paths));
  paths.push(OUTPUT_MARKER);
  return { files, paths, clusters: rendered, delivery: gitops, diagnostics, rollout };
}

/** Emitted objects against their schemas, values against the upstream charts. */
function checkEmitted(
  cluster: ResolvedCluster,
  objects: readonly KubeObject[],
  upstreamValues: RenderedCluster['upstreamValues'],
): Diagnostic[] {
  // Gateway API objects against the CRDs of the cluster's own bundle and channel.
  const { version, channel } = cluster.gatewayAPI;
  const diagnostics = objectDiagnostics(objects, { linkerd: cluster.release.valuesSet, gatewayAPI: { version, channel } }, cluster.path);
  diagnostics.push(...routeFieldsBeyondLinkerd(cluster, objects));
  for (const [chart, values] of Object.entries(upstreamValues)) {
    const tree = upstreamKeys(cluster.release, chart as UpstreamChart);
    for (const key of [...unknownValueKeys(values, tree), ...unknownControllerKeys(values, tree)]) {
      diagnostics.push(error('MF8002', cluster.path, `values for ${chart} ${cluster.release.chartVersion} set ${key}, which the chart does not have`, 'this is a meshfleet defect if the fleet passed its checks (user overrides are checked in controlPlane.values and multicluster.values); please report it'));
    }
    for (const problem of upstreamValueProblems(chart as UpstreamChart, values, tree)) {
      diagnostics.push(error('MF8003', cluster.path, `values for ${chart} ${cluster.release.chartVersion} at ${problem.pointer}: ${problem.message}`, 'this is a meshfleet defect if the fleet passed its checks (settings and overrides are checked before rendering); please report it'));
    }
  }
  return diagnostics;
}

/** Every Argo CD and Flux object against its CRD schema. */
function checkDelivered(gitops: DeliveryOutput): Diagnostic[] {
  return gitops.objectFiles.flatMap((file) => objectDiagnostics(file.objects, {}, file.cluster?.cluster.path ?? '/spec/delivery', file.path));
}

/** Emitted objects against their schemas, as errors at the fleet path `at`. */
function objectDiagnostics(objects: readonly KubeObject[], sources: SchemaSources, at: string, file?: string): Diagnostic[] {
  const name = (issue: { kind: string; namespace?: string; name: string }) =>
    `${issue.kind} ${issue.namespace ? issue.namespace + '/' : ''}${issue.name}${file ? ` (${file})` : ''}`;
  return validateObjects(objects, sources).map((issue) =>
    error('MF8004', at, `emitted ${name(issue)} is invalid at ${issue.path || '/'}: ${issue.message}`, 'this is a meshfleet defect if the fleet passed its checks; please report it with the fleet file'),
  );
}

/**
 * The secret scan over every file about to be written (whatever delivery, object kind or copied
 * file produced it), a cluster's files as they are made, the fleet-wide ones last. Reported at the cluster whose folder holds the file, else at the
 * delivery settings (GitOps files) or the document root.
 */
function secretDiagnostics(files: ReadonlyMap<string, string>, owners: ReadonlyMap<string, RenderedCluster>): Diagnostic[] {
  return scanFiles(files).map((issue) => {
    const [env, name, part] = issue.file.split('/');
    const owner = owners.get(`${env}/${name}`);
    const at = owner ? owner.cluster.path : [env, name].includes(GITOPS_FOLDER) ? '/spec/delivery' : '';
    const fix =
      part === GATEWAY_API_FOLDER
        ? `remove it from the vendored Gateway API bundle (the bundle holds CRDs only); ${DELIVER_INSTEAD}`
        : `remove it from the fleet input (settings, values, credentials) it came from; ${DELIVER_INSTEAD}`;
    return error('MF8005', at, `${describeSecretIssue(issue)} would be written to the output`, fix);
  });
}
