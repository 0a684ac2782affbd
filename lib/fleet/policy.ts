// TypeScript front door for the policy model: each class or function builds exactly the fleet-file
// entry of the same name (spec.namespaces, spec.policy.services, spec.policy.egress), and throws early
// on a value that can never be right.
import type {
  CallerSpec,
  EgressNetworkSpec,
  MeshServiceSpec,
  NamespaceSpec,
  RoutePolicySpec,
  ServiceExportSpec,
} from '../model/types.ts';
import { assertCidrText, assertDnsLabel, assertObjectName } from './asserts.ts';
import { nameOf, namesOf, type ICluster } from './refs.ts';
import { DefinitionError } from './source-location.ts';

export interface CallerOptions {
  /** Names of the service's ports the caller may use. @default every port */
  readonly ports?: readonly string[];
}

export interface WorkloadCallerOptions extends CallerOptions {
  /** Clusters the callers run on. @default the cluster the server runs on */
  readonly clusters?: readonly (ICluster | string)[];
}

/** Who may call a service, in fleet terms; resolved per cluster and link mode into identities or networks. */
export class Caller {
  /** Workloads running as a service account, in `namespace` (default: the service's). */
  static serviceAccount(name: string, options: WorkloadCallerOptions & { readonly namespace?: string } = {}): Caller {
    assertObjectName(name, 'service account', 'Caller.serviceAccount');
    if (options.namespace !== undefined) assertDnsLabel(options.namespace, 'namespace', 'Caller.serviceAccount');
    return new Caller({ serviceAccount: name, ...namespaceOf(options), ...clustersOf(options), ...portsOf(options) });
  }

  /** Every workload of a namespace. */
  static namespace(name: string, options: WorkloadCallerOptions = {}): Caller {
    assertDnsLabel(name, 'namespace', 'Caller.namespace');
    return new Caller({ namespace: name, ...clustersOf(options), ...portsOf(options) });
  }

  /**
   * Every meshed workload of a cluster: recognized by its pod network (the same cluster, or a flat
   * link), or by its gateway's identity (a gateway link, which then admits every cluster behind it).
   */
  static cluster(cluster: ICluster | string, options: CallerOptions = {}): Caller {
    assertDnsLabel(nameOf(cluster), 'cluster', 'Caller.cluster');
    return new Caller({ cluster: nameOf(cluster), ...portsOf(options) });
  }

  /** Any client from a network, meshed or not. */
  static network(cidr: string, options: CallerOptions & { readonly except?: readonly string[] } = {}): Caller {
    assertCidrText(cidr, 'Caller.network');
    for (const address of options.except ?? []) assertCidrText(address.includes('/') ? address : `${address}/${address.includes(':') ? 128 : 32}`, 'Caller.network except');
    return new Caller({ network: cidr, ...(options.except?.length ? { except: [...options.except] } : {}), ...portsOf(options) });
  }

  /** Anyone, meshed or not, from anywhere. */
  static unauthenticated(options: CallerOptions = {}): Caller {
    return new Caller({ unauthenticated: true, ...portsOf(options) });
  }

  private constructor(readonly spec: CallerSpec) {}
}

/** Route-level policy: who may call one inbound route (its parent is one of the service's Servers). */
export class RoutePolicy {
  static httpRoute(name: string, props: { readonly group?: 'gateway.networking.k8s.io' | 'policy.linkerd.io'; readonly namespace?: string; readonly allow: readonly Caller[] }): RoutePolicy {
    return new RoutePolicy({ kind: 'HTTPRoute', ...(props.group ? { group: props.group } : {}), name, ...namespaceOf(props), allow: routeCallers(name, props.allow) });
  }

  static grpcRoute(name: string, props: { readonly namespace?: string; readonly allow: readonly Caller[] }): RoutePolicy {
    return new RoutePolicy({ kind: 'GRPCRoute', name, ...namespaceOf(props), allow: routeCallers(name, props.allow) });
  }

  private constructor(readonly spec: RoutePolicySpec) {}
}

export interface NamespaceProps extends Omit<NamespaceSpec, 'name' | 'clusters'> {
  /** Clusters that have the namespace. @default every cluster */
  readonly clusters?: readonly (ICluster | string)[];
}

export interface EgressNetworkProps extends Omit<EgressNetworkSpec, 'name' | 'clusters'> {
  /** Clusters that get the EgressNetwork. @default every cluster */
  readonly clusters?: readonly (ICluster | string)[];
}

/** The spec.namespaces entry. */
export function namespaceSpec(name: string, props: NamespaceProps): NamespaceSpec {
  return withClusters({ name, ...props }) as NamespaceSpec;
}

/** The spec.policy.egress entry. */
export function egressNetworkSpec(name: string, props: EgressNetworkProps): EgressNetworkSpec {
  return withClusters({ name, ...props }) as EgressNetworkSpec;
}

