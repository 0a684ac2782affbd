import type { Duration } from 'cdk8s';
import type { Construct } from 'constructs';
import { gatewayDuration } from '../../model/route-values.ts';
import type { HTTPMethod, HTTPRouteRuleSpec, HTTPRouteSpec, RequestRedirectSpec } from '../../model/routes.ts';
import { backendSpecs, MeshRoute, type MeshRouteProps } from './mesh-route.ts';
import { headerFiltersSpec, type Backend, type HeaderChanges, type HttpRetry, type PathMatch, type RouteTimeouts, type ValueMatch } from './values.ts';

export interface HttpMatch {
  readonly path?: PathMatch;
  readonly headers?: readonly ValueMatch[];
  readonly queryParams?: readonly ValueMatch[];
  readonly method?: HTTPMethod;
}

export interface HttpRouteRule {
  /** Any one selects the rule. @default every request */
  readonly matches?: readonly HttpMatch[];
  readonly requestHeaders?: HeaderChanges;
  readonly responseHeaders?: HeaderChanges;
  /** Answer with a redirect instead of forwarding (the rule then has no backends). */
  readonly redirect?: RequestRedirectSpec;
  /** Weighted backends: a split, a canary, a cross-cluster failover. @default the route's service */
  readonly backends?: readonly Backend[];
  /** The rule's own request timeout (`rules[].timeouts.request`; Linkerd 2.20+). @default none */
  readonly timeout?: Duration;
}

export interface HttpRouteProps extends MeshRouteProps {
  readonly rules: readonly HttpRouteRule[];
  /** @default no retries beyond the Service's own annotations */
  readonly retry?: HttpRetry;
  /** @default none */
  readonly timeouts?: RouteTimeouts;
}

/** An HTTPRoute of the fleet, for the clusters it names. */
export class HttpRoute extends MeshRoute {
  protected readonly spec: HTTPRouteSpec;

  constructor(scope: Construct, id: string, props: HttpRouteProps) {
    super(scope, id, props);
    this.spec = {
      kind: 'HTTPRoute',
      ...this.base,
      ...this.policyOf('HTTPRoute', props),
      rules: props.rules.map(ruleSpec),
    };
  }
}

function ruleSpec(rule: HttpRouteRule): HTTPRouteRuleSpec {
  const filters = {
    ...headerFiltersSpec(rule),
    ...(rule.redirect ? { requestRedirect: rule.redirect } : {}),
  };
  return {
    ...(rule.matches?.length
      ? {
          matches: rule.matches.map((m) => ({
            ...(m.path ? { path: { type: m.path.type, value: m.path.value } } : {}),
            ...(m.headers ? { headers: m.headers.map((h) => h.spec) } : {}),
            ...(m.queryParams ? { queryParams: m.queryParams.map((q) => q.spec) } : {}),
            ...(m.method ? { method: m.method } : {}),
          })),
        }
      : {}),
    ...(Object.keys(filters).length ? { filters } : {}),
    ...backendSpecs(rule.backends),
    ...(rule.timeout ? { timeouts: { request: gatewayDuration(rule.timeout.toMilliseconds()) } } : {}),
  };
}
