// Retiring a cluster, against the previous output: first its peers' Links to it go (and, after them,
// the Link credentials; the target's remote-access account and the store key it pushed), then the
// cluster itself. Synth refuses removing a cluster that peers still link to in the previous output,
// so the unlinking is delivered (and checked) before the cluster's own delivery is pruned. Both steps
// name what lives outside Git and must be deleted by hand.
import { remoteAccessServiceAccount, remoteKeyFor } from '../compat/multicluster-names.ts';
import { DEFAULT_REMOTE_KEY_PREFIX } from '../constructs/multicluster/link-credentials.ts';
import { error, type Diagnostic } from '../model/diagnostics.ts';
import type { PreviousIndex } from '../output/previous-index.ts';
import type { ResolvedFleet } from '../resolve/resolve.ts';
import { readDocuments } from './previous-yaml.ts';

export interface RemovedLink {
  readonly source: string;
  readonly target: string;
  /** In order: what the engines remove (Link, then credentials, then the target's side). */
  readonly steps: readonly string[];
  /** What lives outside Git and must be deleted by hand. */
  readonly outsideGit: readonly string[];
}

export interface RetiredCluster {
  readonly cluster: string;
  readonly environment: string;
  readonly steps: readonly string[];
  readonly outsideGit: readonly string[];
}

interface PreviousLink {
  readonly source: string;
  readonly target: string;
  readonly name: string;
  readonly object: string;
  readonly secrets: readonly string[];
}

interface PreviousCluster {
  readonly name: string;
  readonly environment: string;
  readonly engine: string;
  readonly links: readonly PreviousLink[];
}

/** Links of the previous output that the fleet no longer has, in the order their removal takes. */
export function removedLinks(previous: PreviousIndex | undefined, fleet: ResolvedFleet): RemovedLink[] {
  const now = new Set(fleet.links.map((l) => `${l.source}\u0000${l.target}`));
  const credentials = fleet.credentials;
  const out: RemovedLink[] = [];
  for (const cluster of previousClusters(previous).values()) {
    for (const link of cluster.links) {
      if (now.has(`${link.source}\u0000${link.target}`)) continue;
      const outsideGit: string[] = [];
      if (credentials.type === 'externalSecret' && credentials.pushSecret === false) {
        outsideGit.push(`store key ${remoteKeyFor(credentials.remoteKeyPrefix ?? DEFAULT_REMOTE_KEY_PREFIX, link.target, link.source)} (you put it there: credentials.pushSecret is false)`);
      }
      if (credentials.type === 'external') outsideGit.push(...link.secrets.map((s) => `Secret ${s} on ${link.source} (you put it there: credentials.type external)`));
      out.push({
        source: link.source,
        target: link.target,
        steps: [
          `${link.source}: Link ${link.object} removed (step ${link.source}-mesh-links); check: linkerd --context ${link.source} multicluster gateways shows no ${link.target}`,
          `${link.source}: credentials ${link.secrets.join(', ')} removed (step ${link.source}-mesh-link-credentials)`,
          `${link.target}: remote-access ServiceAccount linkerd-multicluster/${remoteAccessServiceAccount(link.source)} removed${credentials.type === 'externalSecret' && credentials.pushSecret !== false ? ', with the PushSecret that deletes its store key' : ''}`,
        ],
        outsideGit,
      });
    }
  }
  return out;
}

/**
 * Clusters of the previous output the fleet no longer has, with what to delete outside Git.
 * `previousFiles` (the previous output) gives the names the engines used; without it, the defaults.
 */
export function retiredClusters(previous: PreviousIndex | undefined, fleet: ResolvedFleet, previousFiles?: ReadonlyMap<string, string>): RetiredCluster[] {
  const names = new Set(fleet.clusters.map((c) => c.name));
  const out: RetiredCluster[] = [];
  for (const cluster of previousClusters(previous).values()) {
    if (names.has(cluster.name)) continue;
    const folder = `${cluster.environment}/gitops`;
    const outsideGit: string[] = [];
    const objects = (path: string) => readDocuments(previousFiles?.get(path) ?? '') as ({ spec?: Record<string, any> } | null)[];
    if (cluster.engine === 'argocd') {
      const destination = objects(`${folder}/argocd/clusters/${cluster.name}.yaml`).find((o) => o?.spec?.destination)?.spec?.destination;
      outsideGit.push(`the Argo CD cluster Secret of ${cluster.name} (argocd cluster rm ${destination?.server ?? destination?.name ?? cluster.name})`);
    }
    if (cluster.engine === 'flux') {
      const secret: string = objects(`${folder}/flux/clusters/${cluster.name}.yaml`).find((o) => o?.spec?.kubeConfig)?.spec?.kubeConfig?.secretRef?.name ?? `${cluster.name}-kubeconfig`;
      outsideGit.push(`the Flux kubeconfig Secret ${secret} (kubectl -n flux-system delete secret ${secret})`);
    }
    outsideGit.push(`the cluster's Linkerd CRDs and namespaces, which the engines keep (linkerd --context ${cluster.name} uninstall | kubectl --context ${cluster.name} delete -f -), if the cluster itself stays`);
    out.push({
      cluster: cluster.name,
      environment: cluster.environment,
      steps: [`${cluster.name}: its Applications or Kustomizations pruned: Linkerd removed from it (CRDs stay)`],
      outsideGit,
    });
  }
  return out;
}

/** A cluster removed while peers still linked to it in the previous output: unlink first. */
export function retireDiagnostics(previous: PreviousIndex | undefined, fleet: ResolvedFleet): Diagnostic[] {
  const before = previousClusters(previous);
  const names = new Set(fleet.clusters.map((c) => c.name));
  const out: Diagnostic[] = [];
  for (const cluster of before.values()) {
    if (names.has(cluster.name)) continue;
    const peers = [...before.values()].filter((p) => names.has(p.name) && p.links.some((l) => l.target === cluster.name)).map((p) => p.name);
    if (!peers.length) continue;
    out.push(
      error(
        'MF7221',
        '/spec/clusters',
        `cluster ${cluster.name} is removed while ${peers.join(', ')} still link to it in the previous output: their Links and credentials must go first`,
        `keep ${cluster.name} in spec.clusters and remove it from spec.links only; synth, deliver and check (meshfleet plan shows the order), then remove the cluster (docs/operations/retire-a-cluster.md)`,
      ),
    );
  }
  return out;
}

function previousClusters(previous: PreviousIndex | undefined): Map<string, PreviousCluster> {
  const found = new Map<string, PreviousCluster>();
  const environments = Array.isArray(previous?.environments) ? (previous!.environments as unknown[]) : [];
  for (const env of environments) {
    const e = env as { name?: unknown; gitops?: { engine?: unknown }; clusters?: unknown };
    for (const c of Array.isArray(e?.clusters) ? e.clusters : []) {
      const entry = c as { name?: unknown; links?: unknown };
      if (typeof entry?.name !== 'string') continue;
      const links = (Array.isArray(entry.links) ? entry.links : []).map((l: { name?: unknown; target?: unknown; object?: unknown; credentials?: { secret?: unknown }[] }) => ({
        source: entry.name as string,
        target: String(l?.target),
        name: String(l?.name ?? l?.target),
        object: String(l?.object ?? `linkerd-multicluster/${String(l?.target)}`),
        secrets: Array.isArray(l?.credentials) ? l.credentials.map((s) => String(s?.secret)) : [],
      }));
      found.set(entry.name, { name: entry.name, environment: String(e.name), engine: String(e.gitops?.engine ?? 'none'), links });
    }
  }
  return found;
}
