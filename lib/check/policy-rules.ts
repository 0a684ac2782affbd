// Fleet-wide policy rules: every name a policy uses (cluster, namespace, service account, port, route)
// exists where it is used, callers can reach the server at all, what the caller's link mode does to
// its identity, and the Linkerd version of each cluster serves the kinds the policy needs.
import { identityLimitProblem, overrideLimitProblem } from '../model/rate-limit-values.ts';
import { AUTHORIZABLE_ROUTE_GROUP } from '../compat/policy-targets.ts';
import { gatewayIdentityFor } from '../compat/multicluster-names.ts';
import { error, show, warning, type Diagnostic } from '../model/diagnostics.ts';
import { chooseFrom } from '../model/suggest.ts';
import type { CallerSpec, ProxyProtocol } from '../model/types.ts';
import { callerClusters, reachOf, serverName, type PolicyContext, type ResolvedMeshService, type ResolvedNamespace } from '../resolve/policy.ts';
import type { ResolvedCluster, ResolvedFleet } from '../resolve/resolve.ts';
import { contains, parseCidr } from '../model/cidr.ts';

/** Rate limits count HTTP requests; on opaque or TLS ports there are none. */
const REQUEST_PROTOCOLS: readonly ProxyProtocol[] = ['unknown', 'HTTP/1', 'HTTP/2', 'gRPC'];

export function checkPolicy(fleet: ResolvedFleet): Diagnostic[] {
  const { namespaces, services, egress } = fleet.policy;
  if (!namespaces.length && !services.length && !egress.length) return [];
  const rules = new PolicyRules(fleet);
  return [...rules.namespaces(), ...rules.services(), ...rules.egress()];
}

class PolicyRules {
  private readonly clusters: ReadonlyMap<string, ResolvedCluster>;
  /** Clusters at the known end of a link whose other end names no cluster: their reach is not known. */
  private readonly brokenLinkEnds = new Set<string>();
  private readonly ctx: PolicyContext;
  private readonly out: Diagnostic[] = [];
  /** By "<cluster>/<namespace>", so that a fleet of thousands of clusters checks in linear time. */
  private readonly namespaceIndex = new Map<string, ResolvedNamespace>();
  private readonly serviceAccountIndex = new Map<string, Set<string>>();

  constructor(private readonly fleet: ResolvedFleet) {
    this.clusters = new Map(fleet.clusters.map((c) => [c.name, c]));
    for (const l of fleet.links) {
      if (!this.clusters.has(l.source)) this.brokenLinkEnds.add(l.target);
      if (!this.clusters.has(l.target)) this.brokenLinkEnds.add(l.source);
    }
    this.ctx = fleet.policyContext;
    for (const ns of fleet.policy.namespaces) for (const c of ns.clusters) if (!this.namespaceIndex.has(`${c}/${ns.name}`)) this.namespaceIndex.set(`${c}/${ns.name}`, ns);
    for (const s of fleet.policy.services) {
      if (!s.serviceAccount) continue;
      for (const c of s.clusters) {
        const key = `${c}/${s.namespace}`;
        if (!this.serviceAccountIndex.has(key)) this.serviceAccountIndex.set(key, new Set());
        this.serviceAccountIndex.get(key)!.add(s.serviceAccount);
      }
    }
  }

  namespaces(): Diagnostic[] {
    const out: Diagnostic[] = [];
    const seen = new Map<string, string>();
    for (const ns of this.fleet.policy.namespaces) {
      ns.clusters.forEach((c, i) => {
        if (!this.clusterExists(c, `${ns.path}/clusters/${i}`, out)) return;
        const key = `${c}/${ns.name}`;
        const first = seen.get(key);
        if (first) out.push(error('MF5001', `${ns.path}/name`, `namespace ${show(ns.name)} is declared twice on cluster ${c} (also ${first})`, 'declare each namespace once per cluster: merge the entries, or split their clusters'));
        else seen.set(key, ns.path);
      });
      if (!ns.manage) {
        for (const field of ['inject', 'defaultInboundPolicy'] as const) {
          if (ns[field] !== undefined) {
            out.push(error('MF5002', `${ns.path}/${field}`, `namespace ${show(ns.name)} is not managed by meshfleet (manage: false), so its ${field} annotation cannot be set`, `remove ${field}, or let meshfleet write the Namespace (manage: true)`));
          }
        }
      }
    }
    return out;
  }

