// The policy model resolved: defaults filled, callers turned into what a cluster's inbound proxy can
// verify, and per cluster the exact objects to emit. Callers are named in fleet terms; which identity
// or network a callee sees depends on how the caller's cluster reaches the server's cluster:
// - the same cluster, or a flat link: the caller's own workload identity (every cluster shares the
//   trust domain, so a service account has the same identity string everywhere) and its pod IP;
// - a gateway link: the identity of the server cluster's multicluster gateway, whoever called;
// - no link: the caller cannot reach the server at all.
// lib/check/policy-rules.ts reports what this module cannot resolve; here it is left out quietly.
import { AUTHORIZABLE_ROUTE_GROUP } from '../compat/policy-targets.ts';
import { DEFAULT_GLOBAL_EGRESS_NAMESPACE } from '../compat/linkerd-releases.ts';
import { gatewayIdentityFor } from '../compat/multicluster-names.ts';
import { ANY_MESH_IDENTITY, namespaceIdentityFor, serviceAccountIdentityFor } from '../compat/linkerd-names.ts';
import { pointer } from '../model/diagnostics.ts';
import type {
  CallerSpec,
  EgressNetworkSpec,
  FleetSpec,
  InboundPolicy,
  LinkModeName,
  MeshServiceSpec,
  ProxyProtocol,
  RateLimitSpec,
} from '../model/types.ts';
import type { ResolvedLink } from './links.ts';

export interface ResolvedNamespace {
  readonly name: string;
  readonly clusters: readonly string[];
  readonly manage: boolean;
  /** As written; a managed namespace without it gets "enabled". */
  readonly inject?: 'enabled' | 'disabled';
  readonly defaultInboundPolicy?: InboundPolicy;
  /** Declared service accounts; absent: the namespace's accounts are not known. */
  readonly serviceAccounts?: readonly string[];
  readonly path: string;
}

export interface ResolvedMeshService extends MeshServiceSpec {
  readonly podSelector: Readonly<Record<string, string>>;
  readonly path: string;
}

export interface ResolvedEgressNetwork extends EgressNetworkSpec {
  readonly clusters: readonly string[];
  readonly path: string;
}

export interface ResolvedPolicy {
  readonly namespaces: readonly ResolvedNamespace[];
  readonly services: readonly ResolvedMeshService[];
  readonly egress: readonly ResolvedEgressNetwork[];
}

