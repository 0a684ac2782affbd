// Small typed values of the route front door: backends, matches, retries, timeouts. Each is an
// enum-like class whose static factories check the value at once and hold the fleet document form.
import { federatedServiceName, mirroredServiceName } from '../../compat/multicluster-names.ts';
import type { Duration } from 'cdk8s';
import { gatewayDuration, grpcRetryCodeProblem, httpRetryStatusProblem, retryLimitProblem } from '../../model/route-values.ts';
import type { BackendRefSpec, GRPCRetryCode, GRPCRetrySpec, HTTPRetrySpec, RouteTimeoutsSpec, ValueMatchSpec } from '../../model/routes.ts';
import { assertValue } from '../asserts.ts';
import { nameOf, type ICluster } from '../refs.ts';
import { DefinitionError } from '../source-location.ts';

export interface BackendOptions {
  /** @default the port of the route's service */
  readonly port?: number;
  /** Share of the rule's traffic relative to its other backends; 0 keeps a standby. @default 1 */
  readonly weight?: number;
}

/** A backend of a route: a local Service, a linked cluster's mirror of one, or a federated service. */
export class Backend {
  /** A Service in the route's namespace on the same cluster. */
  static service(name: string, options: BackendOptions = {}): Backend {
    return new Backend(name, options);
  }

  /** Cluster `cluster`'s `service`, as mirrored by a link from the route's cluster: `<service>-<cluster>`. */
  static mirrored(service: string, cluster: ICluster | string, options: BackendOptions = {}): Backend {
    return new Backend(mirroredServiceName(service, nameOf(cluster)), options);
  }

  /** The federated service across member clusters: `<service>-federated`. */
  static federated(service: string, options: BackendOptions = {}): Backend {
    return new Backend(federatedServiceName(service), options);
  }

  readonly spec: BackendRefSpec;

  private constructor(name: string, options: BackendOptions) {
    const { weight, port } = options;
    if (weight !== undefined && !(Number.isInteger(weight) && weight >= 0 && weight <= 1_000_000)) {
      throw new DefinitionError(`backend ${name}: weight ${weight} is not a whole number from 0 to 1000000. Fix: use e.g. 90 and 10 for a 90/10 split`);
    }
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
      throw new DefinitionError(`backend ${name}: port ${port} is not a port number. Fix: use 1-65535`);
    }
    this.spec = { name, ...(port !== undefined ? { port } : {}), ...(weight !== undefined ? { weight } : {}) };
  }
}

/** An HTTP status to retry on (`retry.linkerd.io/http`). */
export class RetryStatus {
  static code(code: number): RetryStatus {
    return new RetryStatus(code);
  }

  static range(from: number, to: number): RetryStatus {
    return new RetryStatus(`${from}-${to}`);
  }

  /** Every 5xx status. */
  static serverErrors(): RetryStatus {
    return new RetryStatus('5xx');
  }

  /** 502, 503 and 504. */
  static gatewayErrors(): RetryStatus {
    return new RetryStatus('gateway-error');
  }

  private constructor(readonly value: number | string) {
    assertValue(httpRetryStatusProblem(value), 'retry status');
  }
}

export interface RetryOptions {
  /** Retries per request. @default 1 (Linkerd's default) */
  readonly limit?: number;
  /** Cancel and retry an attempt that takes longer than this. @default no per-attempt timeout */
  readonly timeout?: Duration;
}

function retryBase(options: RetryOptions): { limit?: number; timeout?: string } {
  if (options.limit !== undefined) assertValue(retryLimitProblem(options.limit), 'retry limit');
  return {
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.timeout ? { timeout: gatewayDuration(options.timeout.toMilliseconds()) } : {}),
  };
}

/** Retries of an HTTPRoute. */
export class HttpRetry {
  static on(statuses: readonly RetryStatus[], options: RetryOptions = {}): HttpRetry {
    return new HttpRetry({ http: statuses.map((s) => s.value), ...retryBase(options) });
  }

  private constructor(readonly spec: HTTPRetrySpec) {}
}

/** Retries of a GRPCRoute. */
export class GrpcRetry {
  static on(codes: readonly GRPCRetryCode[], options: RetryOptions = {}): GrpcRetry {
    codes.forEach((code) => assertValue(grpcRetryCodeProblem(code), 'gRPC retry'));
    return new GrpcRetry({ grpc: [...codes], ...retryBase(options) });
  }

  private constructor(readonly spec: GRPCRetrySpec) {}
}

/** Timeouts of an HTTPRoute or GRPCRoute (Linkerd's `timeout.linkerd.io/*` annotations). */
export interface RouteTimeouts {
  /** The whole request-response stream, retries included. @default none */
  readonly request?: Duration;
  /** Each backend response. @default none */
  readonly response?: Duration;
  /** Longest idle time of a stream. @default none */
  readonly idle?: Duration;
}

export function timeoutsSpec(timeouts: RouteTimeouts | undefined): RouteTimeoutsSpec | undefined {
  if (!timeouts) return undefined;
  const spec: Record<string, string> = {};
  for (const key of ['request', 'response', 'idle'] as const) {
    const value = timeouts[key];
    if (value) spec[key] = gatewayDuration(value.toMilliseconds());
  }
  return spec;
}

/** A request path match. */
export class PathMatch {
  static exact(path: string): PathMatch {
    return new PathMatch('Exact', path);
  }

  static prefix(path: string): PathMatch {
    return new PathMatch('PathPrefix', path);
  }

  static regex(pattern: string): PathMatch {
    return new PathMatch('RegularExpression', pattern);
  }

  private constructor(
    readonly type: 'Exact' | 'PathPrefix' | 'RegularExpression',
    readonly value: string,
  ) {
    if (type !== 'RegularExpression' && !value.startsWith('/')) {
      throw new DefinitionError(`path ${JSON.stringify(value)} does not start with "/". Fix: write "/${value}"`);
    }
  }
}

/** A header or query parameter match. */
export class ValueMatch {
  static exact(name: string, value: string): ValueMatch {
    // Exact is the default type; the document leaves it out, as a fleet file would.
    return new ValueMatch({ name, value });
  }

  static regex(name: string, pattern: string): ValueMatch {
    return new ValueMatch({ type: 'RegularExpression', name, value: pattern });
  }

  private constructor(readonly spec: ValueMatchSpec) {}
}

/** Headers to set, add (keeping existing values) or remove. */
export interface HeaderChanges {
  readonly set?: Readonly<Record<string, string>>;
  readonly add?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

export function headerModifierSpec(changes: HeaderChanges) {
  const list = (values: Readonly<Record<string, string>>) => Object.entries(values).map(([name, value]) => ({ name, value }));
  return {
    ...(changes.set ? { set: list(changes.set) } : {}),
    ...(changes.add ? { add: list(changes.add) } : {}),
    ...(changes.remove ? { remove: [...changes.remove] } : {}),
  };
}

/** The header-modifier filters of a rule, in fleet document form. */
export function headerFiltersSpec(rule: { readonly requestHeaders?: HeaderChanges; readonly responseHeaders?: HeaderChanges }) {
  return {
    ...(rule.requestHeaders ? { requestHeaderModifier: headerModifierSpec(rule.requestHeaders) } : {}),
    ...(rule.responseHeaders ? { responseHeaderModifier: headerModifierSpec(rule.responseHeaders) } : {}),
  };
}
