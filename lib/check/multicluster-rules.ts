// Fleet-wide multicluster rules: links point at real clusters, networks fit the link mode, flat
// networks have disjoint pod ranges, gateways and credentials have what they need.
import { credentialsStoreProblem, gatewayAddressProblem, linkApiServerProblem, sealedKubeconfigProblem } from '../model/link-values.ts';
import { GATEWAY_DEFAULTS } from '../compat/multicluster-names.ts';
import { error, show, warning, type Diagnostic } from '../model/diagnostics.ts';
import { chooseFrom } from '../model/suggest.ts';
import { originOf } from '../model/merge.ts';
import type { ResolvedCluster, ResolvedFleet, ResolvedLink } from '../resolve/resolve.ts';
import { federatedServiceName, mirroredServiceName } from '../compat/multicluster-names.ts';
import { overlaps, parseCidr } from '../model/cidr.ts';
import { groupBy } from '../model/grouping.ts';

export function checkMulticluster(fleet: ResolvedFleet): Diagnostic[] {
  const byName = new Map(fleet.clusters.map((c) => [c.name, c]));
  const refused = new Set(fleet.refused.map((c) => c.name));
  const diagnostics: Diagnostic[] = [];
  const known = (name: string, path: string) => {
    if (byName.has(name)) return true;
    // A cluster the resolver refused has its error already; references to it are not new mistakes.
    if (!refused.has(name)) diagnostics.push(error('MF4001', path, `no cluster named ${show(name)}`, chooseFrom(name, [...byName.keys()], 'name one of')));
    return false;
  };

  // Each source's flat link targets, made when a federated service asks.
  let flat: Map<string, Set<string>> | undefined;
  const flatTargets = (source: string) => {
    if (!flat) {
      flat = new Map();
      for (const l of fleet.links) if (l.mode === 'flat') (flat.get(l.source) ?? flat.set(l.source, new Set()).get(l.source)!).add(l.target);
    }
    return flat.get(source);
  };

  // source → target → the first link between them.
  const seen = new Map<string, Map<string, ResolvedLink>>();
  for (const link of fleet.links) {
    const sourceOk = known(link.source, link.sourcePath);
    const targetOk = known(link.target, link.targetPath);
    if (link.source === link.target) {
      diagnostics.push(error('MF4002', link.targetPath, `cluster ${show(link.source)} links to itself`, 'remove the link: a cluster sees its own services already'));
      continue;
    }
    const fromSource = seen.get(link.source) ?? seen.set(link.source, new Map()).get(link.source)!;
    const first = fromSource.get(link.target);
    if (first) {
      diagnostics.push(error('MF4003', link.path, `${link.source} → ${link.target} is linked twice (also ${first.path})`, 'keep one link per source and target: a source has one Link per target'));
      continue;
    }
    fromSource.set(link.target, link);
    if (!sourceOk || !targetOk) continue;
    const source = byName.get(link.source)!;
    const target = byName.get(link.target)!;
    diagnostics.push(...checkLinkEnds(link, source, target, fleet));
  }

  for (const fed of fleet.federatedServices) {
    const members = fed.clusters.filter((name, i) => known(name, `${fed.path}/clusters/${i}`)).map((n) => byName.get(n)!);
    const networks = new Set(members.map((m) => m.network));
    if (networks.size > 1) {
      diagnostics.push(error('MF4004', `${fed.path}/clusters`, `federated service ${fed.namespace}/${fed.name} spans networks ${[...networks].join(', ')}`, 'federate only clusters on one flat network (pod IPs routable between them); use gateway links and failover routes across networks'));
    }
    if (fed.clusters.length === 1) {
      diagnostics.push(warning('MF4005', `${fed.path}/clusters`, `federated service ${fed.namespace}/${fed.name} has one member only`, 'add the clusters that also run it, or drop the federation'));
    }
    for (const a of members) {
      const targets = flatTargets(a.name);
      for (const b of members) {
        if (a !== b && !targets?.has(b.name)) {
          diagnostics.push(warning('MF4006', `${fed.path}/clusters`, `${a.name} has no flat link to ${b.name}, so its ${fed.name}-federated will not include ${b.name}'s endpoints`, `add links: [{ mesh: [${fed.clusters.join(', ')}], mode: flat }]`));
        }
      }
    }
  }

  diagnostics.push(...checkFlatNetworks(fleet));
  diagnostics.push(...checkServiceNames(fleet));
  diagnostics.push(...checkUsefulLinks(fleet));
  diagnostics.push(...checkCredentials(fleet));
  diagnostics.push(...checkNodePortGateways(fleet));
  return diagnostics;
}

