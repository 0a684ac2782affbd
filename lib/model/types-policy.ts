// The policy part of the fleet model: the namespaces the fleet meshes, the services in them and who
// may call them, rate limits, route-level policy and egress control. Callers are named in fleet terms
// (service accounts, namespaces, clusters, networks); lib/resolve/policy.ts turns them into Linkerd
// identities and networks, per cluster and per link mode.

import type { AccessPolicy as InboundPolicy } from '../compat/access-policies.ts';

/** How the inbound proxy treats a port (Server `proxyProtocol`); "unknown" detects the protocol. */
export type ProxyProtocol = 'unknown' | 'HTTP/1' | 'HTTP/2' | 'gRPC' | 'opaque' | 'TLS';

export interface PolicySpec {
  /** Services with the ports their pods serve and who may call them. */
  readonly services?: readonly MeshServiceSpec[];
  /** Egress control: traffic leaving the clusters. */
  readonly egress?: readonly EgressNetworkSpec[];
}

/**
 * A namespace the fleet knows. meshfleet writes the Namespace object (with its mesh annotations) in
 * the mesh chart of every cluster it is on, unless `manage` is false.
 */
export interface NamespaceSpec {
  /** The namespace's name (a DNS label). @example shop */
  readonly name: string;
  /** Clusters the namespace is on. @default every cluster */
  readonly clusters?: readonly string[];
  /**
   * meshfleet writes the Namespace object. false: another tool owns it (an ingress controller's chart,
   * a monitoring stack); it is declared only so that policies can name it and its service accounts.
   * @default true
   */
  readonly manage?: boolean;
  /** Proxy injection for the namespace's pods (annotation `linkerd.io/inject`). @default "enabled" */
  readonly inject?: 'enabled' | 'disabled';
  /**
   * Default inbound policy of the namespace's pods (annotation `config.linkerd.io/default-inbound-policy`).
   * "audit" also puts every Server of the namespace in audit mode. @default the cluster's
   */
  readonly defaultInboundPolicy?: InboundPolicy;
  /**
   * The service accounts the namespace's workloads run as. When given, every caller and rate-limit client
   * in this namespace must be one of them or the `serviceAccount` of a service. @default not checked
   */
  readonly serviceAccounts?: readonly string[];
}

/**
 * A service: where it runs, the ports its pods serve and who may call it. Every port gets a Server
 * whose access policy denies (or audits) whatever no `allow` entry names.
 */
export interface MeshServiceSpec {
  /** The Service's name (a DNS label); names its Servers `<name>-<port name>`. @example orders */
  readonly name: string;
  /** The namespace it runs in (one of spec.namespaces). @example shop */
  readonly namespace: string;
  /** The clusters it runs on; each gets its Servers and policies. @example [eu-1, eu-2] */
  readonly clusters: readonly string[];
  /** Labels of the service's pods. @default { app: <name> } */
  readonly podSelector?: Readonly<Record<string, string>>;
  /** The service account its pods run as; declares it for caller checks. @default none declared */
  readonly serviceAccount?: string;
  /** The ports its pods serve; each gets a Server. */
  readonly ports: readonly ServicePortSpec[];
  /** Who may call the service: every port, or the ports an entry names. Nobody else. @default nobody */
  readonly allow?: readonly CallerSpec[];
  /**
   * What a Server does with traffic no allow entry matches. "audit" allows it and reports it.
   * @default "deny", or "audit" when the namespace's (else the cluster's) default inbound policy is audit
   */
  readonly accessPolicy?: InboundPolicy;
  /** Authorization of single routes (inbound routes: their parent is one of this service's Servers). */
  readonly routes?: readonly RoutePolicySpec[];
}

/** A port a service's pods serve. */
export interface ServicePortSpec {
  /** IANA service name (lowercase, at most 15 characters); the Server is `<service>-<name>`. */
  readonly name: string;
  /** The Service port. */
  readonly port: number;
  /** The pods' port, a number or a container port name; the Server selects it. @default port */
  readonly targetPort?: number | string;
  /** How the inbound proxy treats the port (Server `proxyProtocol`). @default "unknown" (the proxy detects the protocol) */
  readonly protocol?: ProxyProtocol;
  /** An HTTPLocalRateLimitPolicy on this port's Server (HTTP, HTTP/2 and gRPC only). */
  readonly rateLimit?: RateLimitSpec;
}

/**
 * Who may call. Exactly one form:
 * - `serviceAccount`: workloads running as it, in `namespace` (default: the service's) on `clusters`
 *   (default: the cluster the server runs on);
 * - `namespace` alone: every workload of the namespace on `clusters`;
 * - `cluster`: every meshed workload of a cluster (by its pod network, or its gateway's identity);
 * - `network`: any client from a CIDR, meshed or not;
 * - `unauthenticated`: anyone.
 * `ports` limits an entry to some of the service's ports (names). @default every port
 */
