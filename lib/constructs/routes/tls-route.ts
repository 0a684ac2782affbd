import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { TLSRouteSpec } from '../../model/routes.ts';
import { backendRefs, routeMetadata, serviceParentRef } from './route-parts.ts';

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
    new ApiObject(this, 'Resource', {
      apiVersion: props.apiVersion ?? 'gateway.networking.k8s.io/v1alpha2',
      kind: 'TLSRoute',
      metadata: routeMetadata(props.name, props.namespace),
      spec: {
        parentRefs: [serviceParentRef(props.service)],
        ...(props.hostnames?.length ? { hostnames: [...props.hostnames] } : {}),
        rules: [{ backendRefs: backendRefs(props.backendRefs, props.service) }],
      },
    });
  }
}
