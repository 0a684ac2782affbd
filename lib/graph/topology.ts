// The fleet's topology as plain data, for pictures: environments → networks → clusters (Linkerd
// version, HA, gateway, hub), links between clusters (direction and mode), federated services.
// Read from the resolved fleet, so the picture shows what synth renders (a gateway runs where a
// gateway link targets the cluster, as in lib/constructs/multicluster/multicluster-values.ts).
import { federatedServiceName } from '../compat/multicluster-names.ts';
import type { LinkModeName, LinkSpec } from '../model/types.ts';
import type { ResolvedCluster, ResolvedFleet } from '../resolve/resolve.ts';
import { groupBy } from '../model/grouping.ts';

export interface TopologyCluster {
  readonly name: string;
  /** As the user wrote it: "2.20", "edge-26.8.3". */
  readonly linkerd: string;
  readonly ha: boolean;
  /** The multicluster gateway, when a gateway link targets the cluster. */
  readonly gateway?: { readonly address?: string };
  /** The hub of a hub-and-spokes link entry. */
  readonly hub: boolean;
}

export interface TopologyNetwork {
  readonly name: string;
  readonly clusters: readonly TopologyCluster[];
}

export interface TopologyEnvironment {
  readonly name: string;
  readonly networks: readonly TopologyNetwork[];
}

/** Source → target: the source mirrors the target's services. `both`: the reverse link exists too, same mode. */
export interface TopologyLink {
  readonly source: string;
  readonly target: string;
  readonly mode: LinkModeName;
  readonly both: boolean;
}

export interface TopologyFederatedService {
  readonly name: string;
  readonly namespace: string;
  readonly clusters: readonly string[];
}

export interface Topology {
  readonly fleet: string;
  readonly environments: readonly TopologyEnvironment[];
  readonly links: readonly TopologyLink[];
  readonly federatedServices: readonly TopologyFederatedService[];
}

/** `links` are the document's link entries (hubs are a property of an entry, not of the expanded links). */
export function topologyOf(fleet: ResolvedFleet, links: readonly LinkSpec[] = []): Topology {
  const views = fleet.views;
  const hubs = new Set(links.flatMap((entry) => ('hub' in entry ? [entry.hub] : [])));
  const environments = fleet.environments.map((environment) => {
    const nodeOf = (cluster: ResolvedCluster): TopologyCluster => {
      const gateway = views.get(cluster.name)?.incoming.some((l) => l.mode === 'gateway');
      return {
        name: cluster.name,
        linkerd: cluster.linkerdVersion,
        ha: cluster.ha,
        ...(gateway ? { gateway: cluster.gateway.address ? { address: cluster.gateway.address } : {} } : {}),
        hub: hubs.has(cluster.name),
      };
    };
    return { name: environment.name, networks: [...groupBy(environment.clusters, (c) => c.network)].map(([name, clusters]) => ({ name, clusters: clusters.map(nodeOf) })) };
  });
  return { fleet: fleet.name, environments, links: pairLinks(fleet), federatedServices: fleet.federatedServices.map(({ name, namespace, clusters }) => ({ name, namespace, clusters })) };
}

/** One edge per pair of clusters and mode, in the order the links were declared. */
function pairLinks(fleet: ResolvedFleet): TopologyLink[] {
  const key = (source: string, target: string, mode: string) => `${source}\u0000${target}\u0000${mode}`;
  const all = new Set(fleet.links.map((l) => key(l.source, l.target, l.mode)));
  const done = new Set<string>();
  const out: TopologyLink[] = [];
  for (const l of fleet.links) {
    const forward = key(l.source, l.target, l.mode);
    const reverse = key(l.target, l.source, l.mode);
    if (done.has(forward)) continue;
    const both = all.has(reverse);
    done.add(forward);
    if (both) done.add(reverse);
    out.push({ source: l.source, target: l.target, mode: l.mode, both });
  }
  return out;
}

/** The text lines of a cluster's box, shared by every format. */
export function clusterLines(cluster: TopologyCluster): string[] {
  return [
    cluster.name,
    `Linkerd ${cluster.linkerd}${cluster.ha ? ' · HA' : ''}`,
    ...(cluster.gateway ? [`gateway${cluster.gateway.address ? ` ${cluster.gateway.address}` : ''}`] : []),
    ...(cluster.hub ? ['hub'] : []),
  ];
}

/** The name callers use for a federated service, and its namespace. */
export function federatedLines(service: TopologyFederatedService): string[] {
  return [federatedServiceName(service.name), `namespace ${service.namespace}`];
}
