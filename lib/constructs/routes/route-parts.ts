// Pieces every mesh route shares: the GAMMA parent reference, backend references with their default,
// and Linkerd's retry and timeout annotations. Values are validated here so that a construct used
// directly from TypeScript fails at once, with the value and the fix.
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { assertValue } from '../assert-props.ts';
import { durationProblem, grpcRetryCodeProblem, httpRetryStatusProblem, retryLimitProblem } from '../../model/route-values.ts';
import type { BackendRefSpec, GRPCRetrySpec, HeaderModifierSpec, HTTPRetrySpec, RouteTimeoutsSpec, ServicePortRef } from '../../model/routes.ts';

export { assertValue };

/** Linkerd reads a mesh route through its Service parent: group "core", kind Service, and the port. */
export function serviceParentRef(service: ServicePortRef): Record<string, unknown> {
  return { group: 'core', kind: 'Service', name: service.name, port: service.port };
}

/** Backends as written, each with its port defaulted to the route's; none given means the route's own service. */
export function backendRefs(refs: readonly BackendRefSpec[] | undefined, service: ServicePortRef): Record<string, unknown>[] {
  if (!refs?.length) return [{ name: service.name, port: service.port }];
  return refs.map((ref) => ({ name: ref.name, port: ref.port ?? service.port, ...(ref.weight !== undefined ? { weight: ref.weight } : {}) }));
}

export function headerModifier(spec: HeaderModifierSpec): Record<string, unknown> {
  return {
    ...(spec.set ? { set: spec.set.map((h) => ({ name: h.name, value: h.value })) } : {}),
    ...(spec.add ? { add: spec.add.map((h) => ({ name: h.name, value: h.value })) } : {}),
    ...(spec.remove ? { remove: [...spec.remove] } : {}),
  };
}

/** The header-modifier filters of a rule, request before response (the order Gateway API lists them). */
export function headerFilters(filters: { readonly requestHeaderModifier?: HeaderModifierSpec; readonly responseHeaderModifier?: HeaderModifierSpec } | undefined): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (filters?.requestHeaderModifier) out.push({ type: 'RequestHeaderModifier', requestHeaderModifier: headerModifier(filters.requestHeaderModifier) });
  if (filters?.responseHeaderModifier) out.push({ type: 'ResponseHeaderModifier', responseHeaderModifier: headerModifier(filters.responseHeaderModifier) });
  return out;
}

export function valueMatch(match: { readonly type?: string; readonly name: string; readonly value: string }): Record<string, unknown> {
  return { type: match.type ?? 'Exact', name: match.name, value: match.value };
}

/**
 * `retry.linkerd.io/*` and `timeout.linkerd.io/*` annotations, in key order. `http` and `grpc` come
 * from the route kind's own retry type, since Linkerd reads each only on its kind.
 */
export function linkerdAnnotations(retry: HTTPRetrySpec | GRPCRetrySpec | undefined, timeouts: RouteTimeoutsSpec | undefined, where: string): Record<string, string> {
  const annotations: Record<string, string> = {};
  if (retry && 'grpc' in retry && retry.grpc) {
    retry.grpc.forEach((code) => assertValue(grpcRetryCodeProblem(code), `${where} retry.grpc`));
    annotations['retry.linkerd.io/grpc'] = retry.grpc.join(',');
  }
  if (retry && 'http' in retry && retry.http) {
    retry.http.forEach((status) => assertValue(httpRetryStatusProblem(status), `${where} retry.http`));
    annotations['retry.linkerd.io/http'] = retry.http.join(',');
  }
  if (retry?.limit !== undefined) {
    assertValue(retryLimitProblem(retry.limit), `${where} retry.limit`);
    annotations['retry.linkerd.io/limit'] = String(retry.limit);
  }
  if (retry?.timeout !== undefined) {
    assertValue(durationProblem(retry.timeout), `${where} retry.timeout`);
    annotations['retry.linkerd.io/timeout'] = retry.timeout;
  }
  for (const key of ['idle', 'request', 'response'] as const) {
    const value = timeouts?.[key];
    if (value === undefined) continue;
    assertValue(durationProblem(value), `${where} timeouts.${key}`);
    annotations[`timeout.linkerd.io/${key}`] = value;
  }
  return annotations;
}

export interface RouteObjectProps {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly service: ServicePortRef;
  /** Linkerd's retry and timeout annotations; none are written when empty. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The rest of the spec: rules, hostnames. */
  readonly spec: Readonly<Record<string, unknown>>;
}

/** A mesh route object: metadata, the Service parent, then the kind's own spec. */
export function routeObject(scope: Construct, props: RouteObjectProps): ApiObject {
  const annotations = props.annotations && Object.keys(props.annotations).length ? { annotations: { ...props.annotations } } : {};
  return new ApiObject(scope, 'Resource', {
    apiVersion: props.apiVersion,
    kind: props.kind,
    metadata: { name: props.name, namespace: props.namespace, ...annotations },
    spec: { parentRefs: [serviceParentRef(props.service)], ...props.spec },
  });
}
