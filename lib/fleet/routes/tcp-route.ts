import type { Construct } from 'constructs';
import type { TCPRouteSpec } from '../../model/routes.ts';
import { backendSpecs, MeshRoute, type MeshRouteProps } from './mesh-route.ts';
import type { Backend } from './values.ts';

export interface TcpRouteProps extends MeshRouteProps {
  /** Weighted backends for opaque TCP connections. @default the route's service */
  readonly backends?: readonly Backend[];
}

/** A TCPRoute of the fleet (Linkerd reads it at v1alpha2: the cluster's bundle must be experimental). */
export class TcpRoute extends MeshRoute {
  protected readonly spec: TCPRouteSpec;

  constructor(scope: Construct, id: string, props: TcpRouteProps) {
    super(scope, id, props);
    this.spec = { kind: 'TCPRoute', ...this.base, ...backendSpecs(props.backends) };
  }
}
