// What a cluster's delivery is made of, derived from what was rendered for it: one component per
// upstream chart that has a values file (linkerd-multicluster appears when its values do), the mesh/
// chart, and the Gateway API CRDs when the cluster has a source for them. Argo CD and Flux render the
// same components, in the order of lib/constructs/delivery/phases.ts.
import type { UpstreamChart } from '../compat/upstream-values.ts';
import type { KubeObject } from '../model/kube-object.ts';
import type { RenderedCluster } from '../output/rendered-cluster.ts';
import { manifestsPath, meshChartPath, routesPath, valuesFilePath } from '../output/cluster-layout.ts';
import { isCustomResource, objectWaits, waitsOnPeer, waitsReadSpec, type ObjectWaits } from './object-waits.ts';
import { GATEWAY_API_COMPONENT, HELM_STORAGE_NAMESPACE, MESH_COMPONENT, type Component, type ComponentBase, type GatewayAPISource, type MeshChart } from '../constructs/delivery/components.ts';
import { WEBHOOK_CA_BUNDLE } from '../constructs/delivery/drift.ts';
import { PHASES, type Phase } from '../constructs/delivery/phases.ts';
import { meshChartName } from '../model/mesh-chart.ts';
import type { DeliveryEngine, MeshSource } from '../model/types.ts';

/**
 * The cluster's managed Gateway API bundle: the upstream repository at its tag, or the vendored
 * folder in its output. External bundles (and a legacy cluster whose migration has not reached the
 * adopting step) have no source: nothing to deliver.
 */
export function gatewayAPISourceOf(rendered: RenderedCluster): GatewayAPISource | undefined {
  return rendered.cluster.gatewayAPI.source;
}

type Draft = Component extends infer C ? (C extends Component ? Omit<C, 'createNamespace'> : never) : never;

/** How each upstream chart is delivered. Every chart the renderer can emit values for is listed. */
const UPSTREAM_CHARTS: Readonly<Record<UpstreamChart, Pick<ComponentBase, 'phase' | 'namespace' | 'crds' | 'usesForeignCrds' | 'drift'>>> = {
  // httproutes.policy.linkerd.io alone is ~350 KB.
  'linkerd-crds': { phase: 'linkerd-crds', namespace: 'linkerd', crds: 'large', usesForeignCrds: false, drift: [] },
  'linkerd-control-plane': { phase: 'control-plane', namespace: 'linkerd', crds: 'none', usesForeignCrds: false, drift: WEBHOOK_CA_BUNDLE },
  // Brings the Link CRD (~50 KB); its gateway Server/AuthorizationPolicy need linkerd-crds' CRDs.
  'linkerd-multicluster': { phase: 'multicluster', namespace: 'linkerd-multicluster', crds: 'small', usesForeignCrds: true, drift: [] },
};

/** The cluster's components in apply order. */
export interface ComponentOptions {
  /** Where an object goes. @default phaseOfObject, from what the object waits on */
  readonly phaseOf?: (object: KubeObject) => Phase;
  /** Where the environment takes the mesh objects from, and its engine. @default manifests */
  readonly mesh?: { readonly source: MeshSource; readonly chartRepository: string; readonly engine: DeliveryEngine };
}

