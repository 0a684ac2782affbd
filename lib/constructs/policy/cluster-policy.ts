// A cluster's policy objects, in one file of the mesh chart (policy.yaml): the namespaces the policy
// lives in first, then Servers, authorizations, rate limits and egress networks. One file rather than
// one per kind: a thousand-cluster fleet writes every file twice (chart and manifests), and Helm and
// kustomize apply Namespaces first whatever their place in a file.
import { Construct } from 'constructs';
import type { ClusterPolicyView } from '../../resolve/policy.ts';
import { AppNamespace } from './app-namespace.ts';
import { CallerAuthorization } from './caller-authorization.ts';
import { EgressControl } from './egress-control.ts';
import { HttpRateLimit } from './http-rate-limit.ts';
import { MeshServer } from './mesh-server.ts';

/** Adds the top-level construct Policy to `chart` when the cluster has any policy object. */
export function addClusterPolicy(chart: Construct, view: ClusterPolicyView): void {
  if (!view.namespaces.length && !view.servers.length && !view.authorizations.length && !view.egressNetworks.length) return;
  const policy = new Construct(chart, 'Policy');
  // Construct ids carry the namespace (a DNS label, so the dot separates): a name may repeat across namespaces.
  for (const ns of view.namespaces) new AppNamespace(policy, `Namespace.${ns.name}`, ns);
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
  for (const e of view.egressNetworks) new EgressControl(policy, `Egress.${e.namespace}.${e.name}`, e);
}
