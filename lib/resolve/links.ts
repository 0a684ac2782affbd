// Links and federated services, resolved just enough for the route checks (cross-cluster backends).
// The shapes are the contract with the multicluster work, which replaces this minimal version.
import { error, show, type Diagnostic } from '../model/diagnostics.ts';
import type { FleetSpec } from '../model/types.ts';

export interface ResolvedLink {
  /** The Link object's name: the target cluster's name. */
  readonly name: string;
  /** Cluster that mirrors (where the Link lives). */
  readonly source: string;
  /** Cluster whose services are mirrored. */
  readonly target: string;
  readonly mode: 'gateway' | 'flat';
  /** JSON pointer of the link in the fleet document. */
  readonly path: string;
}

export interface ResolvedFederatedService {
  readonly name: string;
  readonly namespace: string;
  readonly clusters: readonly string[];
  readonly path: string;
}

export function resolveLinks(spec: FleetSpec): { links: ResolvedLink[]; federatedServices: ResolvedFederatedService[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const clusterNames = new Set(spec.clusters.map((c) => c.name));
  const known = (name: string, path: string) => {
    if (clusterNames.has(name)) return true;
    diagnostics.push(error(path, `cluster ${show(name)} does not exist`, `use one of: ${[...clusterNames].join(', ')}`));
    return false;
  };

  const links: ResolvedLink[] = [];
  (spec.links ?? []).forEach((link, index) => {
    const path = `/spec/links/${index}`;
    const ok = [known(link.from, `${path}/from`), known(link.to, `${path}/to`)].every(Boolean);
    if (ok && link.from === link.to) diagnostics.push(error(`${path}/to`, `cluster ${show(link.to)} cannot link to itself`, 'link two different clusters'));
    else if (ok) links.push({ name: link.to, source: link.from, target: link.to, mode: link.mode, path });
  });

  const federatedServices = (spec.federatedServices ?? []).map((service, index) => {
    const path = `/spec/federatedServices/${index}`;
    service.clusters.forEach((name, i) => known(name, `${path}/clusters/${i}`));
    return { name: service.name, namespace: service.namespace, clusters: [...service.clusters], path };
  });
  return { links, federatedServices, diagnostics };
}
