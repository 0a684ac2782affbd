import { Construct } from 'constructs';
import type { TCPRouteSpec } from '../../model/routes.ts';
import { backendRefs, routeObject } from './route-parts.ts';

export interface GammaTcpRouteProps extends Omit<TCPRouteSpec, 'kind' | 'clusters' | 'environments'> {
  /** The API version written: the one the cluster's Linkerd reads. @default "gateway.networking.k8s.io/v1alpha2" */
  readonly apiVersion?: string;
}

/** A TCPRoute attached to a Service (GAMMA): opaque TCP connections split or failed over by weight. */
export class GammaTcpRoute extends Construct {
  constructor(scope: Construct, id: string, props: GammaTcpRouteProps) {
    super(scope, id);
    routeObject(this, {
      apiVersion: props.apiVersion ?? 'gateway.networking.k8s.io/v1alpha2',
      kind: 'TCPRoute',
      name: props.name,
      namespace: props.namespace,
      service: props.service,
      spec: {
        rules: [{ backendRefs: backendRefs(props.backendRefs, props.service) }],
      },
    });
  }
}