// Cluster references become names where the entry lists them; key order kept.
function withClusters<T extends { readonly clusters?: readonly (ICluster | string)[] }>(entry: T): object {
  return Object.fromEntries(Object.entries(entry).map(([key, value]) => [key, key === 'clusters' ? namesOf(value as readonly (ICluster | string)[]) : value]));
}

/** A spec.policy.services entry without its name, with clusters, callers and route policies as objects. */
export interface MeshServiceProps extends Omit<MeshServiceSpec, 'name' | 'allow' | 'routes' | 'clusters'> {
  /** The clusters it runs on; each gets its Servers and policies. */
  readonly clusters: readonly (ICluster | string)[];
  /** @default nobody */
  readonly allow?: readonly Caller[];
  readonly routes?: readonly RoutePolicy[];
}

/** The spec.policy.services entry for a service. */
export function meshServiceSpec(name: string, props: MeshServiceProps): MeshServiceSpec {
  return {
    name,
    namespace: props.namespace,
    clusters: namesOf(props.clusters),
    ...(props.podSelector ? { podSelector: { ...props.podSelector } } : {}),
    ...(props.serviceAccount ? { serviceAccount: props.serviceAccount } : {}),
    ports: props.ports.map((p) => ({ ...p })),
    ...(props.allow?.length ? { allow: props.allow.map((c) => c.spec) } : {}),
    ...(props.accessPolicy ? { accessPolicy: props.accessPolicy } : {}),
    ...(props.routes?.length ? { routes: props.routes.map((r) => r.spec) } : {}),
  };
}

/**
 * What applications (fleet.addApp) declare through their meshed workloads, per cluster, merged into
 * fleet entries: a service that runs alike on several clusters is one entry with those clusters.
 */
export class AppDeclarations {
  private readonly services: { spec: MeshServiceSpec; source: string }[] = [];
  private readonly exportsList: { spec: ServiceExportSpec; source: string }[] = [];
  private readonly federations: { name: string; namespace: string; cluster: string; source: string }[] = [];

  addMeshService(spec: MeshServiceSpec, source: string): void {
    this.services.push({ spec, source });
  }

  exportService(spec: ServiceExportSpec, source: string): void {
    this.exportsList.push({ spec, source });
  }

  federate(member: { readonly name: string; readonly namespace: string; readonly cluster: string }, source: string): void {
    this.federations.push({ ...member, source });
  }

  /** Services in first-declared order; entries equal but for their clusters are merged. */
  meshServices(): { readonly spec: MeshServiceSpec; readonly source: string }[] {
    const merged = new Map<string, { spec: MeshServiceSpec; source: string }>();
    for (const { spec, source } of this.services) {
      const key = JSON.stringify({ ...spec, clusters: undefined });
      const first = merged.get(key);
      if (first) first.spec = { ...first.spec, clusters: [...first.spec.clusters, ...spec.clusters.filter((c) => !first.spec.clusters.includes(c))] };
      else merged.set(key, { spec, source });
    }
    return [...merged.values()];
  }

  exports(): readonly { readonly spec: ServiceExportSpec; readonly source: string }[] {
    return this.exportsList;
  }

  /** Federated services, one per name and namespace, with the member clusters in declared order. */
  federatedServices(): { spec: { name: string; namespace: string; clusters: string[] }; source: string }[] {
    const merged = new Map<string, { spec: { name: string; namespace: string; clusters: string[] }; source: string }>();
    for (const f of this.federations) {
      const key = `${f.namespace}/${f.name}`;
      const entry = merged.get(key) ?? { spec: { name: f.name, namespace: f.namespace, clusters: [] }, source: f.source };
      if (!entry.spec.clusters.includes(f.cluster)) entry.spec.clusters.push(f.cluster);
      merged.set(key, entry);
    }
    return [...merged.values()];
  }
}

function namespaceOf(options: { readonly namespace?: string }) {
  return options.namespace !== undefined ? { namespace: options.namespace } : {};
}

function clustersOf(options: WorkloadCallerOptions) {
  return options.clusters?.length ? { clusters: namesOf(options.clusters) } : {};
}

function portsOf(options: CallerOptions) {
  return options.ports?.length ? { ports: [...options.ports] } : {};
}

function routeCallers(route: string, callers: readonly Caller[]): CallerSpec[] {
  if (!callers.length) throw new DefinitionError(`RoutePolicy ${route}: no callers. Fix: allow at least one caller, or drop the route policy`);
  for (const caller of callers) {
    if ('ports' in caller.spec && caller.spec.ports) {
      throw new DefinitionError(`RoutePolicy ${route}: a route caller cannot name ports (${caller.spec.ports.join(', ')}). Fix: leave ports out; the route's Server decides the port`);
    }
  }
  return callers.map((c) => c.spec);
}
