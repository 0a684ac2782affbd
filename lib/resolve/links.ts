// Expands the fleet's link entries (pairs, lists, full meshes, hub and spoke) into plain
// source → target links, each remembering the entry it came from for messages.
import { pointer } from '../model/diagnostics.ts';
import type { FederatedServiceSpec, FleetSpec, LinkModeName, LinkSpec, ServiceExportSpec } from '../model/types.ts';

export interface ResolvedLink {
  /** Name of the Link object on the source: the target cluster's name. */
  readonly name: string;
  readonly source: string;
  readonly target: string;
  readonly mode: LinkModeName;
  /** JSON pointer of the link entry in the fleet document. */
  readonly path: string;
  /** JSON pointers of the entry's fields naming the source and the target, for messages. */
  readonly sourcePath: string;
  readonly targetPath: string;
  /** Written as one explicit pair (from: X, to: X is then an error, not skipped). */
  readonly explicit: boolean;
}

export interface ResolvedFederatedService {
  readonly name: string;
  readonly namespace: string;
  readonly clusters: readonly string[];
  readonly path: string;
}

export interface ResolvedServiceExport extends ServiceExportSpec {
  readonly path: string;
}

export function expandLinks(links: readonly LinkSpec[] | undefined): ResolvedLink[] {
  const out: ResolvedLink[] = [];
  (links ?? []).forEach((entry, index) => {
    const path = `/spec/links/${index}`;
    const add = (source: string, target: string, sourcePath: string, targetPath: string, explicit: boolean) => {
      // A list that names a cluster on both sides means "the others", never a link to itself.
      if (source === target && !explicit) return;
      out.push({ name: target, source, target, mode: entry.mode, path, sourcePath, targetPath, explicit });
    };
    if ('mesh' in entry) {
      entry.mesh.forEach((a, i) => entry.mesh.forEach((b, j) => add(a, b, `${path}/mesh/${i}`, `${path}/mesh/${j}`, false)));
    } else if ('hub' in entry) {
      const direction = entry.direction ?? 'both';
      entry.spokes.forEach((spoke, i) => {
        const spokePath = `${path}/spokes/${i}`;
        if (direction !== 'from-hub') add(spoke, entry.hub, spokePath, `${path}/hub`, false);
        if (direction !== 'to-hub') add(entry.hub, spoke, `${path}/hub`, spokePath, false);
      });
    } else {
      const froms = typeof entry.from === 'string' ? [entry.from] : entry.from;
      const tos = typeof entry.to === 'string' ? [entry.to] : entry.to;
      const explicit = typeof entry.from === 'string' && typeof entry.to === 'string';
      froms.forEach((source, i) =>
        tos.forEach((target, j) =>
          add(
            source,
            target,
            typeof entry.from === 'string' ? `${path}/from` : `${path}/from/${i}`,
            typeof entry.to === 'string' ? `${path}/to` : `${path}/to/${j}`,
            explicit,
          ),
        ),
      );
    }
  });
  return out;
}

export function federatedServicesOf(spec: FleetSpec): ResolvedFederatedService[] {
  return (spec.federatedServices ?? []).map((s: FederatedServiceSpec, i) => ({
    name: s.name,
    namespace: s.namespace,
    clusters: [...s.clusters],
    path: `/spec/federatedServices/${i}`,
  }));
}

export function serviceExportsOf(spec: FleetSpec): ResolvedServiceExport[] {
  return (spec.exports ?? []).map((s, i) => ({ ...s, path: `/spec/exports${pointer(i)}` }));
}

/** What one cluster takes part in: its outgoing and incoming links and its federations. */
export interface ClusterMulticlusterView {
  readonly outgoing: readonly ResolvedLink[];
  readonly incoming: readonly ResolvedLink[];
  readonly federatedServices: readonly ResolvedFederatedService[];
  readonly exports: readonly ResolvedServiceExport[];
}

/** Every cluster's view at once, in one pass over the links (render needs them all). */
export function multiclusterViews(
  fleet: { readonly clusters: readonly { readonly name: string }[]; readonly links: readonly ResolvedLink[]; readonly federatedServices: readonly ResolvedFederatedService[]; readonly exports: readonly ResolvedServiceExport[] },
): Map<string, ClusterMulticlusterView> {
  const views = new Map<string, { outgoing: ResolvedLink[]; incoming: ResolvedLink[]; federatedServices: ResolvedFederatedService[]; exports: ResolvedServiceExport[] }>();
  for (const c of fleet.clusters) views.set(c.name, { outgoing: [], incoming: [], federatedServices: [], exports: [] });
  for (const l of fleet.links) {
    views.get(l.source)?.outgoing.push(l);
    views.get(l.target)?.incoming.push(l);
  }
  for (const f of fleet.federatedServices) for (const c of f.clusters) views.get(c)?.federatedServices.push(f);
  for (const s of fleet.exports) views.get(s.cluster)?.exports.push(s);
  return views;
}


export function takesPartInMulticluster(view: ClusterMulticlusterView): boolean {
  return view.outgoing.length + view.incoming.length + view.federatedServices.length > 0;
}