  services(): Diagnostic[] {
    const out = this.out;
    const seenService = new Map<string, string>();
    const seenServer = new Map<string, string>();
    const seenSelection = new Map<string, string>();
    const seenRoute = new Map<string, string>();
    for (const service of this.fleet.policy.services) {
      const clusters = service.clusters.filter((c, i) => this.clusterExists(c, `${service.path}/clusters/${i}`, out));
      const portNames = new Set<string>();
      service.ports.forEach((port, i) => {
        if (portNames.has(port.name)) out.push(error('MF5003', `${service.path}/ports/${i}/name`, `port name ${show(port.name)} is used twice in service ${service.namespace}/${service.name}`, 'give every port of a service its own name: it names the port\'s Server'));
        portNames.add(port.name);
      });
      for (const cluster of clusters) {
        const where = `${cluster}/${service.namespace}`;
        firstOrReport(seenService, `${where}/${service.name}`, service.path, (first) =>
          out.push(error('MF5004', `${service.path}/name`, `service ${service.namespace}/${service.name} is declared twice on cluster ${cluster} (also ${first})`, 'declare a service once per cluster: merge the entries, or split their clusters')),
        );
        if (!this.namespaceOn(service.namespace, cluster)) {
          out.push(error('MF5005', `${service.path}/namespace`, `namespace ${show(service.namespace)} is not declared on cluster ${cluster}, where ${service.name} runs`, this.declareNamespaceFix(service.namespace, cluster)));
        }
        service.ports.forEach((port, i) => {
          const server = serverName(service.name, port.name);
          firstOrReport(seenServer, `${where}/${server}`, service.path, (first) =>
            out.push(error('MF5006', `${service.path}/ports/${i}/name`, `two Servers are named ${server} in namespace ${service.namespace} on cluster ${cluster} (also ${first})`, 'rename the port or the service: a Server is named <service>-<port>')),
          );
          const selection = `${where}/${JSON.stringify(Object.entries(service.podSelector).sort())}/${port.targetPort ?? port.port}`;
          firstOrReport(seenSelection, selection, service.path, (first) =>
            out.push(error('MF5007', `${service.path}/ports/${i}`, `a Server for the same pods and port already exists on cluster ${cluster} (${first}); Linkerd would apply only the older one`, 'describe each port of a set of pods once: give the services different podSelectors, or merge them')),
          );
        });
        for (const [i, route] of (service.routes ?? []).entries()) {
          const key = `${cluster}/${route.namespace ?? service.namespace}/${route.group ?? ''}/${route.kind}/${route.name}`;
          firstOrReport(seenRoute, key, `${service.path}/routes/${i}`, (first) =>
            out.push(error('MF5008', `${service.path}/routes/${i}`, `route ${route.kind} ${route.name} has route-level policy twice on cluster ${cluster} (also ${first})`, 'give each route one entry with all its callers')),
          );
        }
      }
      this.ports(service, clusters);
      (service.allow ?? []).forEach((caller, i) => this.caller(caller, `${service.path}/allow/${i}`, service, clusters, portNames));
      this.routes(service, clusters);
      this.unusedPorts(service);
    }
    return out;
  }

  private ports(service: ResolvedMeshService, clusters: readonly string[]): void {
    service.ports.forEach((port, i) => {
      const limit = port.rateLimit;
      if (!limit) return;
      const at = `${service.path}/ports/${i}/rateLimit`;
      for (const cluster of clusters) {
        const c = this.clusters.get(cluster);
        if (c && !c.release.policyApis.httpLocalRateLimitPolicy) {
          this.out.push(error('MF5009', at, `Linkerd ${c.linkerdVersion} on cluster ${cluster} has no HTTPLocalRateLimitPolicy`, `upgrade ${cluster} to a Linkerd version with rate limits (2.17 or later), or run ${service.name} elsewhere`));
        }
      }
      const protocol = port.protocol ?? 'unknown';
      if (!REQUEST_PROTOCOLS.includes(protocol)) {
        this.out.push(error('MF5010', at, `port ${port.name} of ${service.name} is ${protocol}: rate limits count HTTP requests, and ${protocol} traffic has none`, 'rate-limit an HTTP/1, HTTP/2 or gRPC port, or remove rateLimit'));
      }
      const identityAbove = identityLimitProblem(limit.identity, limit.total);
      if (identityAbove) this.out.push(error('MF5011', `${at}/identity`, identityAbove.message, identityAbove.fix));
      (limit.overrides ?? []).forEach((override, j) => {
        const overrideAbove = overrideLimitProblem(override.requestsPerSecond, limit.total);
        if (overrideAbove) this.out.push(error('MF5012', `${at}/overrides/${j}/requestsPerSecond`, overrideAbove.message, overrideAbove.fix));
        override.clients.forEach((client, k) => {
          const namespace = client.namespace ?? service.namespace;
          this.serviceAccountKnown(client.serviceAccount, namespace, clusters, `${at}/overrides/${j}/clients/${k}`, client.namespace !== undefined);
        });
      });
    });
  }

