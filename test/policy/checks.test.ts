// Policy checks: every problem at the path the user wrote, with a fix, all reported at once.
import { describe, expect, it } from 'vitest';
import { LINKERD_RELEASES } from '../../lib/compat/linkerd-releases.ts';
import { checkPolicy } from '../../lib/check/policy-rules.ts';
import { plan, render } from '../support/fleet.ts';
import { policyFleet, service } from './support.ts';

const diagnosticsOf = (edit: (doc: any) => void) => plan(policyFleet(edit)).diagnostics.map((d) => [d.severity, d.path, d.message]);
const withServices = (...services: unknown[]) => diagnosticsOf((doc) => (doc.spec.policy.services = services));

describe('policy checks', () => {
  it('accepts a valid policy', () => {
    expect(withServices(service({ allow: [{ serviceAccount: 'web' }, { serviceAccount: 'worker', clusters: ['b2'] }] }))).toStrictEqual([]);
  });

  it('rejects an unknown service account, where the namespace lists its accounts', () => {
    expect(withServices(service({ allow: [{ serviceAccount: 'webb' }, { serviceAccount: 'grafana', namespace: 'ops' }] }))).toStrictEqual([
      ['error', '/spec/policy/services/0/allow/0/serviceAccount', 'no service account "webb" in namespace shop on cluster b1'],
      ['error', '/spec/policy/services/0/allow/1/serviceAccount', 'no service account "grafana" in namespace ops on cluster b1'],
    ]);
    // A service's own serviceAccount declares it; a namespace without a list is not checked.
    expect(diagnosticsOf((doc) => {
      doc.spec.namespaces[1].serviceAccounts = undefined;
      doc.spec.policy.services = [service({ serviceAccount: 'batch', allow: [{ serviceAccount: 'grafana', namespace: 'ops' }] }), service({ name: 'other', allow: [{ serviceAccount: 'batch' }] })];
    })).toStrictEqual([]);
  });

  it('names the fix for an unknown service account', () => {
    const [d] = plan(policyFleet((doc) => (doc.spec.policy.services = [service({ allow: [{ serviceAccount: 'webb' }] })]))).diagnostics;
    expect(d.fix).toBe('did you mean "web"? (use one of: web, api, worker); or add it to serviceAccounts at /spec/namespaces/0');
  });

  it('rejects an unknown namespace, for the service and for callers', () => {
    expect(withServices(service({ namespace: 'shopp', allow: [{ namespace: 'opz' }, { serviceAccount: 'x', namespace: 'nope', clusters: ['b2'] }] }))).toStrictEqual([
      ['error', '/spec/policy/services/0/namespace', 'namespace "shopp" is not declared on cluster b1, where api runs'],
      ['error', '/spec/policy/services/0/allow/0/namespace', 'namespace "opz" is not declared on b1, where api runs'],
      ['error', '/spec/policy/services/0/allow/1/namespace', 'namespace "nope" is not declared on cluster b2'],
    ]);
    expect(diagnosticsOf((doc) => {
      doc.spec.namespaces[0].clusters = ['a1'];
      doc.spec.policy.services = [service()];
    })).toContainEqual(['error', '/spec/policy/services/0/namespace', 'namespace "shop" is not declared on cluster b1, where api runs']);
  });

  it('rejects an unknown cluster wherever a policy names one', () => {
    expect(diagnosticsOf((doc) => {
      doc.spec.namespaces[0].clusters = ['b1', 'c9'];
      doc.spec.policy.services = [service({ clusters: ['b1', 'x1'], allow: [{ serviceAccount: 'web', clusters: ['z9'] }, { cluster: 'q1' }] })];
      doc.spec.policy.egress = [{ name: 'e', clusters: ['y9'], trafficPolicy: 'Deny' }];
    })).toStrictEqual([
      ['error', '/spec/namespaces/0/clusters/1', 'no cluster named "c9"'],
      ['error', '/spec/policy/services/0/clusters/1', 'no cluster named "x1"'],
      ['error', '/spec/policy/services/0/allow/0/clusters/0', 'no cluster named "z9"'],
      ['error', '/spec/policy/services/0/allow/1/cluster', 'no cluster named "q1"'],
      ['error', '/spec/policy/egress/0/clusters/0', 'no cluster named "y9"'],
    ]);
  });

  it('rejects a cross-cluster caller whose cluster has no link to where the service runs', () => {
    // Links go a1/a2 → b1 and b1 ⇄ b2; nothing leaves b1/b2 for a1.
    expect(withServices(service({ clusters: ['a1'], allow: [{ serviceAccount: 'web', clusters: ['b1'] }, { cluster: 'b2' }] }))).toStrictEqual([
      ['error', '/spec/policy/services/0/allow/0/clusters/0', 'cluster b1 is not linked to a1, where api runs: its workloads cannot call it'],
      ['error', '/spec/policy/services/0/allow/1/cluster', 'cluster b2 is not linked to a1, where api runs: its workloads cannot call it'],
    ]);
    // Reaching one of the service's clusters is enough: the others simply do not authorize it.
    expect(withServices(service({ clusters: ['a1', 'b1'], allow: [{ serviceAccount: 'web', clusters: ['b2'] }] }))).toStrictEqual([]);
  });

  it('warns that a caller behind a gateway is seen as the gateway, and explains the fix', () => {
    const result = plan(policyFleet((doc) => (doc.spec.policy.services = [service({ allow: [{ serviceAccount: 'web', clusters: ['a1', 'a2'] }] })])));
    expect(result.fleet).toBeDefined();
    expect(result.diagnostics).toStrictEqual([
      {
        code: 'MF5022',
        severity: 'warning',
        path: '/spec/policy/services/0/allow/0',
        message: 'over gateway links a1 → b1, a2 → b1, api sees the multicluster gateway\'s identity (linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local), not web.shop\'s: this allows every workload that reaches it through the gateway',
        fix: 'accept the wider grant (gateway traffic cannot be told apart per workload), or use a flat link between clusters on one network to keep workload identity end to end',
      },
    ]);
  });

  it('rejects a port a caller names that the service does not have', () => {
    expect(withServices(service({ allow: [{ serviceAccount: 'web', ports: ['http', 'grpc'] }] }))).toStrictEqual([
      ['error', '/spec/policy/services/0/allow/0/ports/1', 'port "grpc" does not exist on service shop/api'],
    ]);
  });

  it('warns about a port nobody may call, unless the service says so', () => {
    expect(withServices(service({ allow: [{ serviceAccount: 'web', ports: ['http'] }], ports: [{ name: 'http', port: 80 }, { name: 'admin', port: 90 }] }))).toStrictEqual([
      ['warning', '/spec/policy/services/0/ports/1', 'no caller is allowed on port admin of shop/api: its Server denies every request (audit mode only reports them)'],
    ]);
    expect(withServices(service({ accessPolicy: 'audit' }))).toStrictEqual([]);
  });

  it('checks rate limits: overrides and per-identity limits within the total, HTTP ports only, known clients', () => {
    const rateLimit = { total: 100, identity: 101, overrides: [{ requestsPerSecond: 200, clients: [{ serviceAccount: 'nobody' }] }, { requestsPerSecond: 100, clients: [{ serviceAccount: 'web' }] }] };
    expect(withServices(service({
      allow: [{ serviceAccount: 'web' }],
      ports: [{ name: 'http', port: 80, protocol: 'HTTP/1', rateLimit }, { name: 'db', port: 5432, protocol: 'opaque', rateLimit: { total: 5 } }],
    }))).toStrictEqual([
      ['error', '/spec/policy/services/0/ports/0/rateLimit/identity', 'the per-identity limit 101/s is above the total 100/s'],
      ['error', '/spec/policy/services/0/ports/0/rateLimit/overrides/0/requestsPerSecond', 'the override 200/s is above the total 100/s'],
      ['error', '/spec/policy/services/0/ports/0/rateLimit/overrides/0/clients/0/serviceAccount', 'no service account "nobody" in namespace shop on cluster b1'],
      ['error', '/spec/policy/services/0/ports/1/rateLimit', 'port db of api is opaque: rate limits count HTTP requests, and opaque traffic has none'],
    ]);
  });

  it('rejects rate limits and egress networks on a Linkerd version without their CRD', () => {
    const { fleet } = plan(policyFleet((doc) => {
      doc.spec.policy.services = [service({ allow: [{ serviceAccount: 'web' }], ports: [{ name: 'http', port: 80, protocol: 'HTTP/1', rateLimit: { total: 5 } }] })];
      doc.spec.policy.egress = [{ name: 'out', clusters: ['b1'], trafficPolicy: 'Deny' }];
    }));
    // No release in the compat table lacks them (all are 2.17 or later); an older one would look like this.
    const { httpLocalRateLimitPolicy: _r, egressNetwork: _e, ...olderApis } = LINKERD_RELEASES[0].policyApis;
    const older = { ...fleet!, clusters: fleet!.clusters.map((c) => (c.name === 'b1' ? { ...c, linkerdVersion: '2.16', release: { ...c.release, policyApis: olderApis } } : c)) };
    expect(checkPolicy(older).map((d) => [d.severity, d.path, d.message])).toStrictEqual([
      ['error', '/spec/policy/services/0/ports/0/rateLimit', 'Linkerd 2.16 on cluster b1 has no HTTPLocalRateLimitPolicy'],
      ['error', '/spec/policy/egress/0', 'Linkerd 2.16 on cluster b1 has no EgressNetwork'],
    ]);
  });

  it('rejects a whole-cluster caller without a pod range', () => {
    expect(diagnosticsOf((doc) => {
      delete doc.spec.clusters[2].podCIDR; // b1, on a flat network: also reported by the multicluster checks
      doc.spec.policy.services = [service({ clusters: ['b2'], allow: [{ cluster: 'b1' }] })];
    })).toContainEqual(['error', '/spec/policy/services/0/allow/0/cluster', 'the whole cluster b1 is a caller, but b1 has no podCIDR to recognize its workloads by']);
  });

  it('rejects networks that are not CIDRs, and exceptions outside them', () => {
    expect(diagnosticsOf((doc) => {
      doc.spec.policy.services = [service({ allow: [{ network: '10.0.0.0/33' }, { network: '10.0.0.0/8', except: ['192.0.2.1', 'x'] }] })];
      doc.spec.policy.egress = [{ name: 'e', trafficPolicy: 'Allow', networks: [{ cidr: 'nope' }] }];
    })).toStrictEqual([
      ['error', '/spec/policy/services/0/allow/0/network', '"10.0.0.0/33" is not a CIDR'],
      ['error', '/spec/policy/services/0/allow/1/except/0', '192.0.2.1 is not inside 10.0.0.0/8'],
      ['error', '/spec/policy/services/0/allow/1/except/1', '"x" is not an address or CIDR'],
      ['error', '/spec/policy/egress/0/networks/0/cidr', '"nope" is not a CIDR'],
    ]);
  });

  it('rejects duplicates: namespaces, services, Servers of the same pods and port, route policies', () => {
    expect(diagnosticsOf((doc) => {
      doc.spec.namespaces.push({ name: 'shop', clusters: ['b1'] });
      doc.spec.policy.services = [
        service({ allow: [{ serviceAccount: 'web' }] }),
        service({ allow: [{ serviceAccount: 'web' }] }),
        service({ name: 'api2', podSelector: { app: 'api' }, allow: [{ serviceAccount: 'web' }], routes: [{ kind: 'HTTPRoute', name: 'r', allow: [{ serviceAccount: 'web' }] }, { kind: 'HTTPRoute', name: 'r', allow: [{ serviceAccount: 'api' }] }] }),
      ];
    })).toStrictEqual([
      ['error', '/spec/namespaces/2/name', 'namespace "shop" is declared twice on cluster b1 (also /spec/namespaces/0)'],
      ['error', '/spec/policy/services/1/name', 'service shop/api is declared twice on cluster b1 (also /spec/policy/services/0)'],
      ['error', '/spec/policy/services/1/ports/0/name', 'two Servers are named api-http in namespace shop on cluster b1 (also /spec/policy/services/0)'],
      ['error', '/spec/policy/services/1/ports/0', 'a Server for the same pods and port already exists on cluster b1 (/spec/policy/services/0); Linkerd would apply only the older one'],
      ['error', '/spec/policy/services/2/ports/0', 'a Server for the same pods and port already exists on cluster b1 (/spec/policy/services/0); Linkerd would apply only the older one'],
      ['error', '/spec/policy/services/2/routes/1', 'route HTTPRoute r has route-level policy twice on cluster b1 (also /spec/policy/services/2/routes/0)'],
    ]);
  });

  it('rejects annotations on a namespace meshfleet does not write', () => {
    expect(diagnosticsOf((doc) => Object.assign(doc.spec.namespaces[1], { defaultInboundPolicy: 'audit', inject: 'enabled' }))).toStrictEqual([
      ['error', '/spec/namespaces/1/inject', 'namespace "ops" is not managed by meshfleet (manage: false), so its inject annotation cannot be set'],
      ['error', '/spec/namespaces/1/defaultInboundPolicy', 'namespace "ops" is not managed by meshfleet (manage: false), so its defaultInboundPolicy annotation cannot be set'],
    ]);
  });

  // linkerd2 policy-controller admission.rs, validate_policy_target: HttpRoute is policy.linkerd.io's,
  // GrpcRoute gateway.networking.k8s.io's; any other targetRef is "invalid targetRef kind".
  it('rejects route groups Linkerd cannot authorize (GRPCRoute of policy.linkerd.io, HTTPRoute of gateway.networking.k8s.io), and route namespaces that do not exist', () => {
    expect(withServices(service({
      allow: [{ serviceAccount: 'web' }],
      routes: [
        { kind: 'GRPCRoute', group: 'policy.linkerd.io', name: 'g', namespace: 'elsewhere', allow: [{ serviceAccount: 'web' }] },
        { kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', name: 'h', allow: [{ serviceAccount: 'web' }] },
      ],
    }))).toStrictEqual([
      ['error', '/spec/policy/services/0/routes/0/group', 'Linkerd authorizes a GRPCRoute only of group gateway.networking.k8s.io: its admission webhook refuses an AuthorizationPolicy on a policy.linkerd.io GRPCRoute'],
      ['error', '/spec/policy/services/0/routes/0/namespace', 'namespace "elsewhere" is not declared on cluster b1'],
      ['error', '/spec/policy/services/0/routes/1/group', 'Linkerd authorizes an HTTPRoute only of group policy.linkerd.io: its admission webhook refuses an AuthorizationPolicy on a gateway.networking.k8s.io HTTPRoute'],
    ]);
  });

  it('targets an HTTPRoute of policy.linkerd.io when the group is left out', () => {
    const rendered = render(policyFleet((doc) => {
      doc.spec.policy.services = [service({ allow: [{ serviceAccount: 'web' }], routes: [{ kind: 'HTTPRoute', name: 'h', allow: [{ serviceAccount: 'web' }] }] })];
    }));
    const targets = rendered.clusters.flatMap((c) => c.objects).filter((o) => o.kind === 'AuthorizationPolicy').map((o: any) => o.spec.targetRef);
    expect(targets).toContainEqual({ group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'h' });
    expect(targets.filter((t: any) => t.kind === 'HTTPRoute' && t.group !== 'policy.linkerd.io')).toStrictEqual([]);
  });

  it('rejects malformed entries through the schema, with the fix', () => {
    const result = plan(policyFleet((doc) => {
      doc.spec.policy.services = [service({ ports: [{ name: 'http', port: 80, protocol: 'grpc' }], allow: [{ serviceAccount: 'web', cluster: 'b1' }], podSelector: {} })];
      doc.spec.policy.services[0].routes = [{ kind: 'HTTPRoute', name: 'r', allow: [{ serviceAccount: 'web', ports: ['http'] }] }];
      doc.spec.namespaces[0].inject = 'yes';
    }));
    expect(result.diagnostics.map((d) => [d.path, d.message, d.fix])).toStrictEqual([
      ['/spec/namespaces/0/inject', '"yes" is not allowed', 'use one of: "enabled", "disabled"'],
      ['/spec/policy/services/0/podSelector', '{} must NOT have fewer than 1 properties', 'give the labels of the service\'s pods, e.g. { app: orders } (an empty selector would select every pod of the namespace)'],
      ['/spec/policy/services/0/ports/0/protocol', '"grpc" is not allowed', 'use one of: "unknown", "HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS"'],
      ['/spec/policy/services/0/allow/0', '{"serviceAccount":"web","cluster":"b1"} is not valid', 'write a caller as { serviceAccount, namespace?, clusters?, ports? }, { namespace, clusters?, ports? }, { cluster, ports? }, { network, except?, ports? } or { unauthenticated: true, ports? }'],
      ['/spec/policy/services/0/routes/0/allow/0', '{"serviceAccount":"web","ports":["http"]} is not valid', 'write a route caller as { serviceAccount, namespace?, clusters? }, { namespace, clusters? }, { cluster }, { network, except? } or { unauthenticated: true }'],
    ]);
  });

  it('rejects a cluster listed twice', () => {
    const result = plan(policyFleet((doc) => (doc.spec.policy.services = [service({ clusters: ['b1', 'b1'] })])));
    expect(result.diagnostics.map((d) => [d.path, d.fix])).toStrictEqual([['/spec/policy/services/0/clusters', 'list each cluster once']]);
  });
});