export function componentsOf(rendered: RenderedCluster, gatewayAPI: GatewayAPISource | undefined, options: ComponentOptions = {}): Component[] {
  const { cluster, folder } = rendered;
  const components: Draft[] = [];
  if (gatewayAPI) {
    components.push({ kind: 'gateway-api', name: GATEWAY_API_COMPONENT, phase: 'gateway-api-crds', namespace: 'default', crds: 'large', usesForeignCrds: false, drift: [], source: gatewayAPI });
  }
  for (const [chart, values] of Object.entries(rendered.upstreamValues) as [UpstreamChart, Record<string, unknown>][]) {
    components.push({
      kind: 'upstream-chart',
      name: chart,
      chart,
      version: cluster.release.chartVersion,
      valuesFile: valuesFilePath(folder, chart),
      values,
      ...UPSTREAM_CHARTS[chart],
    });
  }
  // The mesh objects go in the issuer phase, except custom resources whose CRD a later component
  // installs (Links need linkerd-multicluster's Link CRD): those wait in a part of their own.
  const chartSecrets = chartSecretsOf(rendered);
  const phaseOf = options.phaseOf;
  const parts = meshParts(rendered, (objects) =>
    phaseOf ? objects.map((object) => phaseOf(object)) : objects.map((object) => defaultPhase(object, cluster.name, chartSecrets)));
  const mesh = options.mesh ?? { source: 'manifests', chartRepository: '', engine: 'none' };
  const chart: MeshChart | undefined =
    mesh.source === 'chart'
      ? { from: 'git', name: meshChartName(cluster.name), version: rendered.chartVersion, path: meshChartPath(folder) }
      : mesh.source === 'chart-repository'
        ? { from: 'repository', name: meshChartName(cluster.name), version: rendered.chartVersion, repository: mesh.chartRepository }
        : undefined;
  // A Flux HelmRelease owns what its chart creates, and Helm adopts no object it did not create: the
  // mesh namespaces must not be made by an engine before, and release records go to a namespace
  // every cluster has.
  const helmReleases = chart !== undefined && mesh.engine === 'flux';
  for (const [phase, files] of parts) {
    const objects = rendered.objectFiles.filter((f) => files.includes(f.name)).flatMap((f) => f.objects);
    components.push({
      kind: 'mesh',
      name: phase === 'issuer' ? MESH_COMPONENT : `${MESH_COMPONENT}-${phase}`,
      phase,
      namespace: 'linkerd',
      crds: 'none',
      usesForeignCrds: objects.some(isCustomResource),
      drift: [],
      chartPath: meshChartPath(folder),
      manifestsPath: manifestsPath(folder),
      chartVersion: rendered.chartVersion,
      ...(parts.size > 1 ? { files } : {}),
      ...(chart ? { chart } : {}),
      ...(helmReleases ? { storageNamespace: HELM_STORAGE_NAMESPACE } : {}),
    });
  }

  // Routes and declared Services (routes/ of the cluster, apart from the chart) come last: their CRDs
  // come from the Gateway API component, and they steer traffic of meshed workloads.
  if (rendered.routeFiles.length) {
    components.push({
      kind: 'mesh',
      name: 'routes',
      phase: 'routes',
      namespace: 'default',
      crds: 'none',
      usesForeignCrds: true,
      drift: [],
      chartPath: meshChartPath(folder),
      manifestsPath: routesPath(folder),
      chartVersion: rendered.chartVersion,
      files: rendered.routeFiles.map((f) => f.name),
    });
  }

  const ordered = components.sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase));
  // A namespace the mesh chart creates (with the labels Linkerd needs) exists for every later phase.
  const meshNamespaces = new Set(namespacesIn(rendered.objects));
  const providedBefore = (c: Draft) => PHASES.indexOf(c.phase) > PHASES.indexOf('issuer') && meshNamespaces.has(c.namespace);
  // With the mesh as Helm releases, a chart before it leaves the namespace to the mesh chart.
  const leftToMesh = (c: Draft) => helmReleases && c.kind === 'upstream-chart' && meshNamespaces.has(c.namespace) && !providedBefore(c);
  return ordered.map((c) =>
    (leftToMesh(c)
      ? { ...c, createNamespace: false, storageNamespace: HELM_STORAGE_NAMESPACE }
      : { ...c, createNamespace: c.kind === 'upstream-chart' && !providedBefore(c) }) as Component);
}

/**
 * API groups whose CRDs a component of the cluster installs, and its phase. Custom resources of
 * other groups (cert-manager, External Secrets) have CRDs installed before meshfleet's components.
 */
const CRD_PHASE_BY_GROUP: Readonly<Record<string, Phase>> = {
  'gateway.networking.k8s.io': 'gateway-api-crds',
  'gateway.networking.x-k8s.io': 'gateway-api-crds',
  'policy.linkerd.io': 'linkerd-crds',
  'linkerd.io': 'linkerd-crds',
  'workload.linkerd.io': 'linkerd-crds',
  'multicluster.linkerd.io': 'multicluster',
};

/** Secrets an upstream chart creates that mesh objects read (the chart, by `<namespace>/<name>`). */
export type ChartSecrets = ReadonlyMap<string, Phase>;

