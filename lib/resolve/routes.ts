// Which routes and service declarations each cluster gets. Unknown names in a selection are reported
// by lib/check/route-rules.ts; here they simply select nothing.
import type { ClusterSelection, RouteSpec, ServiceDeclarationSpec } from '../model/routes.ts';
import type { FleetSpec } from '../model/types.ts';

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
  const environmentsOf = new Map<string, string[]>();
  for (const c of spec.clusters) {
    // Pushed, not copied: an environment of 300 clusters copied its list 300 times.
    const names = environmentsOf.get(c.environment);
    if (names) names.push(c.name);
    else environmentsOf.set(c.environment, [c.name]);
  }
  // Selections are expanded once, so a fleet of thousands of clusters costs what its entries name.
  const expand = (selection: ClusterSelection) => new Set([...(selection.clusters ?? []), ...(selection.environments ?? []).flatMap((e) => environmentsOf.get(e) ?? [])]);
  (spec.routes ?? []).forEach((route, index) => {
    for (const name of expand(route)) byCluster.get(name)?.routes.push({ spec: route, path: `/spec/routes/${index}` });
  });
  (spec.services ?? []).forEach((service, index) => {
    for (const name of expand(service)) byCluster.get(name)?.services.push({ spec: service, path: `/spec/services/${index}` });
  });
  return byCluster;
}