export type CallerSpec =
  | ServiceAccountCallerSpec
  | NamespaceCallerSpec
  | ClusterCallerSpec
  | NetworkCallerSpec
  | UnauthenticatedCallerSpec;

/** Workloads running as a service account. */
export interface ServiceAccountCallerSpec {
  /** The service account the callers run as. @example web */
  readonly serviceAccount: string;
  /** Its namespace. @default the service's namespace */
  readonly namespace?: string;
  /** Clusters the callers run on. @default the cluster the server runs on */
  readonly clusters?: readonly string[];
  /** Port names of the service this entry opens. @default every port */
  readonly ports?: readonly string[];
}

/** Every workload of a namespace. */
export interface NamespaceCallerSpec {
  /** The callers' namespace. @example shop */
  readonly namespace: string;
  /** Clusters the callers run on. @default the cluster the server runs on */
  readonly clusters?: readonly string[];
  /** Port names of the service this entry opens. @default every port */
  readonly ports?: readonly string[];
}

/** Every meshed workload of a cluster (by its pod network on a flat link, its gateway's identity otherwise). */
export interface ClusterCallerSpec {
  /** The calling cluster. @example eu-2 */
  readonly cluster: string;
  /** Port names of the service this entry opens. @default every port */
  readonly ports?: readonly string[];
}

/** Any client from a network, meshed or not. */
export interface NetworkCallerSpec extends NetworkSpec {
  /** The callers' network in CIDR notation. @example 10.0.0.0/8 */
  readonly network: string;
  /** Port names of the service this entry opens. @default every port */
  readonly ports?: readonly string[];
}

/** Anyone, without authentication. */
export interface UnauthenticatedCallerSpec {
  /** Always true: the port is open to every client. */
  readonly unauthenticated: true;
  /** Port names of the service this entry opens. @default every port */
  readonly ports?: readonly string[];
}

export interface NetworkSpec {
  /** Addresses inside the network that are left out. */
  readonly except?: readonly string[];
}

/** Route-level policy: an AuthorizationPolicy that targets one inbound route. */
export interface RoutePolicySpec {
  /** Kind of the route. */
  readonly kind: 'HTTPRoute' | 'GRPCRoute';
  /** The route's group: Linkerd authorizes HTTPRoutes of policy.linkerd.io and GRPCRoutes of gateway.networking.k8s.io only. @default "policy.linkerd.io" for an HTTPRoute, "gateway.networking.k8s.io" for a GRPCRoute */
  readonly group?: 'gateway.networking.k8s.io' | 'policy.linkerd.io';
  /** Name of the route (one of spec.routes, or a route applied by other means). */
  readonly name: string;
  /** Namespace of the route. @default the service's namespace */
  readonly namespace?: string;
  /** Who may call the route (entries without `ports`: the route decides the port). */
  readonly allow: readonly CallerSpec[];
}

/** Requests per second; a Server takes one rate limit policy. */
export interface RateLimitSpec {
  /** For all clients together. @default no overall limit */
  readonly total?: number;
  /** For each client identity (all unmeshed clients count as one). @default none */
  readonly identity?: number;
  /** Limits for named clients instead of `identity`; each at most `total`. */
  readonly overrides?: readonly RateLimitOverrideSpec[];
}

/** A rate limit for some clients. */
export interface RateLimitOverrideSpec {
  /** Requests per second allowed for these clients (in place of `identity`). */
  readonly requestsPerSecond: number;
  /** The clients, by service account. */
  readonly clients: readonly ServiceAccountRefSpec[];
}

/** A service account, as a client of a rate limit. */
export interface ServiceAccountRefSpec {
  /** Name of the service account. @example web */
  readonly serviceAccount: string;
  /** Its namespace. @default the service's namespace */
  readonly namespace?: string;
}

/**
 * An EgressNetwork: traffic to destinations outside the cluster is allowed or denied unless a route
 * attached to it says otherwise. In the global egress namespace it applies to every namespace.
 */
export interface EgressNetworkSpec {
  /** Name of the EgressNetwork (a DNS label). @example internet */
  readonly name: string;
  /** Its namespace. @default the cluster's global egress namespace ("linkerd-egress") */
  readonly namespace?: string;
  /** Clusters that get it. @default every cluster */
  readonly clusters?: readonly string[];
  /** What happens to traffic to these destinations that no route attached to it matches. */
  readonly trafficPolicy: 'Allow' | 'Deny';
  /** The destinations it covers. @default every address outside the cluster networks */
  readonly networks?: readonly EgressNetworkRangeSpec[];
}

/** Destinations of an EgressNetwork. */
export interface EgressNetworkRangeSpec extends NetworkSpec {
  /** The destination range in CIDR notation. @example 0.0.0.0/0 */
  readonly cidr: string;
}