/**
 * The earliest phase an object can be applied in, from what it waits on (lib/rollout/object-waits.ts):
 * the phase after the one that installs its CRD or creates a Secret it reads; after the control plane
 * for pods (or the proxy injector misses them); link credentials, which wait for another cluster,
 * in their own phase that holds nothing. Everything else goes with the issuer.
 */
export function phaseOfObject(object: KubeObject, chartSecrets: ChartSecrets = new Map()): Phase {
  return phaseFromWaits(object, objectWaits(object, ''), chartSecrets);
}

// The phase of an object whose waits read no spec (object-waits.ts waitsReadSpec) follows from its
// apiVersion, kind and namespace, as its waits do (and neither waitsOnPeer nor a chart's Secrets
// bear on it): worked out once per such triple, not per object (~60,000 objects at 1000 clusters).
const phasesByKind = new Map<string, Phase>();

/** phaseOfObject of an object of the cluster (its waits are read with the cluster's facts). */
function defaultPhase(object: KubeObject, cluster: string, chartSecrets: ChartSecrets): Phase {
  if (waitsReadSpec(object)) return phaseFromWaits(object, objectWaits(object, cluster), chartSecrets);
  const key = `${object.apiVersion}\u0000${object.kind}\u0000${object.metadata.namespace ?? ''}`;
  let phase = phasesByKind.get(key);
  if (phase === undefined) phasesByKind.set(key, (phase = phaseFromWaits(object, objectWaits(object, cluster), chartSecrets)));
  return phase;
}

/** phaseOfObject from the object's waits (read for any cluster: the facts' cluster does not change the phase). */
function phaseFromWaits(object: KubeObject, waits: ObjectWaits, chartSecrets: ChartSecrets): Phase {
  if (waitsOnPeer(object)) return 'link-credentials';
  // No closure per object: the CLI bundle keeps function names, a property definition per closure made.
  let phase: Phase = 'issuer';
  for (const wait of waits.waits) {
    const provider = wait.fact.kind === 'crd' ? CRD_PHASE_BY_GROUP[wait.fact.name] : wait.fact.kind === 'secret' ? chartSecrets.get(wait.fact.name) : wait.fact.kind === 'webhook' ? 'control-plane' : undefined;
    if (!provider || PHASES.indexOf(provider) < PHASES.indexOf('issuer')) continue;
    const after = provider === 'control-plane' ? 'routes' : PHASES[PHASES.indexOf(provider) + 1];
    if (PHASES.indexOf(after) > PHASES.indexOf(phase)) phase = after;
  }
  return phase;
}

/** Object files of the mesh grouped by phase (a file goes with its latest object), in phase order. */
function meshParts(rendered: RenderedCluster, phasesOf: (objects: readonly KubeObject[]) => Phase[]): Map<Phase, string[]> {
  const parts = new Map<Phase, string[]>();
  for (const file of rendered.objectFiles) {
    const phase = phasesOf(file.objects).reduce((a, b) => (PHASES.indexOf(b) > PHASES.indexOf(a) ? b : a), 'issuer' as Phase);
    parts.set(phase, [...(parts.get(phase) ?? []), file.name]);
  }
  if (!parts.size) parts.set('issuer', []);
  return new Map([...parts].sort(([a], [b]) => PHASES.indexOf(a) - PHASES.indexOf(b)));
}

/** Secrets linkerd-multicluster creates: one token per remote-access ServiceAccount (its values). */
export function chartSecretsOf(rendered: RenderedCluster): ChartSecrets {
  const values = rendered.upstreamValues['linkerd-multicluster'] as { remoteMirrorServiceAccount?: boolean; remoteMirrorServiceAccountName?: string | string[] } | undefined;
  if (!values?.remoteMirrorServiceAccount) return new Map();
  const names = [values.remoteMirrorServiceAccountName ?? []].flat();
  return new Map(names.map((sa) => [`${UPSTREAM_CHARTS['linkerd-multicluster'].namespace}/${sa}-token`, 'multicluster' as Phase]));
}


function namespacesIn(objects: readonly KubeObject[]): string[] {
  return objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'Namespace').map((o) => o.metadata.name);
}
