// Which routes and service declarations each cluster gets. Unknown names in a selection are reported
// by lib/check/route-rules.ts; here they simply select nothing.
import type { ClusterSelection, RouteSpec, ServiceDeclarationSpec } from '../model/routes.ts';
import type { FleetSpec } from '../model/types.ts';
import { groupBy } from '../model/grouping.ts';

export interface Selected<T> {
  readonly spec: T;
  /** JSON pointer of the entry in the fleet document ("/spec/routes/2"). */
  readonly path: string;
}

export type ResolvedRoute = Selected<RouteSpec>;
export type ResolvedServiceDeclaration = Selected<ServiceDeclarationSpec>;

/** Cluster name → its routes and service declarations, in document order. */
export function selectRoutesAndServices(spec: FleetSpec): Map<string, { routes: ResolvedRoute[]; services: ResolvedServiceDeclaration[] }> {
  const byCluster = new Map(spec.clusters.map((c) => [c.name, { routes: [] as ResolvedRoute[], services: [] as ResolvedServiceDeclaration[] }]));
  const environmentsOf = groupBy(spec.clusters, (c) => c.environment);
  // Selections are expanded once, so a fleet of thousands of clusters costs what its entries name.
  const expand = (selection: ClusterSelection) => new Set([...(selection.clusters ?? []), ...(selection.environments ?? []).flatMap((e) => (environmentsOf.get(e) ?? []).map((c) => c.name))]);
  (spec.routes ?? []).forEach((route, index) => {
    for (const name of expand(route)) byCluster.get(name)?.routes.push({ spec: route, path: `/spec/routes/${index}` });
  });
  (spec.services ?? []).forEach((service, index) => {
    for (const name of expand(service)) byCluster.get(name)?.services.push({ spec: service, path: `/spec/services/${index}` });
  });
  return byCluster;
}
