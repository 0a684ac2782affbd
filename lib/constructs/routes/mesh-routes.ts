import { Construct } from 'constructs';
import { GATEWAY_API_GROUP, type LinkerdGatewayAPISupport } from '../../compat/gateway-api.ts';
import type { RouteSpec } from '../../model/routes.ts';
import { GammaGrpcRoute } from './grpc-route.ts';
import { GammaHttpRoute } from './http-route.ts';
import { GammaTcpRoute } from './tcp-route.ts';
import { GammaTlsRoute } from './tls-route.ts';

export interface MeshRoutesProps {
  /** The routes of one cluster; a route's `clusters`/`environments` selection is ignored here. */
  readonly routes: readonly RouteSpec[];
  /** What the cluster's Linkerd release reads: the API version of each kind, and rules[].timeouts. */
  readonly linkerd: Pick<LinkerdGatewayAPISupport, 'reads' | 'ruleTimeouts'>;
}

/** A cluster's mesh routes, each written at the API version the cluster's Linkerd reads. */
export class MeshRoutes extends Construct {
  constructor(scope: Construct, id: string, props: MeshRoutesProps) {
    super(scope, id);
    for (const { clusters: _clusters, environments: _environments, ...route } of props.routes) {
      // Names are unique per kind and namespace (checked for fleets), so this id is stable and unique.
      const routeId = `${route.kind}.${route.namespace}.${route.name}`;
      const apiVersion = `${GATEWAY_API_GROUP}/${props.linkerd.reads[route.kind]}`;
      switch (route.kind) {
        case 'HTTPRoute':
          new GammaHttpRoute(this, routeId, { ...route, apiVersion, ruleTimeouts: props.linkerd.ruleTimeouts });
          break;
        case 'GRPCRoute':
          new GammaGrpcRoute(this, routeId, { ...route, apiVersion });
          break;
        case 'TCPRoute':
          new GammaTcpRoute(this, routeId, { ...route, apiVersion });
          break;
        case 'TLSRoute':
          new GammaTlsRoute(this, routeId, { ...route, apiVersion });
          break;
      }
    }
  }
}