/** kube-apiserver's default --service-node-port-range. */
const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/**
 * A NodePort gateway's port settings are the node ports its Links dial (what link-gen reads from the
 * Service), so they must be node ports: inside the range, and two different ones.
 */
function checkNodePortGateways(fleet: ResolvedFleet): Diagnostic[] {
  const out: Diagnostic[] = [];
  const targets = new Set(fleet.links.filter((l) => l.mode === 'gateway').map((l) => l.target));
  for (const cluster of fleet.clusters) {
    if (!targets.has(cluster.name) || cluster.gateway.serviceType !== 'NodePort') continue;
    // A port left at its default is wrong because of serviceType: point there.
    const at = (setting: string) =>
      originOf(cluster.settings, cluster.settings.origins.has(setting) ? setting : '/gateway/serviceType', `${cluster.path}/gateway`);
    const ports = [
      { setting: '/gateway/port', name: 'gateway.port', value: cluster.gateway.port ?? GATEWAY_DEFAULTS.port },
      { setting: '/gateway/probe/port', name: 'gateway.probe.port', value: cluster.gateway.probe?.port ?? GATEWAY_DEFAULTS.probe.port },
    ];
    for (const p of ports) {
      if (p.value < NODE_PORT_RANGE.min || p.value > NODE_PORT_RANGE.max) {
        out.push(error('MF4007', at(p.setting), `${cluster.name}'s gateway is a NodePort Service, so its Links dial ${p.name} as a node port, but ${p.value} is outside the node port range ${NODE_PORT_RANGE.min}–${NODE_PORT_RANGE.max}`, `set gateway.port and gateway.probe.port of ${cluster.name} to two free node ports (kube-apiserver --service-node-port-range, by default ${NODE_PORT_RANGE.min}–${NODE_PORT_RANGE.max}), e.g. 30143 and 30191`));
      }
    }
    if (ports[0].value === ports[1].value) {
      out.push(error('MF4008', at('/gateway/probe/port'), `${cluster.name}'s NodePort gateway uses node port ${ports[0].value} for both traffic and probes`, 'give gateway.probe.port a node port of its own'));
    }
  }
  return out;
}

function checkLinkEnds(link: ResolvedLink, source: ResolvedCluster, target: ResolvedCluster, fleet: ResolvedFleet): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (link.mode === 'flat' && source.network !== target.network) {
    out.push(error('MF4009', link.path, `flat link ${link.source} → ${link.target} crosses networks (${source.network} → ${target.network})`, 'use mode: gateway between networks, or put both clusters on one network if their pod IPs are routable'));
  }
  const noAddress = gatewayAddressProblem(link, target.gateway.address, target.path);
  if (noAddress) out.push(error('MF4010', link.targetPath, noAddress.message, noAddress.fix));
  // The Link CRD (multicluster.linkerd.io/v1alpha3, declarative controllers) is the same from 2.18
  // on; both ends must speak it. Every release in the compat table does; older ones are unknown.
  if (source.release.linkApiVersion !== target.release.linkApiVersion) {
    out.push(error('MF4011', link.path, `Linkerd ${source.linkerdVersion} and ${target.linkerdVersion} do not share a Link API`, 'upgrade the older cluster to Linkerd 2.18 or later'));
  }
  const noApiServer = linkApiServerProblem(fleet.credentials, link.target, target.apiServer);
  if (noApiServer) out.push(error('MF4012', `${target.path}/apiServer`, noApiServer.message, noApiServer.fix));
  return out;
}

/** Pod-to-pod traffic needs routable, so distinct, pod ranges on every flat network. */
function checkFlatNetworks(fleet: ResolvedFleet): Diagnostic[] {
  const out: Diagnostic[] = [];
  const flatMembers = new Set<string>();
  for (const l of fleet.links) if (l.mode === 'flat') flatMembers.add(l.source).add(l.target);
  for (const f of fleet.federatedServices) for (const c of f.clusters) flatMembers.add(c);
  // Refused clusters too: their pod range is written in the document, and an overlap is its own mistake.
  const index = (c: { path: string }) => Number(c.path.slice(c.path.lastIndexOf('/') + 1));
  const members = [...fleet.clusters, ...fleet.refused].filter((c) => flatMembers.has(c.name)).sort((a, b) => index(a) - index(b));
  for (const c of members) {
    if (!c.podCIDR) out.push(error('MF4013', `${c.path}/podCIDR`, `cluster ${c.name} is on a flat network but has no podCIDR`, 'set podCIDR: flat links need pod ranges that do not overlap'));
  }
  // Pairs only within a network, each range parsed once.
  const byNetwork = groupBy(
    members.flatMap((c) => {
      const cidr = c.podCIDR ? parseCidr(c.podCIDR) : undefined;
      return cidr ? [{ cluster: c, cidr }] : [];
    }),
    (range) => range.cluster.network,
  );
  for (const ranges of byNetwork.values()) {
    ranges.forEach(({ cluster: b, cidr: cb }, j) => {
      // The first range before it that overlaps it, found without a copy of those before it.
      let clash: (typeof ranges)[number] | undefined;
      for (let i = 0; i < j && !clash; i++) if (overlaps(ranges[i]!.cidr, cb)) clash = ranges[i];
      if (clash) {
        const a = clash.cluster;
        out.push(error('MF4014', `${b.path}/podCIDR`, `pod CIDR ${b.podCIDR} of ${b.name} overlaps ${a.podCIDR} of ${a.name} on flat network ${a.network}`, 'give every cluster of a flat network its own pod range'));
      }
    });
  }
  return out;
}

