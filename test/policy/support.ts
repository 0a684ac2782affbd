// A two-network fleet with namespaces for the policy tests: a1 ⇄ a2 flat (network a), b1 ⇄ b2 flat
// (network b), a1 and a2 → b1 through b1's gateway. Services are added per test.
import type { KubeObject } from '../../lib/model/kube-object.ts';
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

/** A policy fleet using every policy kind and field, on cluster b1. */
export const fullFleet = (edit: (doc: any) => void = () => {}) =>
  policyFleet((doc) => {
    doc.spec.namespaces.push({ name: 'pay', clusters: ['b1'], defaultInboundPolicy: 'audit', inject: 'enabled' });
    doc.spec.policy.services = [
      service({
        podSelector: { app: 'api', tier: 'backend' },
        ports: [
          { name: 'http', port: 80, targetPort: 8080, protocol: 'HTTP/1', rateLimit: { total: 100, identity: 10, overrides: [{ requestsPerSecond: 50, clients: [{ serviceAccount: 'web' }, { serviceAccount: 'prom', namespace: 'ops' }] }] } },
          { name: 'admin', port: 9000, targetPort: 'admin', protocol: 'opaque' },
        ],
        allow: [
          { serviceAccount: 'web', clusters: ['b1', 'b2'] },
          { serviceAccount: 'web', clusters: ['a1'] },
          { serviceAccount: 'prom', namespace: 'ops', ports: ['admin'] },
          { cluster: 'b2' },
          { network: '192.0.2.0/24', except: ['192.0.2.7'], ports: ['http'] },
        ],
        routes: [
          { kind: 'HTTPRoute', group: 'policy.linkerd.io', name: 'api-write', allow: [{ serviceAccount: 'worker' }] },
          { kind: 'HTTPRoute', name: 'api-read', allow: [{ unauthenticated: true }] },
          { kind: 'GRPCRoute', name: 'api-grpc', allow: [{ namespace: 'ops' }] },
        ],
      }),
      { name: 'ledger', namespace: 'pay', clusters: ['b1'], ports: [{ name: 'grpc', port: 9090, protocol: 'gRPC' }], allow: [{ serviceAccount: 'api', namespace: 'shop' }] },
    ];
    doc.spec.policy.egress = [
      { name: 'everything', trafficPolicy: 'Allow' },
      { name: 'no-internet', namespace: 'shop', clusters: ['b1'], trafficPolicy: 'Deny', networks: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }] },
    ];
    edit(doc);
  });
