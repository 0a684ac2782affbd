import type { Construct } from 'constructs';
import type { TLSRouteSpec } from '../../model/routes.ts';
import { backendSpecs, MeshRoute, type MeshRouteProps } from './mesh-route.ts';
import type { Backend } from './values.ts';

export interface TlsRouteProps extends MeshRouteProps {
  /** SNI hostnames to match. @default every hostname */
  readonly hostnames?: readonly string[];
  /** Weighted backends for the TLS connections. @default the route's service */
  readonly backends?: readonly Backend[];
}

/** A TLSRoute of the fleet (Linkerd reads it at v1alpha2: the cluster's bundle must be experimental). */
export class TlsRoute extends MeshRoute {
  protected readonly spec: TLSRouteSpec;

  constructor(scope: Construct, id: string, props: TlsRouteProps) {
    super(scope, id, props);
    this.spec = { kind: 'TLSRoute', ...this.base, ...(props.hostnames?.length ? { hostnames: [...props.hostnames] } : {}), ...backendSpecs(props.backends) };
  }
}
