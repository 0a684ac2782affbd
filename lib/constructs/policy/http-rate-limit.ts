import { Construct } from 'constructs';
import { identityLimitProblem, overrideLimitProblem } from '../../model/rate-limit-values.ts';
import { HttpLocalRateLimitPolicy } from '../../../imports/policy.linkerd.io.ts';
import { assertObjectName, assertRate, assertValue } from '../assert-props.ts';

export interface RateLimitClient {
  readonly serviceAccount: string;
  readonly namespace: string;
}

export interface HttpRateLimitProps {
  readonly name: string;
  readonly namespace: string;
  /** The Server it limits; a Server takes one rate limit policy. */
  readonly server: string;
  /** Requests per second for all clients together. @default no overall limit */
  readonly total?: number;
  /** Requests per second for each client identity (unmeshed clients count as one). @default none */
  readonly identity?: number;
  /** Limits for named clients instead of `identity`, each at most `total`. @default none */
  readonly overrides?: readonly { readonly requestsPerSecond: number; readonly clients: readonly RateLimitClient[] }[];
}

/** An HTTPLocalRateLimitPolicy: each inbound proxy of the Server's pods limits requests on its own. */
export class HttpRateLimit extends Construct {
  constructor(scope: Construct, id: string, props: HttpRateLimitProps) {
    super(scope, id);
    const path = this.node.path;
    assertObjectName(props.name, 'HTTPLocalRateLimitPolicy name', path);
    const overrides = props.overrides ?? [];
    if (props.total === undefined && props.identity === undefined && !overrides.length) {
      throw new Error(`${path}: rate limit ${props.name} limits nothing. Fix: set total, identity or overrides`);
    }
    assertRate(props.total, 'total', path);
    assertRate(props.identity, 'identity', path);
    assertValue(identityLimitProblem(props.identity, props.total), path);
    for (const override of overrides) {
      assertRate(override.requestsPerSecond, 'override', path);
      assertValue(overrideLimitProblem(override.requestsPerSecond, props.total), path);
      if (!override.clients.length) throw new Error(`${path}: an override of ${props.name} names no clients. Fix: list the service accounts it is for`);
    }
    new HttpLocalRateLimitPolicy(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: props.server },
        ...(props.total !== undefined ? { total: { requestsPerSecond: props.total } } : {}),
        ...(props.identity !== undefined ? { identity: { requestsPerSecond: props.identity } } : {}),
        ...(overrides.length
          ? {
              overrides: overrides.map((o) => ({
                requestsPerSecond: o.requestsPerSecond,
                // Linkerd turns a ServiceAccount into its identity, so remote callers on flat links match too.
                clientRefs: o.clients.map((c) => ({ kind: 'ServiceAccount', name: c.serviceAccount, namespace: c.namespace })),
              })),
            }
          : {}),
      },
    });
  }
}
