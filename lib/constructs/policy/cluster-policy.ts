// A cluster's policy objects, in three files of the mesh chart: namespaces.yaml (the namespaces the
// policy lives in), policy.yaml (Servers, authorizations, rate limits) and egress.yaml.
import { Construct } from 'constructs';
import type { ClusterPolicyView } from '../../resolve/policy.ts';
import { AppNamespace } from './app-namespace.ts';
import { CallerAuthorization } from './caller-authorization.ts';
import { EgressControl } from './egress-control.ts';
import { HttpRateLimit } from './http-rate-limit.ts';
import { MeshServer } from './mesh-server.ts';

/** Adds the top-level constructs Namespaces, Policy and Egress to `chart`, each only when it has objects. */
export function addClusterPolicy(chart: Construct, view: ClusterPolicyView): void {
  if (view.namespaces.length) {
    const namespaces = new Construct(chart, 'Namespaces');
    for (const ns of view.namespaces) new AppNamespace(namespaces, ns.name, ns);
  }
  if (view.servers.length || view.authorizations.length) {
    const policy = new Construct(chart, 'Policy');
    // Construct ids carry the namespace (a DNS label, so the dot separates): a name may repeat across namespaces.
    for (const s of view.servers) new MeshServer(policy, `Server.${s.namespace}.${s.name}`, s);
    for (const a of view.authorizations) new CallerAuthorization(policy, `Authorization.${a.namespace}.${a.name}`, a);
    for (const r of view.rateLimits) {
      const clients = (o: NonNullable<typeof r.limit.overrides>[number]) => o.clients.map((c) => ({ serviceAccount: c.serviceAccount, namespace: c.namespace ?? r.clientNamespace }));
      new HttpRateLimit(policy, `RateLimit.${r.namespace}.${r.name}`, {
        name: r.name,
        namespace: r.namespace,
        server: r.server,
        total: r.limit.total,
        identity: r.limit.identity,
        overrides: r.limit.overrides?.map((o) => ({ requestsPerSecond: o.requestsPerSecond, clients: clients(o) })),
      });
    }
  }
  if (view.egressNetworks.length) {
    const egress = new Construct(chart, 'Egress');
    for (const e of view.egressNetworks) new EgressControl(egress, `${e.namespace}.${e.name}`, e);
  }
}
