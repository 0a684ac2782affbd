import { Construct } from 'constructs';
import type { TLSRouteSpec } from '../../model/routes.ts';
import { backendRefs, routeObject } from './route-parts.ts';

export interface GammaTlsRouteProps extends Omit<TLSRouteSpec, 'kind' | 'clusters' | 'environments'> {
  /** The API version written: the one the cluster's Linkerd reads. @default "gateway.networking.k8s.io/v1alpha2" */
  readonly apiVersion?: string;
}

/**
 * A TLSRoute attached to a Service (GAMMA): TLS connections Linkerd passes through unterminated,
 * matched by SNI hostname and split or failed over by weight.
 */
export class GammaTlsRoute extends Construct {
  constructor(scope: Construct, id: string, props: GammaTlsRouteProps) {
    super(scope, id);
    routeObject(this, {
      apiVersion: props.apiVersion ?? 'gateway.networking.k8s.io/v1alpha2',
      kind: 'TLSRoute',
      name: props.name,
      namespace: props.namespace,
      service: props.service,
      spec: {
        ...(props.hostnames?.length ? { hostnames: [...props.hostnames] } : {}),
        rules: [{ backendRefs: backendRefs(props.backendRefs, props.service) }],
      },
    });
  }
}
