import type { Construct } from 'constructs';
import type { GRPCRouteRuleSpec, GRPCRouteSpec } from '../../model/routes.ts';
import { DefinitionError } from '../source-location.ts';
import { backendSpecs, MeshRoute, type MeshRouteProps } from './mesh-route.ts';
import { headerFiltersSpec, type Backend, type GrpcRetry, type HeaderChanges, type RouteTimeouts, type ValueMatch } from './values.ts';

/**
 * A gRPC method match: the fully qualified service ("shop.Cart") and/or the method ("Checkout"),
 * compared exactly (Linkerd refuses RegularExpression method matches).
 */
export interface GrpcMethod {
  readonly service?: string;
  readonly method?: string;
}

export interface GrpcMatch {
  readonly method?: GrpcMethod;
  readonly headers?: readonly ValueMatch[];
}

export interface GrpcRouteRule {
  /** @default every call */
  readonly matches?: readonly GrpcMatch[];
  readonly requestHeaders?: HeaderChanges;
  readonly responseHeaders?: HeaderChanges;
  /** @default the route's service */
  readonly backends?: readonly Backend[];
}

export interface GrpcRouteProps extends MeshRouteProps {
  readonly rules: readonly GrpcRouteRule[];
  /** @default no retries beyond the Service's own annotations */
  readonly retry?: GrpcRetry;
  /** @default none */
  readonly timeouts?: RouteTimeouts;
}

/** A GRPCRoute of the fleet, for the clusters it names. */
export class GrpcRoute extends MeshRoute {
  protected readonly spec: GRPCRouteSpec;

  constructor(scope: Construct, id: string, props: GrpcRouteProps) {
    super(scope, id, props);
    for (const method of props.rules.flatMap((r) => r.matches ?? []).map((m) => m.method)) {
      if (method && method.service === undefined && method.method === undefined) {
        throw new DefinitionError(`${this.node.path}: a gRPC method match names neither service nor method. Fix: give service (e.g. "shop.Cart") and/or method`);
      }
    }
    this.spec = {
      kind: 'GRPCRoute',
      ...this.base,
      ...this.policyOf('GRPCRoute', props),
      rules: props.rules.map(ruleSpec),
    };
  }
}

function ruleSpec(rule: GrpcRouteRule): GRPCRouteRuleSpec {
  const filters = headerFiltersSpec(rule);
  return {
    ...(rule.matches?.length
      ? {
          matches: rule.matches.map((m) => ({
            ...(m.method
              ? {
                  method: {
                    ...(m.method.service !== undefined ? { service: m.method.service } : {}),
                    ...(m.method.method !== undefined ? { method: m.method.method } : {}),
                  },
                }
              : {}),
            ...(m.headers ? { headers: m.headers.map((h) => h.spec) } : {}),
          })),
        }
      : {}),
    ...(Object.keys(filters).length ? { filters } : {}),
    ...backendSpecs(rule.backends),
  };
}
