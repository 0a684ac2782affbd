import type { Construct } from 'constructs';
import type { ClusterSelection, RouteSpec, ServicePortRef } from '../../model/routes.ts';
import { assertDnsLabel } from '../asserts.ts';
import type { ICluster, IEnvironment } from '../refs.ts';
import { DefinitionError } from '../source-location.ts';
import { FleetEntry } from '../fleet-entry.ts';
import { timeoutsSpec, type Backend, type RouteTimeouts } from './values.ts';

/** Where a route or service declaration applies. */
export interface SelectionProps {
  /** Clusters that get it. @default none (then `environments` must say) */
  readonly clusters?: readonly (ICluster | string)[];
  /** Environments whose every cluster gets it. @default none (then `clusters` must say) */
  readonly environments?: readonly (IEnvironment | string)[];
}

export interface MeshRouteProps extends SelectionProps {
  /** The route's name. @default the construct id */
  readonly name?: string;
  readonly namespace: string;
  /** The Service and port the route attaches to. */
  readonly service: ServicePortRef;
}

export function selectionSpec(props: SelectionProps, what: string): ClusterSelection {
  const clusters = props.clusters?.map((c) => (typeof c === 'string' ? c : c.name));
  const environments = props.environments?.map((e) => (typeof e === 'string' ? e : e.name));
  if (!clusters?.length && !environments?.length) {
    throw new DefinitionError(`${what} names no cluster. Fix: pass clusters: [...] and/or environments: [...]`);
  }
  return { ...(clusters?.length ? { clusters } : {}), ...(environments?.length ? { environments } : {}) };
}

export function backendSpecs(backends: readonly Backend[] | undefined) {
  return backends?.length ? { backendRefs: backends.map((b) => b.spec) } : {};
}

/** A mesh route of the fleet: created in a Fleet, it becomes an entry of spec.routes. */
export abstract class MeshRoute extends FleetEntry<RouteSpec> {
  readonly list = 'routes';
  readonly routeName: string;
  protected readonly base: { readonly name: string; readonly namespace: string; readonly service: ServicePortRef } & ClusterSelection;

  constructor(scope: Construct, id: string, props: MeshRouteProps) {
    super(scope, id);
    this.routeName = props.name ?? id;
    assertDnsLabel(this.routeName, 'route name', this.node.path);
    assertDnsLabel(props.namespace, 'namespace', this.node.path);
    assertDnsLabel(props.service.name, 'service name', this.node.path);
    const selection = selectionSpec(props, `${this.node.path}: route ${props.namespace}/${this.routeName}`);
    this.base = { name: this.routeName, namespace: props.namespace, ...selection, service: { name: props.service.name, port: props.service.port } };
  }

  /** What HTTP and gRPC routes add to the base: at least one rule, retries and timeouts. */
  protected policyOf(kind: string, props: { readonly rules: readonly unknown[]; readonly retry?: { readonly spec: object }; readonly timeouts?: RouteTimeouts }) {
    if (!props.rules.length) throw new DefinitionError(`${this.node.path}: a ${kind} needs at least one rule. Fix: add rules: [{ backends: [...] }]`);
    const timeouts = timeoutsSpec(props.timeouts);
    return { ...(props.retry ? { retry: props.retry.spec } : {}), ...(timeouts ? { timeouts } : {}) };
  }
}
