// Mesh routes and service protocol declarations as users write them. They live at fleet level
// (spec.routes, spec.services), each naming the clusters and/or environments it applies to: traffic
// rules belong to applications rather than to a cluster's settings, one entry serves many clusters,
// and a route reads in one place. Field names follow Gateway API where the concept is the same.

import { ROUTE_KINDS, type RouteKind } from '../compat/gateway-api.ts';

export { ROUTE_KINDS, type RouteKind };

/** Which clusters an entry applies to: the named clusters plus every cluster of the named environments. */
export interface ClusterSelection {
  /** Clusters the entry applies to. @example [eu-1] */
  readonly clusters?: readonly string[];
  /** Environments whose every cluster the entry applies to. @example [prod] */
  readonly environments?: readonly string[];
}

/** A Service port in the route's namespace. */
export interface ServicePortRef {
  /** The Service's name. @example web */
  readonly name: string;
  /** The Service port. @example 8080 */
  readonly port: number;
}

export interface BackendRefSpec {
  /**
   * A Service in the route's namespace: a local one ("web"), the mirror of a linked cluster's
   * ("web-eu-2", for cross-cluster failover) or the federated service ("web-federated").
   */
  readonly name: string;
  /** The backend Service's port. @default the port of the route's service */
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
  /** gRPC statuses to retry. @example [unavailable] */
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

/** A header and its value. */
export interface HeaderValue {
  /** Header name. @example x-env */
  readonly name: string;
  /** Header value. */
  readonly value: string;
}

/** Header changes (Gateway API HTTPHeaderFilter). */
export interface HeaderModifierSpec {
  /** Headers to set, replacing any value they have. */
  readonly set?: readonly HeaderValue[];
  /** Headers to add to the values they have. */
  readonly add?: readonly HeaderValue[];
  /** Names of headers to remove. */
  readonly remove?: readonly string[];
}

/** A header or query parameter match. */
export interface ValueMatchSpec {
  /** How `value` is compared. @default "Exact" */
  readonly type?: 'Exact' | 'RegularExpression';
  /** Header or query parameter name. */
  readonly name: string;
  /** The value, or a regular expression. */
  readonly value: string;
}

export type HTTPMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'CONNECT' | 'OPTIONS' | 'TRACE' | 'PATCH';

/** What a request must match; every condition given must hold. */
export interface HTTPRouteMatchSpec {
  /** The request path. @default every path */
  readonly path?: {
    /** How `value` is compared. @default "PathPrefix" */
    readonly type?: 'Exact' | 'PathPrefix' | 'RegularExpression';
    /** The path, a prefix or a regular expression. @example /api */
    readonly value: string;
  };
  /** Headers the request must have. */
  readonly headers?: readonly ValueMatchSpec[];
  /** Query parameters the request must have. */
  readonly queryParams?: readonly ValueMatchSpec[];
  /** The request's HTTP method. @default any method */
  readonly method?: HTTPMethod;
}

/** Answers with a redirect instead of forwarding (Gateway API HTTPRequestRedirectFilter). */
export interface RequestRedirectSpec {
  /** Scheme of the redirect location. @default the request's */
  readonly scheme?: 'http' | 'https';
  /** Hostname of the redirect location. @default the request's */
  readonly hostname?: string;
  /** Port of the redirect location. @default the request's, or the scheme's well-known port */
  readonly port?: number;
  /** HTTP status of the redirect. @default 302 */
  readonly statusCode?: 301 | 302;
  /** Path of the redirect location. @default the request's */
  readonly path?:
    | {
        /** Replace the whole path. */
        readonly type: 'ReplaceFullPath';
        /** The new path. @example /v2 */
        readonly replaceFullPath: string;
      }
    | {
        /** Replace the prefix the rule matched. */
        readonly type: 'ReplacePrefixMatch';
        /** The new prefix. @example /v2 */
        readonly replacePrefixMatch: string;
      };
}

/** The filters Linkerd applies on HTTPRoutes (it refuses routes with RequestMirror, URLRewrite or ExtensionRef). */
export interface HTTPRouteFiltersSpec {
  /** Change the request's headers before it reaches the backend. */
  readonly requestHeaderModifier?: HeaderModifierSpec;
  /** Change the response's headers before it reaches the client. */
  readonly responseHeaderModifier?: HeaderModifierSpec;
  /** Answer with a redirect. */
  readonly requestRedirect?: RequestRedirectSpec;
}

/** A rule of an HTTP route: which requests, what to change, where they go. */
export interface HTTPRouteRuleSpec {
  /** Any one match selects the rule. @default every request */
  readonly matches?: readonly HTTPRouteMatchSpec[];
  /** What Linkerd changes on matching requests. */
  readonly filters?: HTTPRouteFiltersSpec;
  /** Weighted backends: a traffic split, a canary, a cross-cluster failover. @default the route's service */
  readonly backendRefs?: readonly BackendRefSpec[];
  /** The rule's own request timeout (Gateway API `rules[].timeouts.request`; Linkerd 2.20 and later read it). */
  readonly timeouts?: {
    /** Whole request-response stream, retries included. @example 10s */
    readonly request?: GatewayDuration;
  };
}

/** What a gRPC request must match; every condition given must hold. */
export interface GRPCRouteMatchSpec {
  /** The gRPC service and method; at least one of them. @default every method */
  readonly method?: {
    /** How service and method are compared: exactly (Linkerd refuses RegularExpression method matches). @default "Exact" */
    readonly type?: 'Exact';
    /** The gRPC service, fully qualified. @example shop.v1.Orders */
    readonly service?: string;
    /** The gRPC method. @example Create */
    readonly method?: string;
  };
  /** Headers (metadata) the request must have. */
  readonly headers?: readonly ValueMatchSpec[];
}

/** A rule of a gRPC route. */
export interface GRPCRouteRuleSpec {
  /** Any one match selects the rule. @default every request */
  readonly matches?: readonly GRPCRouteMatchSpec[];
  /** Header changes Linkerd makes on matching requests and their responses. */
  readonly filters?: Omit<HTTPRouteFiltersSpec, 'requestRedirect'>;
  /** Weighted backends: a traffic split, a canary, a cross-cluster failover. @default the route's service */
  readonly backendRefs?: readonly BackendRefSpec[];
}

interface RouteSpecBase extends ClusterSelection {
  /** The route's name (a DNS label). */
  readonly name: string;
  /** The namespace of the route and its service. @example shop */
  readonly namespace: string;
  /** The Service and port the route attaches to (GAMMA parentRef: group core, kind Service). */
  readonly service: ServicePortRef;
}

/** HTTP traffic to the service: matches, header changes, redirects, weighted backends, retries, timeouts. */
export interface HTTPRouteSpec extends RouteSpecBase {
  /** An HTTPRoute. */
  readonly kind: 'HTTPRoute';
  /** Retries of failed requests. @default none */
  readonly retry?: HTTPRetrySpec;
  /** Timeouts of every rule. @default none */
  readonly timeouts?: RouteTimeoutsSpec;
  /** The rules; the most specific match wins (Gateway API precedence). */
  readonly rules: readonly HTTPRouteRuleSpec[];
}

/** gRPC traffic to the service: method matches, header changes, weighted backends, retries, timeouts. */
export interface GRPCRouteSpec extends RouteSpecBase {
  /** A GRPCRoute. */
  readonly kind: 'GRPCRoute';
  /** Retries of failed calls. @default none */
  readonly retry?: GRPCRetrySpec;
  /** Timeouts of every rule. @default none */
  readonly timeouts?: RouteTimeoutsSpec;
  /** The rules; the most specific match wins (Gateway API precedence). */
  readonly rules: readonly GRPCRouteRuleSpec[];
}

/** Opaque TCP traffic to the service, split or failed over by weight. */
export interface TCPRouteSpec extends RouteSpecBase {
  /** A TCPRoute (served by the experimental channel). */
  readonly kind: 'TCPRoute';
  /** Weighted backends: a traffic split, a canary, a cross-cluster failover. @default the route's service */
  readonly backendRefs?: readonly BackendRefSpec[];
}

/** TLS traffic (not terminated by Linkerd), routed by SNI hostname. */
export interface TLSRouteSpec extends RouteSpecBase {
  /** A TLSRoute (served by the experimental channel). */
  readonly kind: 'TLSRoute';
  /** SNI hostnames the route matches. @default every hostname */
  readonly hostnames?: readonly string[];
  /** Weighted backends: a traffic split, a canary, a cross-cluster failover. @default the route's service */
  readonly backendRefs?: readonly BackendRefSpec[];
}

export type RouteSpec = HTTPRouteSpec | GRPCRouteSpec | TCPRouteSpec | TLSRouteSpec;

/** A port of a declared Service. */
export interface ServiceDeclarationPortSpec {
  /** The Service port. @example 5432 */
  readonly port: number;
  /** Required when the Service has more than one port. */
  readonly name?: string;
  /** The pods' port, a number or a container port name. @default the port */
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
  /** The Service's name. @example db */
  readonly name: string;
  /** The Service's namespace. @example shop */
  readonly namespace: string;
  /** Labels of the Service's pods; given, meshfleet writes the Service. @default none: the Service is applied by other means */
  readonly selector?: Readonly<Record<string, string>>;
  /** The Service's ports and how Linkerd treats each. */
  readonly ports: readonly ServiceDeclarationPortSpec[];
}
