// Delivery settings per environment and per cluster: spec.delivery merged with the environment's
// delivery (lib/model/merge.ts rules), defaults filled, the rollout order fixed. Problems are returned
// as diagnostics by lib/check/delivery-rules.ts, which reads what this records.
import { HELM_REPOSITORY } from '../compat/linkerd-releases.ts';
import { pointer } from '../model/diagnostics.ts';
import { mergeLayers, type Merged } from '../model/merge.ts';
import type {
  ArgoDestinationNaming,
  ArgoGenerator,
  ClusterSpec,
  DeliveryEngine,
  DeliverySettings,
  FleetSpec,
  GitRepoSpec,
  MeshSource,
} from '../model/types.ts';

export const DEFAULT_HELM_REPOSITORY = HELM_REPOSITORY;
export const DEFAULT_REPO_PATH = 'charts-out';
export const DEFAULT_BRANCH = 'main';
export const DEFAULT_ARGOCD_NAMESPACE = 'argocd';
export const DEFAULT_FLUX_NAMESPACE = 'flux-system';
export const DEFAULT_ARGOCD_PROJECT = 'default';
export const DEFAULT_FLUX_INTERVAL = '10m';

export type RevisionKind = 'branch' | 'tag' | 'commit';
const REVISION_KINDS: readonly RevisionKind[] = ['branch', 'tag', 'commit'];

export interface ResolvedRepo {
  /** Empty when no layer sets it (allowed only with engine "none"). */
  readonly url: string;
  readonly revision: { readonly kind: RevisionKind; readonly value: string };
  /** Folder of charts-out/ in the repository, "" for its root. */
  readonly path: string;
  /** Secret with the repository's credentials (Flux GitRepository secretRef). */
  readonly secretRef?: string;
}

export interface EnvironmentDelivery {
  readonly environment: string;
  readonly engine: DeliveryEngine;
  readonly repo: ResolvedRepo;
  readonly helmRepository: string;
  readonly chartMajor: number;
  /** Where the engines take the mesh objects from; chartRepository is "" unless set. */
  readonly mesh: { readonly source: MeshSource; readonly chartRepository: string };
  readonly argocd: { readonly namespace: string; readonly project: string; readonly generator: ArgoGenerator; readonly destination?: ArgoDestinationNaming };
  readonly flux: { readonly namespace: string; readonly interval: string; readonly remoteClusters: boolean };
  /** Position in spec.delivery.rollout, undefined when the environment is not in it. */
  readonly rolloutIndex?: number;
  /** Merged settings with the JSON pointer of the layer that set each value, for messages. */
  readonly settings: Merged;
}

export type ArgoDestination = { readonly server: string } | { readonly name: string };

export interface ClusterDelivery {
  readonly argocd: { readonly destination: ArgoDestination; readonly project: string };
  /** The kubeConfig Secret when one Flux instance drives the cluster remotely. */
  readonly flux: { readonly kubeConfig?: { readonly secretName: string; readonly key?: string } };
}

export interface FleetDelivery {
  /** Every environment, rollout order first, then the rest in declaration order. */
  readonly environments: readonly EnvironmentDelivery[];
  readonly clusters: ReadonlyMap<string, ClusterDelivery>;
  /** The declared rollout order, unknown names left out. */
  readonly rollout: readonly string[];
  /** The fleet repository (spec.delivery.repo), where fleet-level files are read from. */
  readonly fleetRepo: ResolvedRepo;
  /** The fleet's Helm repository of the Linkerd charts (spec.delivery.helmRepository). */
  readonly fleetHelmRepository: string;
  /** Argo CD namespace and the fleet's AppProject, for fleet-wide Applications. */
  readonly fleetArgocd: { readonly namespace: string; readonly project: string };
}

export function environmentDelivery(delivery: FleetDelivery, environment: string): EnvironmentDelivery {
  const found = delivery.environments.find((e) => e.environment === environment);
  if (!found) throw new Error(`no delivery settings for environment ${environment}`);
  return found;
}