/** Where the fleet names its services, a link that mirrors nothing its source uses is a smell. */
/**
 * On each cluster, the Services Linkerd creates for it must have distinct names: mirrors are
 * `<service>-<target cluster>` and federated services `<service>-federated`, so a cluster named
 * "federated" (or names that join alike, "a-b" from "c" and "a" from "b-c") make two Services one.
 */
function checkServiceNames(fleet: ResolvedFleet): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const clusterPath = new Map(fleet.clusters.map((c) => [c.name, c.path]));
  // Links by source and exports by cluster, in fleet order: a scan of every link per cluster is 9 million steps at 1000 clusters.
  const linksFrom = groupBy(fleet.links, (l) => l.source);
  const exportsOf = groupBy(fleet.exports, (e) => e.cluster);
  for (const source of fleet.clusters) {
    const made = new Map<string, string>();
    const add = (namespace: string, name: string, what: string, path: string) => {
      const key = `${namespace}/${name}`;
      const first = made.get(key);
      if (first === undefined) {
        made.set(key, what);
        return;
      }
      diagnostics.push(
        error('MF4015', path, `on cluster ${source.name}, ${what} and ${first} would both be the Service ${key}`, `rename one of them (a cluster named "federated" cannot be linked to while services are federated; cluster and service names must not join alike with "-")`),
      );
    };
    for (const fed of fleet.federatedServices) {
      if (fed.clusters.includes(source.name)) add(fed.namespace, federatedServiceName(fed.name), `the federated service of ${fed.name}`, fed.path);
    }
    for (const link of linksFrom.get(source.name) ?? []) {
      for (const exported of exportsOf.get(link.target) ?? []) {
        add(exported.namespace, mirroredServiceName(exported.name, link.target), `the mirror of ${exported.name} from ${link.target}`, `${clusterPath.get(link.target) ?? link.targetPath}/name`);
      }
    }
  }
  return diagnostics;
}

function checkUsefulLinks(fleet: ResolvedFleet): Diagnostic[] {
  if (fleet.exports.length === 0) return [];
  const wanted = { gateway: 'gateway', flat: 'remote-discovery' } as const;
  const exportsUsed = (l: ResolvedLink) =>
    fleet.exports.some((s) => s.cluster === l.target && s.export === wanted[l.mode] && (!s.consumers || s.consumers.includes(l.source)));
  // A flat link between members of a federated service carries the federation's endpoints.
  const federates = (l: ResolvedLink) =>
    l.mode === 'flat' && fleet.federatedServices.some((f) => f.clusters.includes(l.source) && f.clusters.includes(l.target));
  const known = new Set(fleet.clusters.map((c) => c.name));
  return fleet.links
    .filter((l) => known.has(l.source) && known.has(l.target) && !exportsUsed(l) && !federates(l))
    .map((l) => warning('MF4016', l.path, `${l.target} exports nothing over a ${l.mode} link that ${l.source} uses`, `list a service of ${l.target} in spec.exports with export: ${wanted[l.mode]} (consumers including ${l.source}), or remove the link`));
}

function checkCredentials(fleet: ResolvedFleet): Diagnostic[] {
  if (fleet.links.length === 0) return [];
  const c = fleet.credentials;
  const noStore = credentialsStoreProblem(c);
  if (noStore) return [error('MF4017', '/spec/credentials', noStore.message, noStore.fix)];
  return fleet.links.flatMap((l) => {
    const unsealed = sealedKubeconfigProblem(c, l.source, l.target);
    return unsealed ? [error('MF4018', '/spec/credentials/sealedKubeconfigs', unsealed.message, unsealed.fix)] : [];
  });
}
