// Every kind the policy emits, field by field, and each validated against the Linkerd CRDs of every
// supported version, straight from ../shared/crds/linkerd/<version>/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { LINKERD_RELEASES } from '../../lib/compat/linkerd-releases.ts';
import { validateObjects } from '../../lib/validate/index.ts';
import { render, SHARED } from '../support/fleet.ts';
import { GATEWAY_IDENTITY, identity, LABELS, named, objectsOf, policyFleet, service } from './support.ts';

const fullFleet = (edit: (doc: any) => void = () => {}) =>
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

  it('targets routes of either HTTPRoute group and GRPCRoutes, in the route\'s namespace', () => {
    const targets = objectsOf(rendered, 'b1', 'AuthorizationPolicy').filter((a) => a.spec.targetRef.kind !== 'Server').map((a) => [a.metadata.name, a.spec.targetRef]);
    expect(targets).toStrictEqual([
      ['api-write-httproute-identities', { group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'api-write' }],
      ['api-read-httproute-networks', { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'api-read' }],
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
  const CRD_FILES: Record<string, string> = {
    Server: 'servers',
    AuthorizationPolicy: 'authorizationpolicies',
    MeshTLSAuthentication: 'meshtlsauthentications',
    NetworkAuthentication: 'networkauthentications',
    HTTPLocalRateLimitPolicy: 'httplocalratelimitpolicies',
    EgressNetwork: 'egressnetworks',
  };
  const POLICY_KINDS = Object.keys(CRD_FILES);

  it.each(LINKERD_RELEASES.map((r) => r.version))('every emitted object validates for Linkerd %s (render.ts checks; asserted here too)', (version) => {
    const rendered = render(fullFleet((doc) => (doc.spec.defaults = { linkerd: version, kubernetes: '1.31' })));
    expect(rendered.diagnostics).toStrictEqual([]);
    for (const c of rendered.clusters) expect(validateObjects(c.objects, { linkerd: c.cluster.release.valuesSet as never })).toStrictEqual([]);
  });

  it.each(LINKERD_RELEASES.map((r) => r.valuesSet))('the policy objects match the raw CRD schemas in shared/crds/linkerd/%s', (version) => {
    const objects = objectsOf(render(fullFleet()), 'b1').filter((o) => POLICY_KINDS.includes(o.kind));
    expect(new Set(objects.map((o) => o.kind))).toStrictEqual(new Set(POLICY_KINDS));
    const ajv = new Ajv({ strict: false, allErrors: true });
    for (const object of objects) {
      const [group, apiVersion] = object.apiVersion.split('/');
      const crd = parseAllDocuments(readFileSync(join(SHARED, 'crds', 'linkerd', version, `${CRD_FILES[object.kind]}.${group}.yaml`), 'utf8')).map((d) => d.toJS()).find((d) => d?.kind === 'CustomResourceDefinition');
      const served = crd.spec.versions.find((v: any) => v.name === apiVersion && v.served);
      expect(served, `${object.kind} ${object.apiVersion} is served`).toBeDefined();
      const validate = ajv.compile(served.schema.openAPIV3Schema);
      expect(validate(object) ? [] : validate.errors, `${object.kind} ${object.metadata.name}`).toStrictEqual([]);
    }
  });
});
