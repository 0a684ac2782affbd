// Mesh routes and service protocol declarations as users write them. They live at fleet level
// (spec.routes, spec.services), each naming the clusters and/or environments it applies to: traffic
// rules belong to applications rather than to a cluster's settings, one entry serves many clusters,
// and a route reads in one place. Field names follow Gateway API where the concept is the same.

export type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TCPRoute' | 'TLSRoute';
export const ROUTE_KINDS: readonly RouteKind[] = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'];

/** Which clusters an entry applies to: the named clusters plus every cluster of the named environments. */
export interface ClusterSelection {
  readonly clusters?: readonly string[];
  readonly environments?: readonly string[];
}

/** A Service port in the route's namespace. */
export interface ServicePortRef {
  readonly name: string;
  readonly port: number;
}

export interface BackendRefSpec {
  /**
   * A Service in the route's namespace: a local one ("web"), the mirror of a linked cluster's
   * ("web-eu-2", for cross-cluster failover) or the federated service ("web-federated").
   */
  readonly name: string;
  /** @default the port of the route's service */
  readonly port?: number;
  /** Share of the rule's traffic, relative to its other backends (0 sends none). @default 1 */
  readonly weight?: number;
}

/** Gateway API duration: up to four number+unit pairs, units h, m, s, ms (e.g. "1m30s", "250ms"). */
export type GatewayDuration = string;

/** Retries, written as `retry.linkerd.io/*` annotations on the route. */
export interface RetrySpecBase {
  /** Retries per request. @default 1 (Linkerd's default) */
  readonly limit?: number;
  /** Cancel and retry an attempt that takes longer than this. @default no per-attempt timeout */
  readonly timeout?: GatewayDuration;
}

export interface HTTPRetrySpec extends RetrySpecBase {
  /** Statuses to retry: a code (503), a range ("500-504"), "5xx" or "gateway-error" (502-504). */
  readonly http?: readonly (number | string)[];
}

export type GRPCRetryCode = 'cancelled' | 'deadline-exceeded' | 'internal' | 'resource-exhausted' | 'unavailable';

export interface GRPCRetrySpec extends RetrySpecBase {
  readonly grpc?: readonly GRPCRetryCode[];
}

/** Timeouts, written as `timeout.linkerd.io/*` annotations on the route (read by every supported Linkerd). */
export interface RouteTimeoutsSpec {
  /** Whole request-response stream, retries included. */
  readonly request?: GatewayDuration;
  /** Each backend response. */
  readonly response?: GatewayDuration;
  /** Longest idle time of a stream. */
  readonly idle?: GatewayDuration;
}

export interface HeaderValue {
  readonly name: string;
  readonly value: string;
}

export interface HeaderModifierSpec {
  readonly set?: readonly HeaderValue[];
  readonly add?: readonly HeaderValue[];
  readonly remove?: readonly string[];
}

export interface ValueMatchSpec {
  /** @default "Exact" */
  readonly type?: 'Exact' | 'RegularExpression';
  readonly name: string;
  readonly value: string;
}

export type HTTPMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'CONNECT' | 'OPTIONS' | 'TRACE' | 'PATCH';

export interface HTTPRouteMatchSpec {
  /** @default type "PathPrefix" */
  readonly path?: { readonly type?: 'Exact' | 'PathPrefix' | 'RegularExpression'; readonly value: string };
  readonly headers?: readonly ValueMatchSpec[];
  readonly queryParams?: readonly ValueMatchSpec[];
  readonly method?: HTTPMethod;
}

export interface RequestRedirectSpec {
  readonly scheme?: 'http' | 'https';
  readonly hostname?: string;
  readonly port?: number;
  /** @default 302 */
  readonly statusCode?: 301 | 302;
  readonly path?:
    | { readonly type: 'ReplaceFullPath'; readonly replaceFullPath: string }
    | { readonly type: 'ReplacePrefixMatch'; readonly replacePrefixMatch: string };
}