  private routes(service: ResolvedMeshService, clusters: readonly string[]): void {
    (service.routes ?? []).forEach((route, i) => {
      const at = `${service.path}/routes/${i}`;
      const group = AUTHORIZABLE_ROUTE_GROUP[route.kind];
      if (route.group !== undefined && route.group !== group) {
        this.out.push(
          error('MF5013',
            `${at}/group`,
            `Linkerd authorizes ${route.kind === 'HTTPRoute' ? 'an' : 'a'} ${route.kind} only of group ${group}: its admission webhook refuses an AuthorizationPolicy on a ${route.group} ${route.kind}`,
            `use group ${group} (or leave group out)${route.kind === 'HTTPRoute' ? ', with the route declared as a policy.linkerd.io HTTPRoute whose parent is one of the service\'s Servers' : ''}`,
          ),
        );
      }
      const namespace = route.namespace ?? service.namespace;
      for (const cluster of clusters) {
        if (route.namespace && !this.namespaceOn(namespace, cluster)) {
          this.out.push(error('MF5014', `${at}/namespace`, `namespace ${show(namespace)} is not declared on cluster ${cluster}`, this.declareNamespaceFix(namespace, cluster)));
        }
      }
      // No existence check: an AuthorizationPolicy means something only on an inbound route (parent: a
      // Server), and the routes a fleet declares (spec.routes) are GAMMA routes whose parent is a Service.
      // Inbound routes are applied by other means, so the fleet cannot know them.
      route.allow.forEach((caller, j) => this.caller(caller, `${at}/allow/${j}`, service, clusters, undefined, `${route.kind} ${route.name}`));
    });
  }

  /** A port no caller may use denies everything: worth a word, since it is easy to miss. */
  private unusedPorts(service: ResolvedMeshService): void {
    if (service.accessPolicy !== undefined || service.routes?.length) return;
    service.ports.forEach((port, i) => {
      if ((service.allow ?? []).some((c) => !c.ports || c.ports.includes(port.name))) return;
      this.out.push(warning('MF5016', `${service.path}/ports/${i}`, `no caller is allowed on port ${port.name} of ${service.namespace}/${service.name}: its Server denies every request (audit mode only reports them)`, `add an allow entry for it, or set accessPolicy if that is what you mean`));
    });
  }

