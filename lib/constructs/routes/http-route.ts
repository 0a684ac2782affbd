import { Construct } from 'constructs';
import { durationProblem } from '../../model/route-values.ts';
import type { HTTPRouteMatchSpec, HTTPRouteRuleSpec, HTTPRouteSpec, RequestRedirectSpec } from '../../model/routes.ts';
import { assertValue, backendRefs, headerFilters, linkerdAnnotations, routeObject, valueMatch } from './route-parts.ts';

export interface GammaHttpRouteProps extends Omit<HTTPRouteSpec, 'kind' | 'clusters' | 'environments'> {
  /** The API version written: the one the cluster's Linkerd reads. @default "gateway.networking.k8s.io/v1" */
  readonly apiVersion?: string;
  /** Write rules' own timeouts (`rules[].timeouts`), which Linkerd reads from 2.20 on. @default false (a rule timeout throws) */
  readonly ruleTimeouts?: boolean;
}

/**
 * A gateway.networking.k8s.io HTTPRoute attached to a Service (GAMMA): Linkerd's client proxies apply
 * its matches, header filters, redirects and weighted backends to HTTP traffic for that Service port,
 * with retries and timeouts from Linkerd's annotations.
 */
export class GammaHttpRoute extends Construct {
  constructor(scope: Construct, id: string, props: GammaHttpRouteProps) {
    super(scope, id);
    const where = `HTTPRoute ${props.namespace}/${props.name}`;
    routeObject(this, {
      apiVersion: props.apiVersion ?? 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      name: props.name,
      namespace: props.namespace,
      service: props.service,
      annotations: linkerdAnnotations(props.retry, props.timeouts, where),
      spec: { rules: props.rules.map((rule, i) => this.rule(rule, props, `${where} rules[${i}]`)) },
    });
  }

  private rule(rule: HTTPRouteRuleSpec, props: GammaHttpRouteProps, where: string): Record<string, unknown> {
    const filters = [...headerFilters(rule.filters), ...(rule.filters?.requestRedirect ? [redirect(rule.filters.requestRedirect)] : [])];
    if (rule.timeouts?.request !== undefined) {
      if (!props.ruleTimeouts) {
        throw new Error(`${where}: timeouts.request ${JSON.stringify(rule.timeouts.request)} needs a Linkerd that reads rules[].timeouts (2.20 or later). Fix: use the route's timeouts.request (an annotation), or pass ruleTimeouts: true`);
      }
      assertValue(durationProblem(rule.timeouts.request), `${where} timeouts.request`);
    }
    return {
      ...(rule.matches?.length ? { matches: rule.matches.map(match) } : {}),
      ...(filters.length ? { filters } : {}),
      // A redirect answers the request itself; no backend is ever reached.
      ...(rule.filters?.requestRedirect ? {} : { backendRefs: backendRefs(rule.backendRefs, props.service) }),
      ...(rule.timeouts?.request !== undefined ? { timeouts: { request: rule.timeouts.request } } : {}),
    };
  }
}

function match(spec: HTTPRouteMatchSpec): Record<string, unknown> {
  return {
    ...(spec.path ? { path: { type: spec.path.type ?? 'PathPrefix', value: spec.path.value } } : {}),
    ...(spec.headers ? { headers: spec.headers.map(valueMatch) } : {}),
    ...(spec.queryParams ? { queryParams: spec.queryParams.map(valueMatch) } : {}),
    ...(spec.method ? { method: spec.method } : {}),
  };
}

function redirect(spec: RequestRedirectSpec): Record<string, unknown> {
  return {
    type: 'RequestRedirect',
    requestRedirect: {
      ...(spec.scheme ? { scheme: spec.scheme } : {}),
      ...(spec.hostname ? { hostname: spec.hostname } : {}),
      ...(spec.path ? { path: { ...spec.path } } : {}),
      ...(spec.port !== undefined ? { port: spec.port } : {}),
      ...(spec.statusCode !== undefined ? { statusCode: spec.statusCode } : {}),
    },
  };
}