export function policyOf(spec: FleetSpec): ResolvedPolicy {
  // Each name once: a duplicated cluster entry is its own error (MF3101), not a namespace declared twice.
  const allClusters = [...new Set(spec.clusters.map((c) => c.name))];
  return {
    namespaces: (spec.namespaces ?? []).map((ns, i) => ({
      name: ns.name,
      clusters: ns.clusters ? [...ns.clusters] : allClusters,
      manage: ns.manage ?? true,
      ...(ns.inject ? { inject: ns.inject } : {}),
      ...(ns.defaultInboundPolicy ? { defaultInboundPolicy: ns.defaultInboundPolicy } : {}),
      ...(ns.serviceAccounts ? { serviceAccounts: [...ns.serviceAccounts] } : {}),
      path: `/spec/namespaces${pointer(i)}`,
    })),
    services: (spec.policy?.services ?? []).map((s, i) => ({
      ...s,
      podSelector: s.podSelector ?? { app: s.name },
      path: `/spec/policy/services${pointer(i)}`,
    })),
    egress: (spec.policy?.egress ?? []).map((e, i) => ({
      ...e,
      clusters: e.clusters ? [...e.clusters] : allClusters,
      path: `/spec/policy/egress${pointer(i)}`,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Callers

export interface NetworkRange {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/** Every address: "unauthenticated" callers. */
export const EVERY_NETWORK: readonly NetworkRange[] = [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }];

/** How one caller reaches a server on one cluster. */
export type CallerReach =
  /** Mesh identities the server sees (the caller's own, or the gateway's). */
  | { readonly kind: 'identities'; readonly from: string; readonly via: 'local' | 'flat' | 'gateway'; readonly identities: readonly string[] }
  /** A whole cluster on the server's network: its pod range, meshed clients only. */
  | { readonly kind: 'podNetwork'; readonly from: string; readonly via: 'local' | 'flat'; readonly cidr?: string }
  /** Client addresses, meshed or not. */
  | { readonly kind: 'networks'; readonly networks: readonly NetworkRange[] }
  /** The caller's cluster has no link to the server's. */
  | { readonly kind: 'unlinked'; readonly from: string };

export interface PolicyContext {
  readonly trustDomain: string;
  /** Pod range of each cluster, where known. */
  readonly podCIDRs: ReadonlyMap<string, string | undefined>;
  /** Link mode by "<source> <target>". */
  readonly links: ReadonlyMap<string, LinkModeName>;
}

export function policyContext(fleet: {
  readonly trust: { readonly domain: string };
  readonly clusters: readonly { readonly name: string; readonly podCIDR?: string }[];
  readonly links: readonly ResolvedLink[];
}): PolicyContext {
  return {
    trustDomain: fleet.trust.domain,
    podCIDRs: new Map(fleet.clusters.map((c) => [c.name, c.podCIDR])),
    links: new Map(fleet.links.map((l) => [linkKey(l.source, l.target), l.mode])),
  };
}

function linkKey(source: string, target: string): string {
  return `${source} ${target}`;
}

/** The clusters a caller entry names; absent: the cluster the server runs on. */
export function callerClusters(caller: CallerSpec, serverCluster: string): readonly string[] {
  if ('cluster' in caller) return [caller.cluster];
  if ('serviceAccount' in caller || 'namespace' in caller) return caller.clusters ?? [serverCluster];
  return [];
}

/** What the server on `serverCluster` sees of `caller` (one entry per caller cluster). */
export function reachOf(caller: CallerSpec, serverCluster: string, serviceNamespace: string, ctx: PolicyContext): CallerReach[] {
  if ('unauthenticated' in caller) return [{ kind: 'networks', networks: EVERY_NETWORK }];
  if ('network' in caller) return [{ kind: 'networks', networks: [{ cidr: caller.network, ...(caller.except ? { except: [...caller.except] } : {}) }] }];
  return callerClusters(caller, serverCluster).map((from): CallerReach => {
    const via = from === serverCluster ? 'local' : ctx.links.get(linkKey(from, serverCluster));
    if (via === undefined) return { kind: 'unlinked', from };
    // Through a gateway the server sees the gateway's identity, whoever called.
    if (via === 'gateway') return { kind: 'identities', from, via, identities: [gatewayIdentityFor(ctx.trustDomain)] };
    if ('cluster' in caller) return { kind: 'podNetwork', from, via, cidr: ctx.podCIDRs.get(from) };
    const namespace = caller.namespace ?? serviceNamespace;
    const identity = 'serviceAccount' in caller
      ? serviceAccountIdentityFor(caller.serviceAccount, namespace, ctx.trustDomain)
      : namespaceIdentityFor(namespace, ctx.trustDomain);
    return { kind: 'identities', from, via, identities: [identity] };
  });
}

// ---------------------------------------------------------------------------------------------
// Objects per cluster

export interface PolicyTarget {
  readonly group: string;
  readonly kind: 'Server' | 'HTTPRoute' | 'GRPCRoute';
  readonly name: string;
}

export interface NamespaceObject {
  readonly name: string;
  /** @default no injection annotation */
  readonly inject?: 'enabled' | 'disabled';
  readonly defaultInboundPolicy?: InboundPolicy;
}

export interface ServerObject {
  readonly name: string;
  readonly namespace: string;
  /** The service the Server belongs to. */
  readonly service: string;
  readonly podSelector: Readonly<Record<string, string>>;
  readonly port: number | string;
  readonly proxyProtocol: ProxyProtocol;
  readonly accessPolicy: InboundPolicy;
}

/** One AuthorizationPolicy and the authentications it requires (all of them). */
export interface AuthorizationObject {
  /** Names the AuthorizationPolicy and its MeshTLSAuthentication and NetworkAuthentication. */
  readonly name: string;
  readonly namespace: string;
  readonly target: PolicyTarget;
  /** Accepted mesh identities (any of them); `*` is any meshed client. @default no mTLS requirement */
  readonly identities?: readonly string[];
  /** Accepted client networks (any of them). @default no network requirement */
  readonly networks?: readonly NetworkRange[];
}

export interface RateLimitObject {
  readonly name: string;
  readonly namespace: string;
  readonly server: string;
  readonly limit: RateLimitSpec;
  /** The namespace of override clients that name none. */
  readonly clientNamespace: string;
}

export interface EgressObject {
  readonly name: string;
  /** The cluster's global egress namespace makes it apply to every namespace. */
  readonly namespace: string;
  /** What happens to egress traffic no route attached to the network describes. */
  readonly trafficPolicy: 'Allow' | 'Deny';
  /** @default every address outside the cluster networks */
  readonly networks?: readonly NetworkRange[];
}

export interface ClusterPolicyView {
  readonly namespaces: readonly NamespaceObject[];
  readonly servers: readonly ServerObject[];
  readonly authorizations: readonly AuthorizationObject[];
  readonly rateLimits: readonly RateLimitObject[];
  readonly egressNetworks: readonly EgressObject[];
}

export const SERVER_TARGET = { group: 'policy.linkerd.io', kind: 'Server' } as const;

export function serverName(service: string, port: string): string {
  return `${service}-${port}`;
}

/** Authorizations of a route are named after it and its kind: a route may share a Server's name. */
export function routeTargetName(route: { readonly kind: string; readonly name: string }): string {
  return `${route.name}-${route.kind.toLowerCase()}`;
}

interface ClusterFacts {
  readonly name: string;
  readonly proxy: { readonly defaultInboundPolicy?: InboundPolicy };
  readonly controlPlane: { readonly values?: Readonly<Record<string, unknown>> };
}

/** Each cluster's policy objects, by cluster name (undefined for a name that is no cluster of the fleet). */
export interface PolicyViews {
  get(cluster: string): ClusterPolicyView | undefined;
}

/**
 * Each cluster's policy objects, each made when first asked for: a render thread asks for those of
 * the clusters it renders as it comes to them (at 1000 clusters, every view made at once took a
 * render worker ~70 ms before its first cluster, for clusters the main thread renders too).
 */
export function policyViews(fleet: {
  readonly clusters: readonly ClusterFacts[];
  readonly policy: ResolvedPolicy;
  readonly policyContext: PolicyContext;
}): PolicyViews {
  const ctx = fleet.policyContext;
  // Each cluster's share of the policy, all made in one pass at the first question, so that rendering stays linear in the fleet size.
  let shares: Map<string, { cluster: ClusterFacts; share: ResolvedPolicy }> | undefined;
  const shareOut = () => {
    const made = new Map<string, { cluster: ClusterFacts; share: { namespaces: ResolvedNamespace[]; services: ResolvedMeshService[]; egress: ResolvedEgressNetwork[] } }>();
    for (const c of fleet.clusters) made.set(c.name, { cluster: c, share: { namespaces: [], services: [], egress: [] } });
    // Once each: the fleet schema holds every list of clusters to unique items.
    for (const ns of fleet.policy.namespaces) for (const c of ns.clusters) made.get(c)?.share.namespaces.push(ns);
    for (const s of fleet.policy.services) for (const c of s.clusters) made.get(c)?.share.services.push(s);
    for (const e of fleet.policy.egress) for (const c of e.clusters) made.get(c)?.share.egress.push(e);
    return made;
  };
  const views = new Map<string, ClusterPolicyView>();
  return {
    get(name) {
      let view = views.get(name);
      if (view === undefined) {
        const found = (shares ??= shareOut()).get(name);
        if (!found) return undefined;
        views.set(name, (view = policyViewOf(found.cluster, found.share, ctx)));
      }
      return view;
    },
  };
}

/**
 * The objects of one cluster, from the policy entries that name it (its share: policyViews, made in
 * one pass; an entry without clusters names all of them, so searching its list again for each
 * cluster would make the fleet's views quadratic).
 */
function policyViewOf(cluster: ClusterFacts, share: ResolvedPolicy, ctx: PolicyContext): ClusterPolicyView {
  const namespaces = share.namespaces;
  const servers: ServerObject[] = [];
  const authorizations: AuthorizationObject[] = [];
  const rateLimits: RateLimitObject[] = [];

  for (const service of share.services) {
    const accessPolicy = service.accessPolicy ?? inheritedAccessPolicy(cluster, namespaces.find((ns) => ns.name === service.namespace));
    for (const port of service.ports) {
      const name = serverName(service.name, port.name);
      servers.push({
        name,
        namespace: service.namespace,
        service: service.name,
        podSelector: service.podSelector,
        port: port.targetPort ?? port.port,
        proxyProtocol: port.protocol ?? 'unknown',
        accessPolicy,
      });
      const callers = (service.allow ?? []).filter((c) => !c.ports || c.ports.includes(port.name));
      authorizations.push(...authorizationsFor(name, service.namespace, { ...SERVER_TARGET, name }, callers, cluster.name, service.namespace, ctx));
      if (port.rateLimit) {
        rateLimits.push({ name, namespace: service.namespace, server: name, limit: port.rateLimit, clientNamespace: service.namespace });
      }
    }
    for (const route of service.routes ?? []) {
      const target = { group: route.group ?? AUTHORIZABLE_ROUTE_GROUP[route.kind], kind: route.kind, name: route.name };
      authorizations.push(...authorizationsFor(routeTargetName(route), route.namespace ?? service.namespace, target, route.allow, cluster.name, service.namespace, ctx));
    }
  }

  const globalEgress = globalEgressNamespaceOf(cluster);
  const egressNetworks = share.egress.map((e): EgressObject => ({
    name: e.name,
    namespace: e.namespace ?? globalEgress,
    trafficPolicy: e.trafficPolicy,
    ...(e.networks ? { networks: e.networks.map((n) => ({ cidr: n.cidr, ...(n.except ? { except: [...n.except] } : {}) })) } : {}),
  }));

  const namespaceObjects: NamespaceObject[] = namespaces
    .filter((ns) => ns.manage)
    .map((ns) => ({ name: ns.name, inject: ns.inject ?? 'enabled', ...(ns.defaultInboundPolicy ? { defaultInboundPolicy: ns.defaultInboundPolicy } : {}) }));
  // The global egress namespace holds configuration only; the control plane chart does not create it.
  if (egressNetworks.some((e) => e.namespace === globalEgress) && !namespaces.some((ns) => ns.name === globalEgress)) {
    namespaceObjects.push({ name: globalEgress });
  }
  return { namespaces: namespaceObjects, servers, authorizations, rateLimits, egressNetworks };
}

/** A Server denies what no authorization allows, unless the nearest default says audit. */
function inheritedAccessPolicy(cluster: ClusterFacts, namespace: ResolvedNamespace | undefined): InboundPolicy {
  const nearest = namespace?.defaultInboundPolicy ?? cluster.proxy.defaultInboundPolicy;
  return nearest === 'audit' ? 'audit' : 'deny';
}

export function globalEgressNamespaceOf(cluster: Pick<ClusterFacts, 'controlPlane'>): string {
  const egress = cluster.controlPlane.values?.egress as { globalEgressNetworkNamespace?: unknown } | undefined;
  return typeof egress?.globalEgressNetworkNamespace === 'string' ? egress.globalEgressNetworkNamespace : DEFAULT_GLOBAL_EGRESS_NAMESPACE;
}

/**
 * The AuthorizationPolicies of one target: at most three, so that callers that resolve alike (a
 * service account listed twice, a local and a flat-linked caller with the same identity, several
 * callers behind one gateway) share one policy:
 * - `<target>-identities`: any of the callers' mesh identities;
 * - `<target>-networks`: any client from the callers' networks;
 * - `<target>-clusters`: meshed clients from the pod ranges of whole clusters.
 */
export function authorizationsFor(
  targetName: string,
  namespace: string,
  target: PolicyTarget,
  callers: readonly CallerSpec[],
  serverCluster: string,
  serviceNamespace: string,
  ctx: PolicyContext,
): AuthorizationObject[] {
  const identities = new Set<string>();
  const networks = new Map<string, NetworkRange>();
  const podNetworks = new Map<string, NetworkRange>();
  for (const caller of callers) {
    for (const reach of reachOf(caller, serverCluster, serviceNamespace, ctx)) {
      if (reach.kind === 'identities') for (const identity of reach.identities) identities.add(identity);
      else if (reach.kind === 'networks') for (const n of reach.networks) networks.set(JSON.stringify(n), n);
      else if (reach.kind === 'podNetwork' && reach.cidr) podNetworks.set(reach.cidr, { cidr: reach.cidr });
    }
  }
  const out: AuthorizationObject[] = [];
  const base = { namespace, target };
  if (identities.size) out.push({ name: `${targetName}-identities`, ...base, identities: withoutCovered([...identities]) });
  if (networks.size) out.push({ name: `${targetName}-networks`, ...base, networks: [...networks.values()] });
  if (podNetworks.size) out.push({ name: `${targetName}-clusters`, ...base, identities: [ANY_MESH_IDENTITY], networks: [...podNetworks.values()] });
  return out;
}

/** Drops identities a namespace wildcard already accepts ("web.shop…" next to "*.shop…"). */
function withoutCovered(identities: readonly string[]): string[] {
  const wildcards = identities.filter((i) => i.startsWith('*.')).map((w) => w.slice(1));
  return identities.filter((i) => i.startsWith('*') || !wildcards.includes(i.slice(i.indexOf('.'))));
}
