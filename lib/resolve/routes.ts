// Which routes and service declarations each cluster gets. Unknown names in a selection are reported
// by lib/check/route-rules.ts; here they simply select nothing.
import type { ClusterSelection, RouteSpec, ServiceDeclarationSpec } from '../model/routes.ts';
import type { ClusterSpec, FleetSpec } from '../model/types.ts';

export interface Selected<T> {
  readonly spec: T;
  /** JSON pointer of the entry in the fleet document ("/spec/routes/2"). */
  readonly path: string;
}

export type ResolvedRoute = Selected<RouteSpec>;
export type ResolvedServiceDeclaration = Selected<ServiceDeclarationSpec>;

export function selects(selection: ClusterSelection, cluster: Pick<ClusterSpec, 'name' | 'environment'>): boolean {
  return (selection.clusters ?? []).includes(cluster.name) || (selection.environments ?? []).includes(cluster.environment);
}

/** Cluster name → its routes and service declarations, in document order. */
export function selectRoutesAndServices(spec: FleetSpec): Map<string, { routes: ResolvedRoute[]; services: ResolvedServiceDeclaration[] }> {
  const byCluster = new Map(spec.clusters.map((c) => [c.name, { routes: [] as ResolvedRoute[], services: [] as ResolvedServiceDeclaration[] }]));
  for (const cluster of spec.clusters) {
    const entry = byCluster.get(cluster.name)!;
    (spec.routes ?? []).forEach((route, index) => {
      if (selects(route, cluster)) entry.routes.push({ spec: route, path: `/spec/routes/${index}` });
    });
    (spec.services ?? []).forEach((service, index) => {
      if (selects(service, cluster)) entry.services.push({ spec: service, path: `/spec/services/${index}` });
    });
  }
  return byCluster;
}