export function resolveDelivery(spec: FleetSpec): FleetDelivery {
  const fleet = spec.delivery ?? {};
  const declared = Object.keys(spec.environments ?? {});
  const rollout = (fleet.rollout ?? []).filter((name, i, all) => declared.includes(name) && all.indexOf(name) === i);
  const order = [...rollout, ...declared.filter((name) => !rollout.includes(name))];
  const { rollout: _rollout, namespaces, ...fleetSettings } = fleet;

  const environments = order.map((name): EnvironmentDelivery => {
    const envLayer = spec.environments?.[name]?.delivery ?? undefined;
    const envPath = `/spec/environments${pointer(name)}/delivery`;
    const settings = mergeLayers([
      { value: fleetSettings, path: '/spec/delivery' },
      { value: envLayer ?? undefined, path: envPath },
    ]);
    const merged = settings.value as DeliverySettings;
    return {
      environment: name,
      engine: merged.engine ?? 'none',
      repo: resolveRepo([fleetSettings.repo, envLayer?.repo]),
      helmRepository: merged.helmRepository ?? DEFAULT_HELM_REPOSITORY,
      chartMajor: merged.chartMajor ?? 0,
      // Manifests by default: what every engine applied before the chart could be delivered.
      mesh: { source: merged.mesh?.source ?? 'manifests', chartRepository: merged.mesh?.chartRepository ?? '' },
      argocd: {
        namespace: namespaces?.argocd ?? DEFAULT_ARGOCD_NAMESPACE,
        project: merged.argocd?.project ?? DEFAULT_ARGOCD_PROJECT,
        generator: merged.argocd?.generator ?? 'app-of-apps',
        ...(merged.argocd?.destination ? { destination: merged.argocd.destination } : {}),
      },
      flux: {
        namespace: namespaces?.flux ?? DEFAULT_FLUX_NAMESPACE,
        interval: merged.flux?.interval ?? DEFAULT_FLUX_INTERVAL,
        remoteClusters: merged.flux?.remoteClusters ?? true,
      },
      rolloutIndex: rollout.includes(name) ? rollout.indexOf(name) : undefined,
      settings,
    };
  });

  const clusters = new Map<string, ClusterDelivery>();
  for (const cluster of spec.clusters) {
    const env = environments.find((e) => e.environment === cluster.environment);
    if (env) clusters.set(cluster.name, resolveCluster(cluster, env));
  }
  return {
    environments,
    clusters,
    rollout,
    fleetRepo: resolveRepo([fleetSettings.repo]),
    fleetHelmRepository: fleetSettings.helmRepository ?? DEFAULT_HELM_REPOSITORY,
    fleetArgocd: { namespace: namespaces?.argocd ?? DEFAULT_ARGOCD_NAMESPACE, project: fleetSettings.argocd?.project ?? DEFAULT_ARGOCD_PROJECT },
  };
}

/**
 * Revision fields do not merge one by one: a layer that names a branch, tag or commit replaces the
 * revision of the layers below (a tag in prod must not inherit the fleet's branch).
 */
function resolveRepo(layers: readonly (GitRepoSpec | null | undefined)[]): ResolvedRepo {
  let url = '';
  let path = DEFAULT_REPO_PATH;
  let revision: ResolvedRepo['revision'] = { kind: 'branch', value: DEFAULT_BRANCH };
  let secretRef: string | undefined;
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.url) url = layer.url;
    if (layer.secretRef?.name) secretRef = layer.secretRef.name;
    if (layer.path !== undefined && layer.path !== null) path = layer.path;
    const kind = REVISION_KINDS.find((k) => layer[k]);
    if (kind) revision = { kind, value: layer[kind]! };
  }
  return { url, revision, path, ...(secretRef ? { secretRef } : {}) };
}

function resolveCluster(cluster: ClusterSpec, env: EnvironmentDelivery): ClusterDelivery {
  const argo = cluster.delivery?.argocd ?? undefined;
  const flux = cluster.delivery?.flux ?? undefined;
  const byName: ArgoDestination = { name: argo?.name ?? cluster.name };
  const server = argo?.server ?? cluster.apiServer;
  // destination: server without a URL is reported by checkDelivery; name stands in meanwhile.
  const destination: ArgoDestination =
    env.argocd.destination === 'server' ? (server ? { server } : byName) : env.argocd.destination === 'name' ? byName : argo?.server ? { server: argo.server } : byName;
  return {
    argocd: { destination, project: argo?.project ?? env.argocd.project },
    flux: {
      kubeConfig: env.flux.remoteClusters
        ? { secretName: flux?.kubeConfigSecret ?? `${cluster.name}-kubeconfig`, ...(flux?.kubeConfigKey ? { key: flux.kubeConfigKey } : {}) }
        : undefined,
    },
  };
}

export function sameRepo(a: ResolvedRepo, b: ResolvedRepo): boolean {
  return a.url === b.url && a.revision.kind === b.revision.kind && a.revision.value === b.revision.value && a.secretRef === b.secretRef;
}

/** A path in the delivery repository for a path inside charts-out/ ("prod/eu-1/mesh"). */
export function repoPath(repo: ResolvedRepo, outputPath: string): string {
  return repo.path ? `${repo.path}/${outputPath}` : outputPath;
}
