// Every kind the policy emits, field by field, and each validated against the committed CRD schemas of
// every supported version (test/upstream/policy-crds.test.ts checks them against the raw CRDs too).
import { describe, expect, it } from 'vitest';
import { LINKERD_RELEASES } from '../../lib/compat/linkerd-releases.ts';
import { validateObjects } from '../../lib/validate/index.ts';
import { render } from '../support/fleet.ts';
import { fullFleet, GATEWAY_IDENTITY, identity, LABELS, named, objectsOf } from './support.ts';

describe('policy objects', () => {
  const rendered = render(fullFleet());
  const meta = (name: string, namespace = 'shop') => ({ name, namespace, labels: LABELS('b1') });

  it('writes a Server per port: pods by label, the pods\' port, protocol, deny unless audit', () => {
    expect(objectsOf(rendered, 'b1', 'Server')).toStrictEqual([
      {
        apiVersion: 'policy.linkerd.io/v1beta3',
        kind: 'Server',
        metadata: meta('api-http'),
        spec: { podSelector: { matchLabels: { app: 'api', tier: 'backend' } }, port: 8080, proxyProtocol: 'HTTP/1', accessPolicy: 'deny' },
      },
      {
        apiVersion: 'policy.linkerd.io/v1beta3',
        kind: 'Server',
        metadata: meta('api-admin'),
        spec: { podSelector: { matchLabels: { app: 'api', tier: 'backend' } }, port: 'admin', proxyProtocol: 'opaque', accessPolicy: 'deny' },
      },
      {
        apiVersion: 'policy.linkerd.io/v1beta3',
        kind: 'Server',
        metadata: meta('ledger-grpc', 'pay'),
        // The namespace's default inbound policy is audit: so is its Server's.
        spec: { podSelector: { matchLabels: { app: 'ledger' } }, port: 9090, proxyProtocol: 'gRPC', accessPolicy: 'audit' },
      },
    ]);
  });

  it('writes one AuthorizationPolicy per kind of authentication and target', () => {
    expect(named(rendered, 'b1', 'AuthorizationPolicy', 'api-http-identities')).toStrictEqual({
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'AuthorizationPolicy',
      metadata: meta('api-http-identities'),
      spec: {
        targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' },
        requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'api-http-identities' }],
      },
    });
    expect(named(rendered, 'b1', 'AuthorizationPolicy', 'api-http-clusters').spec.requiredAuthenticationRefs).toStrictEqual([
      { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'api-http-clusters' },
      { group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'api-http-clusters' },
    ]);
  });

  it('writes MeshTLSAuthentications with identities of the fleet trust domain', () => {
    expect(named(rendered, 'b1', 'MeshTLSAuthentication', 'api-http-identities')).toStrictEqual({
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'MeshTLSAuthentication',
      metadata: meta('api-http-identities'),
      spec: { identities: [identity('web', 'shop'), GATEWAY_IDENTITY] },
    });
    expect(named(rendered, 'b1', 'MeshTLSAuthentication', 'api-admin-identities').spec.identities).toStrictEqual([identity('web', 'shop'), GATEWAY_IDENTITY, identity('prom', 'ops')]);
    // A whole cluster: any meshed client, from its pod range.
    expect(named(rendered, 'b1', 'MeshTLSAuthentication', 'api-http-clusters').spec).toStrictEqual({ identities: ['*'] });
  });

  it('writes NetworkAuthentications for networks, anyone, and whole clusters\' pod ranges', () => {
    expect(named(rendered, 'b1', 'NetworkAuthentication', 'api-http-networks')).toStrictEqual({
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'NetworkAuthentication',
      metadata: meta('api-http-networks'),
      spec: { networks: [{ cidr: '192.0.2.0/24', except: ['192.0.2.7'] }] },
    });
    expect(named(rendered, 'b1', 'NetworkAuthentication', 'api-http-clusters').spec).toStrictEqual({ networks: [{ cidr: '10.4.0.0/16' }] });
    expect(named(rendered, 'b1', 'NetworkAuthentication', 'api-read-httproute-networks').spec).toStrictEqual({ networks: [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }] });
    // Port-limited callers stay on their port.
    expect(named(rendered, 'b1', 'NetworkAuthentication', 'api-admin-networks')).toBeUndefined();
  });

  it('targets HTTPRoutes of policy.linkerd.io (the group left out defaults to it) and GRPCRoutes, in the route\'s namespace', () => {
    const targets = objectsOf(rendered, 'b1', 'AuthorizationPolicy').filter((a) => a.spec.targetRef.kind !== 'Server').map((a) => [a.metadata.name, a.spec.targetRef]);
    expect(targets).toStrictEqual([
      ['api-write-httproute-identities', { group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'api-write' }],
      ['api-read-httproute-networks', { group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'api-read' }],
      ['api-grpc-grpcroute-identities', { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'api-grpc' }],
    ]);
    expect(named(rendered, 'b1', 'MeshTLSAuthentication', 'api-grpc-grpcroute-identities').spec.identities).toStrictEqual(['*.ops.serviceaccount.identity.linkerd.cluster.local']);
  });

  it('writes an HTTPLocalRateLimitPolicy for the port\'s Server, clients by ServiceAccount', () => {
    expect(objectsOf(rendered, 'b1', 'HTTPLocalRateLimitPolicy')).toStrictEqual([
      {
        apiVersion: 'policy.linkerd.io/v1alpha1',
        kind: 'HTTPLocalRateLimitPolicy',
        metadata: meta('api-http'),
        spec: {
          targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' },
          total: { requestsPerSecond: 100 },
          identity: { requestsPerSecond: 10 },
          overrides: [
            {
              requestsPerSecond: 50,
              clientRefs: [
                { kind: 'ServiceAccount', namespace: 'shop', name: 'web' },
                { kind: 'ServiceAccount', namespace: 'ops', name: 'prom' },
              ],
            },
          ],
        },
      },
    ]);
  });

  it('writes EgressNetworks, global ones in linkerd-egress (created too), others in their namespace', () => {
    expect(objectsOf(rendered, 'b1', 'EgressNetwork')).toStrictEqual([
      { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'EgressNetwork', metadata: meta('everything', 'linkerd-egress'), spec: { trafficPolicy: 'Allow' } },
      {
        apiVersion: 'policy.linkerd.io/v1alpha1',
        kind: 'EgressNetwork',
        metadata: meta('no-internet'),
        spec: { trafficPolicy: 'Deny', networks: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }] },
      },
    ]);
    expect(objectsOf(rendered, 'a1', 'EgressNetwork').map((e) => e.metadata.name)).toStrictEqual(['everything']);
  });

  it('writes the managed namespaces with their annotations, never the ones other tools own', () => {
    const keep = { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    const namespaces = objectsOf(rendered, 'b1', 'Namespace').filter((n) => !n.metadata.name.startsWith('linkerd') || n.metadata.name === 'linkerd-egress');
    expect(namespaces).toStrictEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: LABELS('b1'), annotations: { 'linkerd.io/inject': 'enabled', ...keep } } },
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'pay', labels: LABELS('b1'), annotations: { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'audit', ...keep } },
      },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'linkerd-egress', labels: LABELS('b1'), annotations: keep } },
    ]);
  });

  it('puts the policy objects in policy.yaml, namespaces first', () => {
    const file = rendered.clusters.find((c) => c.cluster.name === 'b1')!.objectFiles.find((f) => f.name === 'policy.yaml')!;
    const kinds = file.objects.map((o) => o.kind).filter((k, i, all) => all.indexOf(k) === i);
    expect(kinds).toStrictEqual(['Namespace', 'Server', 'MeshTLSAuthentication', 'AuthorizationPolicy', 'NetworkAuthentication', 'HTTPLocalRateLimitPolicy', 'EgressNetwork']);
  });
});

