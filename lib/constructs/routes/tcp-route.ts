import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { TCPRouteSpec } from '../../model/routes.ts';
import { backendRefs, routeMetadata, serviceParentRef } from './route-parts.ts';

export interface GammaTcpRouteProps extends Omit<TCPRouteSpec, 'kind' | 'clusters' | 'environments'> {
  /** The API version written: the one the cluster's Linkerd reads. @default "gateway.networking.k8s.io/v1alpha2" */
  readonly apiVersion?: string;
}

/** A TCPRoute attached to a Service (GAMMA): opaque TCP connections split or failed over by weight. */
export class GammaTcpRoute extends Construct {
  constructor(scope: Construct, id: string, props: GammaTcpRouteProps) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      apiVersion: props.apiVersion ?? 'gateway.networking.k8s.io/v1alpha2',
      kind: 'TCPRoute',
      metadata: routeMetadata(props.name, props.namespace),
      spec: {
        parentRefs: [serviceParentRef(props.service)],
        rules: [{ backendRefs: backendRefs(props.backendRefs, props.service) }],
      },
    });
  }
}