/** The filters Linkerd applies on HTTPRoutes (it refuses routes with RequestMirror, URLRewrite or ExtensionRef). */
export interface HTTPRouteFiltersSpec {
  readonly requestHeaderModifier?: HeaderModifierSpec;
  readonly responseHeaderModifier?: HeaderModifierSpec;
  readonly requestRedirect?: RequestRedirectSpec;
}

export interface HTTPRouteRuleSpec {
  /** Any one match selects the rule. @default every request */
  readonly matches?: readonly HTTPRouteMatchSpec[];
  readonly filters?: HTTPRouteFiltersSpec;
  /** Weighted backends: a traffic split, a canary, a cross-cluster failover. @default the route's service */
  readonly backendRefs?: readonly BackendRefSpec[];
  /** The rule's own request timeout (Gateway API `rules[].timeouts.request`; Linkerd 2.20 and later read it). */
  readonly timeouts?: { readonly request?: GatewayDuration };
}

export interface GRPCRouteMatchSpec {
  /** At least one of service and method. */
  readonly method?: { readonly type?: 'Exact' | 'RegularExpression'; readonly service?: string; readonly method?: string };
  readonly headers?: readonly ValueMatchSpec[];
}

export interface GRPCRouteRuleSpec {
  readonly matches?: readonly GRPCRouteMatchSpec[];
  readonly filters?: Omit<HTTPRouteFiltersSpec, 'requestRedirect'>;
  /** @default the route's service */
  readonly backendRefs?: readonly BackendRefSpec[];
}

interface RouteSpecBase extends ClusterSelection {
  /** The route's name (a DNS label). */
  readonly name: string;
  readonly namespace: string;
  /** The Service and port the route attaches to (GAMMA parentRef: group core, kind Service). */
  readonly service: ServicePortRef;
}

export interface HTTPRouteSpec extends RouteSpecBase {
  readonly kind: 'HTTPRoute';
  readonly retry?: HTTPRetrySpec;
  readonly timeouts?: RouteTimeoutsSpec;
  readonly rules: readonly HTTPRouteRuleSpec[];
}

export interface GRPCRouteSpec extends RouteSpecBase {
  readonly kind: 'GRPCRoute';
  readonly retry?: GRPCRetrySpec;
  readonly timeouts?: RouteTimeoutsSpec;
  readonly rules: readonly GRPCRouteRuleSpec[];
}

/** Opaque TCP traffic to the service, split or failed over by weight. */
export interface TCPRouteSpec extends RouteSpecBase {
  readonly kind: 'TCPRoute';
  /** @default the route's service */
  readonly backendRefs?: readonly BackendRefSpec[];
}

/** TLS traffic (not terminated by Linkerd), routed by SNI hostname. */
export interface TLSRouteSpec extends RouteSpecBase {
  readonly kind: 'TLSRoute';
  /** SNI hostnames the route matches. @default every hostname */
  readonly hostnames?: readonly string[];
  /** @default the route's service */
  readonly backendRefs?: readonly BackendRefSpec[];
}

export type RouteSpec = HTTPRouteSpec | GRPCRouteSpec | TCPRouteSpec | TLSRouteSpec;

export interface ServiceDeclarationPortSpec {
  readonly port: number;
  /** Required when the Service has more than one port. */
  readonly name?: string;
  /** @default the port */
  readonly targetPort?: number | string;
  /**
   * How Linkerd treats the port without detecting: "linkerd.io/opaque" (or "linkerd.io/tcp"), "http"
   * (HTTP/1) or "kubernetes.io/h2c" (HTTP/2, gRPC). Any other value is treated as opaque TCP, so it is
   * refused. @default unset: Linkerd detects the protocol (which can stall server-speaks-first protocols)
   */
  readonly appProtocol?: string;
}

/**
 * A Service's protocol declaration. With a `selector`, meshfleet writes the Service itself; without
 * one, the entry states what the Service's own manifest declares, and meshfleet checks routes against it.
 */
export interface ServiceDeclarationSpec extends ClusterSelection {
  readonly name: string;
  readonly namespace: string;
  readonly selector?: Readonly<Record<string, string>>;
  readonly ports: readonly ServiceDeclarationPortSpec[];
}