  private caller(caller: CallerSpec, at: string, service: ResolvedMeshService, serviceClusters: readonly string[], portNames?: ReadonlySet<string>, target?: string): void {
    const out = this.out;
    if ('ports' in caller && caller.ports && portNames) {
      caller.ports.forEach((port, i) => {
        if (!portNames.has(port)) out.push(error('MF5017', `${at}/ports/${i}`, `port ${show(port)} does not exist on service ${service.namespace}/${service.name}`, `use one of: ${[...portNames].join(', ')}`));
      });
    }
    if ('network' in caller) {
      this.network(caller.network, caller.except, at, 'network');
      return;
    }
    if ('unauthenticated' in caller) return;

    const clusterField = 'cluster' in caller ? 'cluster' : 'clusters';
    const fromPath = (from: string) => ('cluster' in caller ? `${at}/cluster` : caller.clusters ? `${at}/clusters/${caller.clusters.indexOf(from)}` : at);
    const named = 'cluster' in caller ? [caller.cluster] : caller.clusters;
    const froms = (named ?? []).filter((c) => this.clusterExists(c, fromPath(c), out));
    if (!('cluster' in caller)) {
      const namespace = caller.namespace ?? service.namespace;
      // Named clusters must each have the namespace; the implicit "same cluster" needs it on one.
      const where = named ? froms : serviceClusters;
      const declaredOn = where.filter((c) => this.namespaceOn(namespace, c));
      if (named) {
        for (const c of where.filter((c) => !declaredOn.includes(c))) out.push(error('MF5018', `${at}/namespace`, `namespace ${show(namespace)} is not declared on cluster ${c}`, this.declareNamespaceFix(namespace, c)));
      } else if (where.length && !declaredOn.length && !service.clusters.some((c) => this.fleet.refused.some((r) => r.name === c))) {
        // (Not when a refused cluster of the service might be the one that has it: its error comes first.)
        out.push(error('MF5019', `${at}/namespace`, `namespace ${show(namespace)} is not declared on ${where.join(', ')}, where ${service.name} runs`, this.declareNamespaceFix(namespace, where[0])));
      }
      // A refused cluster's namespaces are written in the document: a caller's service account is still checked there.
      const refusedOn = (named ?? []).filter((c) => this.isRefused(c) && this.namespaceOn(namespace, c));
      if ('serviceAccount' in caller) this.serviceAccountKnown(caller.serviceAccount, namespace, [...declaredOn, ...refusedOn], at, false);
    }

    const what = target ? `${target} of ${service.name}` : service.name;
    const gatewayPairs: string[] = [];
    // What the caller reaches on each of the service's clusters, once: the same for every cluster it names.
    const byServer = froms.length ? serviceClusters.map((c) => ({ server: c, reach: reachOf(caller, c, service.namespace, this.ctx), callers: callerClusters(caller, c) })) : [];
    // Unlinked because a link names a cluster that does not exist: that error is the root cause.
    // So is a refused cluster of the service: whether a caller reaches it cannot be known.
    const serviceLinkBroken = froms.length > 0 && (serviceClusters.some((c) => this.brokenLinkEnds.has(c)) || service.clusters.some((c) => this.isRefused(c)));
    for (const from of named ? froms : []) {
      const reaches = byServer.map(({ server, reach, callers }) => ({ server, reach: reach[callers.indexOf(from)] }));
      const linkBroken = serviceLinkBroken || this.brokenLinkEnds.has(from);
      if (!linkBroken && !reaches.some((r) => r.reach.kind !== 'unlinked')) {
        out.push(error('MF5020', fromPath(from), `cluster ${from} is not linked to ${serviceClusters.join(', ')}, where ${what} runs: its workloads cannot call it`, `add a link from ${from} (links: [{ from: ${from}, to: ${serviceClusters[0]}, mode: flat | gateway }]), or remove ${from} from ${clusterField}`));
      }
      for (const { server, reach } of reaches) {
        if (reach.kind === 'identities' && reach.via === 'gateway') gatewayPairs.push(`${from} → ${server}`);
      }
      if (reaches.some(({ reach }) => reach.kind === 'podNetwork' && !reach.cidr)) {
        out.push(error('MF5021', fromPath(from), `the whole cluster ${from} is a caller, but ${from} has no podCIDR to recognize its workloads by`, `set podCIDR on cluster ${from}`));
      }
    }
    if (gatewayPairs.length) {
      const who = 'serviceAccount' in caller ? `${caller.serviceAccount}.${caller.namespace ?? service.namespace}` : 'cluster' in caller ? `each workload of ${caller.cluster}` : `namespace ${caller.namespace}`;
      const links = gatewayPairs.length > 1 ? `gateway links ${gatewayPairs.join(', ')}` : `gateway link ${gatewayPairs[0]}`;
      out.push(warning('MF5022', at, `over ${links}, ${what} sees the multicluster gateway's identity (${gatewayIdentityFor(this.fleet.trust.domain)}), not ${who}'s: this allows every workload that reaches it through the gateway`, 'accept the wider grant (gateway traffic cannot be told apart per workload), or use a flat link between clusters on one network to keep workload identity end to end'));
    }
  }

