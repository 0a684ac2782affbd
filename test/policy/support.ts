// A two-network fleet with namespaces for the policy tests: a1 ⇄ a2 flat (network a), b1 ⇄ b2 flat
// (network b), a1 and a2 → b1 through b1's gateway. Services are added per test.
import type { KubeObject } from '../../lib/output/kube-object.ts';
import { render } from '../support/fleet.ts';
import { twoNetworkFleet } from '../multicluster/support.ts';

export const TRUST_DOMAIN = 'cluster.local';
export const GATEWAY_IDENTITY = 'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local';
export const identity = (sa: string, ns: string, td = TRUST_DOMAIN) => `${sa}.${ns}.serviceaccount.identity.linkerd.${td}`;

export function policyFleet(edit: (doc: any) => void = () => {}) {
  return twoNetworkFleet((doc) => {
    doc.spec.links.push({ mesh: ['b1', 'b2'], mode: 'flat' });
    doc.spec.namespaces = [
      { name: 'shop', serviceAccounts: ['web', 'api', 'worker'] },
      { name: 'ops', manage: false, serviceAccounts: ['prom'] },
    ];
    doc.spec.policy = { services: [] };
    edit(doc);
  });
}

/** A service entry with one HTTP port, merged with `over`. */
export function service(over: Record<string, unknown> = {}) {
  return { name: 'api', namespace: 'shop', clusters: ['b1'], serviceAccount: 'api', ports: [{ name: 'http', port: 8080, protocol: 'HTTP/1' }], ...over };
}

export type Rendered = ReturnType<typeof render>;

export function objectsOf(rendered: Rendered, cluster: string, kind?: string): any[] {
  const objects = rendered.clusters.find((c) => c.cluster.name === cluster)!.objects as KubeObject[];
  return kind ? objects.filter((o) => o.kind === kind) : [...objects];
}

export function named(rendered: Rendered, cluster: string, kind: string, name: string): any {
  return objectsOf(rendered, cluster, kind).find((o) => o.metadata.name === name);
}

export const LABELS = (cluster: string) => ({ 'meshfleet.dev/cluster': cluster, 'meshfleet.dev/fleet': 'test' });
