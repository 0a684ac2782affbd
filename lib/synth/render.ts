// The rendering half of synth: one cdk8s App per cluster (synth time stays linear in the number of
// clusters), its objects validated, then laid out as files in memory. Nothing touches the disk here.
import { App } from 'cdk8s';
import { unknownControllerKeys, unknownValueKeys, upstreamKeys, type UpstreamChart } from '../compat/upstream-values.ts';
import { ClusterMesh, objectFilesOf } from '../constructs/cluster-mesh.ts';
import { renderDelivery, type DeliveryOptions, type DeliveryOutput } from '../delivery/render.ts';
import { GITOPS_FOLDER } from '../delivery/paths.ts';
import { environmentDelivery } from '../delivery/resolve.ts';
import { error, warning, type Diagnostic } from '../model/diagnostics.ts';
import { originOf } from '../model/merge.ts';
import { routeFieldsBeyondLinkerd } from '../check/gateway-api-rules.ts';
import { upstreamValueProblems } from '../check/upstream-values.ts';
import { ClusterRoutes } from '../constructs/cluster-routes.ts';
import { chartContent, chartYaml, meshChartName } from '../output/helm-chart.ts';
import type { KubeObject, ObjectFile } from '../output/kube-object.ts';
import { manifestFiles, objectYaml } from '../output/manifests.ts';
import { OUTPUT_MARKER, ownerMarker } from '../output/output-folder.ts';
import { valuesFile } from '../output/values.ts';
import { contentHash, lockFile, majorBelowLock, nextVersion, type LockEntry, type VersionLock } from '../output/versioning.ts';
import { exportLabels, federationLabels } from '../constructs/multicluster/service-exports.ts';
import { credentialsSecretName, federatedServiceName, MULTICLUSTER_NAMESPACE, remoteAccessServiceAccount } from '../constructs/multicluster/names.ts';
import { LINKERD_NAMESPACE } from '../constructs/names.ts';
import { multiclusterViews, type ClusterMulticlusterView } from '../resolve/links.ts';
import { policyViews, type ClusterPolicyView } from '../resolve/policy.ts';
import { GATEWAY_API_FOLDER } from '../resolve/gateway-api.ts';
import type { ResolvedCluster, ResolvedFleet } from '../resolve/resolve.ts';
import { rolloutDiagnostics } from '../rollout/check.ts';
import { rolloutModel, type RolloutModel } from '../rollout/steps.ts';
import { DELIVER_INSTEAD, describeSecretIssue, scanFiles, validateObjects, type SchemaSources } from '../validate/index.ts';

export const INDEX_FILE = 'index.json';
/** A cluster's Services and routes: plain manifests + kustomization, applied after the mesh. */
export const ROUTES_FOLDER = 'routes';

export interface RenderedCluster {
  readonly cluster: ResolvedCluster;
  /** Folder of the cluster in the output, relative to it ("prod/eu-1"). */
  readonly folder: string;
  readonly objects: readonly KubeObject[];
  /** The same objects as they are laid out in files. */
  readonly objectFiles: readonly ObjectFile[];
  readonly upstreamValues: Partial<Record<UpstreamChart, Record<string, unknown>>>;
  readonly chartVersion: string;
  /** Files written to the cluster's gateway-api/ folder (a vendored bundle); empty otherwise. */
  readonly gatewayApiFiles: ReadonlyMap<string, string>;
  /** The cluster's declared Services and mesh routes, as laid out in its routes/ folder. */
  readonly routeFiles: readonly ObjectFile[];
}

export interface Rendered {
  /** Relative path → content, for the whole output folder. */
  readonly files: Map<string, string>;
  readonly clusters: readonly RenderedCluster[];
  /** The GitOps files and the objects in them. */
  readonly delivery: DeliveryOutput;
  readonly diagnostics: readonly Diagnostic[];
  /** What each delivered object waits on and how the engines gate it (lib/rollout). */
  readonly rollout: RolloutModel;
}