  /** `at` is the entry naming the account (a caller, a rate-limit client). */
  private serviceAccountKnown(serviceAccount: string, namespace: string, clusters: readonly string[], at: string, namespaceGiven: boolean): void {
    for (const cluster of clusters) {
      const ns = this.namespaceOn(namespace, cluster);
      if (!ns) {
        if (namespaceGiven) this.out.push(error('MF5023', `${at}/namespace`, `namespace ${show(namespace)} is not declared on cluster ${cluster}`, this.declareNamespaceFix(namespace, cluster)));
        continue;
      }
      if (!ns.serviceAccounts) continue;
      const known = new Set([...ns.serviceAccounts, ...(this.serviceAccountIndex.get(`${cluster}/${namespace}`) ?? [])]);
      if (!known.has(serviceAccount)) {
        this.out.push(error('MF5024', `${at}/serviceAccount`, `no service account ${show(serviceAccount)} in namespace ${namespace} on cluster ${cluster}`, `${chooseFrom(serviceAccount, [...known]) || '(none declared)'}; or add it to serviceAccounts at ${ns.path}`));
      }
    }
  }

  egress(): Diagnostic[] {
    const out: Diagnostic[] = [];
    const seen = new Map<string, string>();
    for (const e of this.fleet.policy.egress) {
      e.clusters.forEach((cluster, i) => {
        const c = this.clusters.get(cluster);
        if (!this.clusterExists(cluster, `${e.path}/clusters/${i}`, out) || !c) return;
        if (!c.release.policyApis.egressNetwork) {
          out.push(error('MF5025', e.path, `Linkerd ${c.linkerdVersion} on cluster ${cluster} has no EgressNetwork`, `upgrade ${cluster} to a Linkerd version with egress control (2.17 or later), or list the clusters that have it`));
        }
        if (e.namespace && !this.namespaceOn(e.namespace, cluster)) {
          out.push(error('MF5026', `${e.path}/namespace`, `namespace ${show(e.namespace)} is not declared on cluster ${cluster}`, `${this.declareNamespaceFix(e.namespace, cluster)}, or leave namespace out for the global egress namespace`));
        }
        firstOrReport(seen, `${cluster}/${e.namespace ?? ''}/${e.name}`, e.path, (first) =>
          out.push(error('MF5027', `${e.path}/name`, `egress network ${show(e.name)} is declared twice on cluster ${cluster} (also ${first})`, 'give each egress network of a namespace its own name')),
        );
      });
      (e.networks ?? []).forEach((n, i) => this.network(n.cidr, n.except, `${e.path}/networks/${i}`, 'cidr', out));
    }
    return out;
  }

  private network(cidrText: string, except: readonly string[] | undefined, at: string, field: string, out: Diagnostic[] = this.out): void {
    const cidr = parseCidr(cidrText);
    if (!cidr) {
      out.push(error('MF5028', `${at}/${field}`, `${show(cidrText)} is not a CIDR`, 'use CIDR notation such as "10.0.0.0/8" or "fd00::/8"'));
      return;
    }
    (except ?? []).forEach((text, i) => {
      const inner = parseCidr(text.includes('/') ? text : `${text}/${cidr.family === 4 ? 32 : 128}`);
      if (!inner) out.push(error('MF5029', `${at}/except/${i}`, `${show(text)} is not an address or CIDR`, 'use an address or CIDR notation such as "10.0.3.0/24"'));
      else if (!contains(cidr, inner)) out.push(error('MF5030', `${at}/except/${i}`, `${text} is not inside ${cidrText}`, `leave out only addresses inside ${cidrText}`));
    });
  }

  private namespaceOn(name: string, cluster: string): ResolvedNamespace | undefined {
    return this.namespaceIndex.get(`${cluster}/${name}`);
  }

  private declareNamespaceFix(name: string, cluster: string): string {
    const declared = this.fleet.policy.namespaces.find((ns) => ns.name === name);
    return declared
      ? `add ${cluster} to the clusters of namespace ${name} (${declared.path}/clusters)`
      : `declare it: spec.namespaces: [{ name: ${name} }] (manage: false if another tool creates it)`;
  }

  private isRefused(name: string): boolean {
    return this.fleet.refused.some((c) => c.name === name);
  }

  private clusterExists(name: string, path: string, out: Diagnostic[]): boolean {
    if (this.clusters.has(name)) return true;
    // A cluster the resolver refused has its error already.
    if (this.isRefused(name)) return false;
    out.push(error('MF5031', path, `no cluster named ${show(name)}`, chooseFrom(name, [...this.clusters.keys()], 'name one of')));
    return false;
  }
}

function firstOrReport(seen: Map<string, string>, key: string, path: string, report: (first: string) => void): void {
  const first = seen.get(key);
  if (first === undefined) seen.set(key, path);
  else if (first !== path) report(first);
}
