import { Construct } from 'constructs';
import type { GRPCRouteMatchSpec, GRPCRouteSpec } from '../../model/routes.ts';
import { backendRefs, headerFilters, linkerdAnnotations, routeObject, valueMatch } from './route-parts.ts';

export interface GammaGrpcRouteProps extends Omit<GRPCRouteSpec, 'kind' | 'clusters' | 'environments'> {
  /** The API version written: the one the cluster's Linkerd reads. @default "gateway.networking.k8s.io/v1" */
  readonly apiVersion?: string;
}

/**
 * A gateway.networking.k8s.io GRPCRoute attached to a Service (GAMMA): method and header matches,
 * header filters and weighted backends for gRPC traffic, with Linkerd's gRPC retry and timeout annotations.
 */
export class GammaGrpcRoute extends Construct {
  constructor(scope: Construct, id: string, props: GammaGrpcRouteProps) {
    super(scope, id);
    const where = `GRPCRoute ${props.namespace}/${props.name}`;
    props.rules.forEach((rule, i) =>
      rule.matches?.forEach((m) => {
        if (m.method && m.method.service === undefined && m.method.method === undefined) {
          throw new Error(`${where} rules[${i}]: a method match names neither service nor method. Fix: add service (e.g. "shop.Cart") and/or method`);
        }
      }),
    );
    routeObject(this, {
      apiVersion: props.apiVersion ?? 'gateway.networking.k8s.io/v1',
      kind: 'GRPCRoute',
      name: props.name,
      namespace: props.namespace,
      service: props.service,
      annotations: linkerdAnnotations(props.retry, props.timeouts, where),
      spec: {
        rules: props.rules.map((rule) => {
          const filters = headerFilters(rule.filters);
          return {
            ...(rule.matches?.length ? { matches: rule.matches.map(match) } : {}),
            ...(filters.length ? { filters } : {}),
            backendRefs: backendRefs(rule.backendRefs, props.service),
          };
        }),
      },
    });
  }
}

function match(spec: GRPCRouteMatchSpec): Record<string, unknown> {
  return {
    ...(spec.method
      ? {
          method: {
            type: spec.method.type ?? 'Exact',
            ...(spec.method.service !== undefined ? { service: spec.method.service } : {}),
            ...(spec.method.method !== undefined ? { method: spec.method.method } : {}),
          },
        }
      : {}),
    ...(spec.headers ? { headers: spec.headers.map(valueMatch) } : {}),
  };
}