/** Application objects of a cluster (TypeScript fleets: fleet.addApp), by application name. */
export type AppSource = (cluster: string) => readonly { readonly name: string; readonly objects: readonly KubeObject[] }[];

export function renderFleet(fleet: ResolvedFleet, previous: VersionLock, options: DeliveryOptions = {}, apps?: AppSource): Rendered {
  const files = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const rendered: RenderedCluster[] = [];
  const lock: Record<string, LockEntry> = {};
  const majorWarned = new Set<string>();

  const clustersByName = new Map(fleet.clusters.map((c) => [c.name, c]));
  const views = multiclusterViews(fleet);
  const policies = policyViews(fleet);
  for (const cluster of fleet.clusters) {
    const folder = `${cluster.environment}/${cluster.name}`;
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

    const yaml = objectYaml(objectFiles);
    const content = chartContent(yaml);
    const hash = contentHash(content, cluster.linkerdVersion);
    const chartKey = `${folder}/mesh`;
    const version = nextVersion(previous.charts[chartKey], hash, cluster.linkerdVersion, delivery.chartMajor);
    const locked = majorBelowLock(previous.charts[chartKey], delivery.chartMajor);
    if (locked !== undefined && !majorWarned.has(cluster.environment)) {
      majorWarned.add(cluster.environment);
      diagnostics.push(warning(originOf(delivery.settings, '/chartMajor', '/spec/delivery'), `mesh charts of environment ${cluster.environment} are at major ${locked} in versions.lock.json, above chartMajor ${delivery.chartMajor}; versions never go down, so ${locked} stays`, `set chartMajor: ${locked} (or higher), or remove it`));
    }
    lock[chartKey] = { version, hash, linkerd: cluster.linkerdVersion };
    files.set(
      `${folder}/mesh/Chart.yaml`,
      chartYaml({
        name: meshChartName(cluster.name),
        version,
        appVersion: cluster.linkerdVersion,
        description: `Linkerd mesh objects of cluster ${cluster.name} (environment ${cluster.environment}), generated by meshfleet`,
        annotations: { 'meshfleet.dev/cluster': cluster.name, 'meshfleet.dev/environment': cluster.environment },
      }),
    );
    for (const [path, text] of content) files.set(`${folder}/mesh/${path}`, text);
    for (const [path, text] of manifestFiles(yaml)) files.set(`${folder}/manifests/${path}`, text);
    for (const [chart, values] of Object.entries(mesh.upstreamValues)) {
      files.set(`${folder}/values/${chart}.yaml`, valuesFile(chart, cluster.release.chartVersion, values, delivery.helmRepository));
    }
    const gatewayApiFiles = mesh.gatewayApiCrds.files;
    for (const [name, text] of gatewayApiFiles) files.set(`${folder}/${GATEWAY_API_FOLDER}/${name}`, text);
    if (routeFiles.length) {
      for (const [path, text] of manifestFiles(objectYaml(routeFiles))) files.set(`${folder}/${ROUTES_FOLDER}/${path}`, text);
    }
    rendered.push({ cluster, folder, objects, objectFiles, upstreamValues: mesh.upstreamValues, chartVersion: version, gatewayApiFiles, routeFiles });
  }
  const gitops = renderDelivery(fleet, rendered, options);
  for (const [path, text] of gitops.files) files.set(path, text);
  diagnostics.push(...checkDelivered(gitops));
  const rollout = rolloutModel({ delivery: fleet.delivery, rendered, components: gitops.components, fleetName: fleet.name });
  if (!diagnostics.some((d) => d.severity === 'error')) diagnostics.push(...rolloutDiagnostics(rollout, { peersPush: fleet.credentials.type === 'externalSecret' && fleet.credentials.pushSecret !== false }));
  files.set(INDEX_FILE, indexFile(fleet, rendered, gitops, views, policies));
  files.set('versions.lock.json', lockFile(lock));
  diagnostics.push(...secretDiagnostics(files, rendered));
  // Last: it lists every other file, so the next run knows what in the folder is its own.
  files.set(OUTPUT_MARKER, ownerMarker(files.keys()));
  return { files, clusters: rendered, delivery: gitops, diagnostics, rollout };
}