describe('audit mode', () => {
  const accessPolicies = (edit: (doc: any) => void) => {
    const rendered = render(fullFleet(edit));
    return objectsOf(rendered, 'b1', 'Server').map((s) => `${s.metadata.name}:${s.spec.accessPolicy}`);
  };

  it('follows the nearest switch: server, then namespace, then cluster (fleet, environment or cluster layer)', () => {
    expect(accessPolicies(() => {})).toStrictEqual(['api-http:deny', 'api-admin:deny', 'ledger-grpc:audit']);
    expect(accessPolicies((doc) => (doc.spec.environments.prod.proxy = { defaultInboundPolicy: 'audit' }))).toStrictEqual(['api-http:audit', 'api-admin:audit', 'ledger-grpc:audit']);
    expect(accessPolicies((doc) => (doc.spec.defaults.proxy = { defaultInboundPolicy: 'audit' }))).toStrictEqual(['api-http:audit', 'api-admin:audit', 'ledger-grpc:audit']);
    expect(accessPolicies((doc) => (doc.spec.clusters[2].proxy = { defaultInboundPolicy: 'audit' }))).toStrictEqual(['api-http:audit', 'api-admin:audit', 'ledger-grpc:audit']);
    // A namespace that enforces wins over an auditing cluster; a server's own setting wins over both.
    expect(accessPolicies((doc) => {
      doc.spec.clusters[2].proxy = { defaultInboundPolicy: 'audit' };
      doc.spec.namespaces[0].defaultInboundPolicy = 'all-authenticated';
      doc.spec.policy.services[1].accessPolicy = 'deny';
    })).toStrictEqual(['api-http:deny', 'api-admin:deny', 'ledger-grpc:deny']);
  });

  it('lists the auditing Servers of each cluster in index.json', () => {
    const index = JSON.parse(render(fullFleet()).files.get('index.json')!);
    expect(index.environments[0].clusters.find((c: any) => c.name === 'b1').policy).toStrictEqual({
      servers: ['shop/api-http', 'shop/api-admin', 'pay/ledger-grpc'],
      audit: ['pay/ledger-grpc'],
      egressNetworks: ['linkerd-egress/everything', 'shop/no-internet'],
    });
  });
});

describe('validation against the Linkerd CRDs', () => {
  it.each(LINKERD_RELEASES.map((r) => r.version))('every emitted object validates for Linkerd %s (render.ts checks; asserted here too)', (version) => {
    const rendered = render(fullFleet((doc) => (doc.spec.defaults = { linkerd: version, kubernetes: '1.31' })));
    expect(rendered.diagnostics).toStrictEqual([]);
    for (const c of rendered.clusters) expect(validateObjects(c.objects, { linkerd: c.cluster.release.valuesSet as never })).toStrictEqual([]);
  });
});