/** Emitted objects against their schemas, values against the upstream charts. */
function checkEmitted(
  cluster: ResolvedCluster,
  objects: readonly KubeObject[],
  upstreamValues: RenderedCluster['upstreamValues'],
): Diagnostic[] {
  // Gateway API objects against the CRDs of the cluster's own bundle and channel.
  const { version, channel } = cluster.gatewayAPI;
  const diagnostics = objectDiagnostics(objects, { linkerd: cluster.release.valuesSet as never, gatewayAPI: { version, channel } }, cluster.path);
  diagnostics.push(...routeFieldsBeyondLinkerd(cluster, objects));
  for (const [chart, values] of Object.entries(upstreamValues)) {
    const tree = upstreamKeys(cluster.release, chart as UpstreamChart);
    for (const key of [...unknownValueKeys(values, tree), ...unknownControllerKeys(values, tree)]) {
      diagnostics.push(error(cluster.path, `values for ${chart} ${cluster.release.chartVersion} set ${key}, which the chart does not have`, 'this is a meshfleet defect if the fleet passed its checks (user overrides are checked in controlPlane.values and multicluster.values); please report it'));
    }
    for (const problem of upstreamValueProblems(chart as UpstreamChart, values, tree)) {
      diagnostics.push(error(cluster.path, `values for ${chart} ${cluster.release.chartVersion} at ${problem.pointer}: ${problem.message}`, 'this is a meshfleet defect if the fleet passed its checks (settings and overrides are checked before rendering); please report it'));
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
    error(at, `emitted ${name(issue)} is invalid at ${issue.path || '/'}: ${issue.message}`, 'this is a meshfleet defect if the fleet passed its checks; please report it with the fleet file'),
  );
}

/**
 * The secret scan, once, over every file about to be written (whatever delivery, object kind or
 * copied file produced it). Reported at the cluster whose folder holds the file, else at the
 * delivery settings (GitOps files) or the document root.
 */
function secretDiagnostics(files: ReadonlyMap<string, string>, clusters: readonly RenderedCluster[]): Diagnostic[] {
  const owners = new Map(clusters.map((r) => [r.folder, r]));
  return scanFiles(files).map((issue) => {
    const [env, name, part] = issue.file.split('/');
    const owner = owners.get(`${env}/${name}`);
    const at = owner ? owner.cluster.path : [env, name].includes(GITOPS_FOLDER) ? '/spec/delivery' : '';
    const fix =
      part === GATEWAY_API_FOLDER
        ? `remove it from the vendored Gateway API bundle (the bundle holds CRDs only); ${DELIVER_INSTEAD}`
        : `remove it from the fleet input (settings, values, credentials) it came from; ${DELIVER_INSTEAD}`;
    return error(at, `${describeSecretIssue(issue)} would be written to the output`, fix);
  });
}

function indexFile(
  fleet: ResolvedFleet,
  clusters: readonly RenderedCluster[],
  gitops: DeliveryOutput,
  views: ReadonlyMap<string, ClusterMulticlusterView>,
  policies: ReadonlyMap<string, ClusterPolicyView>,
): string {
  const index = {
    fleet: fleet.name,
    trustDomain: fleet.trust.domain,
    trustAnchors: fleet.trust.anchor.certificates.map((c) => ({ subject: c.subject, sha256: c.fingerprint256, notAfter: c.validTo })),
    ...(gitops.fleetFiles.length ? { gitops: { files: gitops.fleetFiles } } : {}),
    environments: fleet.environments.map((env) => ({
      name: env.name,
      ...(gitops.environments.has(env.name) ? { gitops: gitops.environments.get(env.name) } : {}),
      clusters: clusters
        .filter((r) => r.cluster.environment === env.name)
        .map((r) => ({
          name: r.cluster.name,
          network: r.cluster.network,
          linkerd: r.cluster.linkerdVersion,
          kubernetes: r.cluster.kubernetes,
          ha: r.cluster.ha,
          upstreamCharts: Object.fromEntries(
            Object.keys(r.upstreamValues).map((chart) => [
              chart,
              { repository: environmentDelivery(fleet.delivery, env.name).helmRepository, chart, version: r.cluster.release.chartVersion, values: `${r.folder}/values/${chart}.yaml` },
            ]),
          ),
          gatewayAPI: gatewayAPIEntry(r.cluster),
          mesh: { chart: `${r.folder}/mesh`, version: r.chartVersion, objects: r.objects.length },
          ...multiclusterIndex(fleet, views.get(r.cluster.name)!),
          ...policyIndex(policies.get(r.cluster.name)!),
          manifests: `${r.folder}/manifests`,
          ...routesEntry(r),
        })),
    })),
  };
  return JSON.stringify(index, null, 2) + '\n';
}

/** The cluster's Servers, the ones that only audit (a rollout to finish), and its egress networks. */
function policyIndex(view: ClusterPolicyView) {
  if (!view.servers.length && !view.egressNetworks.length) return {};
  const names = (objects: readonly { namespace: string; name: string }[]) => objects.map((o) => `${o.namespace}/${o.name}`);
  return {
    policy: {
      servers: names(view.servers),
      audit: names(view.servers.filter((s) => s.accessPolicy === 'audit')),
      egressNetworks: names(view.egressNetworks),
    },
  };
}

/** What a cluster mirrors and publishes, and which Secrets its Links read (and who provides them). */
function multiclusterIndex(fleet: ResolvedFleet, view: ClusterMulticlusterView) {
  if (!view.outgoing.length && !view.incoming.length && !view.federatedServices.length && !view.exports.length) return {};
  const federated = new Set(view.federatedServices.map((f) => `${f.namespace}/${f.name}`));
  const providedBy = fleet.credentials.type;
  return {
    links: view.outgoing.map((l) => ({
      name: l.name,
      target: l.target,
      mode: l.mode,
      object: `linkerd-multicluster/${l.name}`,
      credentials: [MULTICLUSTER_NAMESPACE, LINKERD_NAMESPACE].map((ns) => ({ secret: `${ns}/${credentialsSecretName(l.target)}`, providedBy })),
    })),
    linkedFrom: view.incoming.map((l) => ({ source: l.source, mode: l.mode, serviceAccount: remoteAccessServiceAccount(l.source) })),
    gateway: view.incoming.some((l) => l.mode === 'gateway'),
    federatedServices: view.federatedServices.map((f) => ({ name: f.name, namespace: f.namespace, service: federatedServiceName(f.name), members: f.clusters })),
    // The labels each named service needs here: its export mode, and federation membership.
    exports: [
      ...view.exports.map((s) => ({ name: s.name, namespace: s.namespace, labels: exportLabels(s.export, federated.has(`${s.namespace}/${s.name}`)) })),
      ...view.federatedServices
        .filter((f) => !view.exports.some((s) => s.namespace === f.namespace && s.name === f.name))
        .map((f) => ({ name: f.name, namespace: f.namespace, labels: federationLabels() })),
    ],
  };
}

/** How GitOps gets the cluster's Gateway API CRDs: version, channel and source, applied server-side and never pruned. */
function gatewayAPIEntry(cluster: ResolvedCluster): Record<string, unknown> {
  const { mode, version, channel, source, migration } = cluster.gatewayAPI;
  return {
    mode,
    version,
    channel,
    ...(source ? { source, serverSideApply: true, prune: false } : {}),
    ...(migration ? { migration } : {}),
  };
}

function routesEntry(r: RenderedCluster): Record<string, unknown> {
  if (!r.routeFiles.length) return {};
  const count = (name: string) => r.routeFiles.find((f) => f.name === name)?.objects.length ?? 0;
  return { routes: { manifests: `${r.folder}/${ROUTES_FOLDER}`, routes: count('routes.yaml'), services: count('services.yaml') } };
}
