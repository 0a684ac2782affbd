// Linkerd's policy admission webhook rules (lib/validate/linkerd-admission.ts), case by case from
// linkerd2's `policy-test/tests/admit_*.rs` (file and test name in each case's title), run through
// validateObjects like every emitted or linted object, for every supported release.
import { describe, expect, it } from 'vitest';
import { identityProblem, parseIpNet, RULES_BY_RELEASE } from '../../lib/validate/linkerd-admission.ts';
import { validateObjects, type KubeObject, type LinkerdSchemaVersion, type SchemaSources } from '../../lib/validate/index.ts';

const RELEASES = Object.keys(RULES_BY_RELEASE) as LinkerdSchemaVersion[];
const NS = 'test-ns';
const meta = { name: 'test', namespace: NS };

interface AdmissionCase {
  readonly name: string;
  readonly object: KubeObject;
  /** JSON pointer of the rejection; absent when the webhook admits the object. */
  readonly rejectedAt?: string;
}

const authzPolicy = (targetRef: object, requiredAuthenticationRefs: object[]): KubeObject => ({
  apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: meta, spec: { targetRef, requiredAuthenticationRefs },
});
const server = { group: 'policy.linkerd.io', kind: 'Server', name: 'api' };
const mtlsRef = { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'mtls-clients' };
const netRef = { group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'cluster-nets', namespace: 'linkerd' };
const meshTls = (spec: object): KubeObject => ({ apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'MeshTLSAuthentication', metadata: meta, spec });
const netAuthn = (networks: object[]): KubeObject => ({ apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'NetworkAuthentication', metadata: meta, spec: { networks } });
const egressNetwork = (networks?: object[]): KubeObject => ({
  apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'EgressNetwork', metadata: meta, spec: { trafficPolicy: 'Allow', ...(networks ? { networks } : {}) },
});
const saOverride = (requestsPerSecond: number) => ({ requestsPerSecond, clientRefs: [{ group: '', kind: 'ServiceAccount', name: 'sa-1', namespace: 'linkerd' }] });
const rateLimit = (targetRef: object, total: number, identity: number, overrides: object[]): KubeObject => ({
  apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'HTTPLocalRateLimitPolicy', metadata: meta,
  spec: { targetRef, total: { requestsPerSecond: total }, identity: { requestsPerSecond: identity }, overrides },
});
const linkerdServer = (spec: object, name = 'test'): KubeObject => ({
  apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name, namespace: NS }, spec: { podSelector: {}, port: 80, ...spec },
});
const serverParent = { group: 'policy.linkerd.io', kind: 'Server', namespace: NS, name: 'my-server' };
const egressParent = (port?: number) => ({ group: 'policy.linkerd.io', kind: 'EgressNetwork', namespace: NS, name: 'my-egress-net', ...(port ? { port } : {}) });
const exactFoo = { matches: [{ path: { type: 'Exact', value: '/foo' } }] };
const policyRoute = (parentRefs: object[], rules: object[] = [exactFoo]): KubeObject => ({
  apiVersion: 'policy.linkerd.io/v1beta3', kind: 'HTTPRoute', metadata: meta, spec: { parentRefs, rules },
});
const gatewayRoute = (kind: string, parentRefs: object[], rules: object[]): KubeObject => ({
  apiVersion: kind === 'HTTPRoute' || kind === 'GRPCRoute' ? 'gateway.networking.k8s.io/v1' : 'gateway.networking.k8s.io/v1alpha2', kind, metadata: meta, spec: { parentRefs, rules },
});
const redirectTo = (replaceFullPath: string) => ({
  ...exactFoo, filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath } } }],
});
const grpcRules = (type: string) => [{ matches: [{ method: { type, service: 'io.linkerd.Testing', method: 'Test' } }] }];
const tcpRules = (n: number) => Array.from({ length: n }, (_, i) => ({ backendRefs: [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: `default-${i + 1}`, namespace: 'root' }] }));

const CASES: readonly AdmissionCase[] = [
  // admit_authorization_policy.rs
  { name: 'admit_authorization_policy.rs accepts_valid', object: authzPolicy(server, [mtlsRef, netRef]) },
  { name: 'admit_authorization_policy.rs accepts_targets_namespace', object: authzPolicy({ kind: 'Namespace', name: NS }, [mtlsRef, netRef]) },
  { name: 'admit_authorization_policy.rs rejects_targets_other_namespace', object: authzPolicy({ kind: 'Namespace', name: 'foobar' }, [mtlsRef, netRef]), rejectedAt: '/spec/targetRef/name' },
  { name: 'admit_authorization_policy.rs accepts_targets_route', object: authzPolicy({ group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'route-foo' }, [mtlsRef, netRef]) },
  { name: 'admit_authorization_policy.rs accepts_valid_with_only_meshtls', object: authzPolicy(server, [mtlsRef]) },
  { name: 'admit_authorization_policy.rs accepts_valid_with_only_network', object: authzPolicy(server, [netRef]) },
  { name: 'admit_authorization_policy.rs accepts_empty_required_authentications', object: authzPolicy(server, []) },
  {
    name: 'admit_authorization_policy.rs rejects_missing_required_authentications',
    object: { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: meta, spec: { targetRef: server } },
    rejectedAt: '/spec/requiredAuthenticationRefs',
  },
  { name: 'admit_authorization_policy.rs rejects_target_ref_deployment', object: authzPolicy({ group: 'apps', kind: 'Deployment', name: 'someapp' }, [netRef]), rejectedAt: '/spec/targetRef/kind' },
  {
    name: 'admit_authorization_policy.rs rejects_duplicate_mtls_authns',
    object: authzPolicy(server, [{ ...mtlsRef, namespace: 'some-ns', name: 'some-ids' }, { ...mtlsRef, namespace: 'other-ns', name: 'other-ids' }]),
    rejectedAt: '/spec/requiredAuthenticationRefs',
  },
  {
    name: 'admit_authorization_policy.rs rejects_duplicate_network_authns',
    object: authzPolicy(server, [{ ...netRef, namespace: 'some-ns', name: 'some-nets' }, { ...netRef, namespace: 'other-ns', name: 'other-nets' }]),
    rejectedAt: '/spec/requiredAuthenticationRefs',
  },
  { name: 'admission.rs AuthorizationPolicy: a MeshTLSAuthentication and ServiceAccount together', object: authzPolicy(server, [mtlsRef, { kind: 'ServiceAccount', name: 'web' }]), rejectedAt: '/spec/requiredAuthenticationRefs' },
  { name: 'admission.rs AuthorizationPolicy: unsupported authentication kind', object: authzPolicy(server, [{ group: 'apps', kind: 'Deployment', name: 'x' }]), rejectedAt: '/spec/requiredAuthenticationRefs/0/kind' },
  // admit_meshtls_authentication.rs
  { name: 'admit_meshtls_authentication.rs accepts_valid_ref', object: meshTls({ identityRefs: [{ kind: 'ServiceAccount', name: 'default' }] }) },
  { name: 'admit_meshtls_authentication.rs accepts_strings', object: meshTls({ identities: ['example.id'] }) },
  { name: 'admit_meshtls_authentication.rs rejects_empty', object: meshTls({}), rejectedAt: '/spec' },
  { name: 'admit_meshtls_authentication.rs rejects_both_refs_and_strings', object: meshTls({ identities: ['example.id'], identityRefs: [{ kind: 'ServiceAccount', name: 'default' }] }), rejectedAt: '/spec' },
  { name: 'validation.rs invalid_dns_suffix (identity)', object: meshTls({ identities: ['system.local.*'] }), rejectedAt: '/spec/identities/0' },
  { name: 'admission.rs validate_identity_ref: Namespace ref with a namespace', object: meshTls({ identityRefs: [{ kind: 'Namespace', name: 'a', namespace: 'b' }] }), rejectedAt: '/spec/identityRefs/0/namespace' },
  { name: 'admission.rs validate_identity_ref: Deployment ref', object: meshTls({ identityRefs: [{ group: 'apps', kind: 'Deployment', name: 'a' }] }), rejectedAt: '/spec/identityRefs/0/kind' },
  // admit_network_authentication.rs
  { name: 'admit_network_authentication.rs accepts_valid', object: netAuthn([{ cidr: '10.1.0.0/24' }, { cidr: '10.1.1.0/24', except: ['10.1.1.0/28'] }]) },
  { name: 'admit_network_authentication.rs accepts_ip_except', object: netAuthn([{ cidr: '10.1.0.0/16', except: ['10.1.1.1'] }]) },
  { name: 'admit_network_authentication.rs rejects_except_whole_cidr', object: netAuthn([{ cidr: '10.1.1.0/24', except: ['10.1.0.0/16'] }]), rejectedAt: '/spec/networks/0/except/0' },
  { name: 'admit_network_authentication.rs rejects_except_not_in_cidr', object: netAuthn([{ cidr: '10.1.1.0/24', except: ['10.1.2.0/24'] }]), rejectedAt: '/spec/networks/0/except/0' },
  { name: 'admit_network_authentication.rs rejects_invalid_cidr', object: netAuthn([{ cidr: '10.1.0.0/16', except: ['bogus'] }]), rejectedAt: '/spec/networks/0/except/0' },
  { name: 'admission.rs NetworkAuthentication: at least one network', object: netAuthn([]), rejectedAt: '/spec/networks' },
  // admit_egress_networks.rs
  { name: 'admit_egress_networks.rs accepts_valid', object: egressNetwork([{ cidr: '10.1.0.0/24' }, { cidr: '10.1.1.0/24', except: ['10.1.1.0/28'] }]) },
  { name: 'admit_egress_networks.rs rejects_empty_networks', object: egressNetwork([]), rejectedAt: '/spec/networks' },
  { name: 'admission.rs EgressNetwork without networks (all external traffic)', object: egressNetwork() },
  // admit_http_local_ratelimit_policy.rs
  { name: 'admit_http_local_ratelimit_policy.rs accepts_valid', object: rateLimit(server, 1000, 100, [saOverride(200)]) },
  { name: 'admit_http_local_ratelimit_policy.rs rejects_target_ref_deployment', object: rateLimit({ group: 'apps', kind: 'Deployment', name: 'api' }, 1000, 100, [saOverride(200)]), rejectedAt: '/spec/targetRef/kind' },
  { name: 'admit_http_local_ratelimit_policy.rs rejects_identity_rps_higher_than_total', object: rateLimit(server, 1000, 2000, [saOverride(200)]), rejectedAt: '/spec/identity/requestsPerSecond' },
  { name: 'admit_http_local_ratelimit_policy.rs rejects_overrides_rps_higher_than_total', object: rateLimit(server, 3000, 2000, [saOverride(4000)]), rejectedAt: '/spec/overrides/0/requestsPerSecond' },
  // admit_server.rs
  { name: 'admit_server.rs accepts_valid', object: linkerdServer({}) },
  { name: 'admit_server.rs rejects_invalid_proxy_protocol', object: linkerdServer({ proxyProtocol: 'garbanzo' }), rejectedAt: '/spec/proxyProtocol' },
  { name: 'admit_server.rs rejects_invalid_access_policy', object: linkerdServer({ accessPolicy: 'foobar' }), rejectedAt: '/spec/accessPolicy' },
  // admit_http_route.rs (policy.linkerd.io HTTPRoute)
  { name: 'admit_http_route.rs accepts_valid', object: policyRoute([serverParent]) },
  { name: 'admit_http_route.rs accepts_valid_egress_network', object: policyRoute([egressParent(555)]) },
  { name: 'admit_http_route.rs rejects_egress_network_parent_with_no_port', object: policyRoute([egressParent()]), rejectedAt: '/spec/parentRefs/0/port' },
  { name: 'admit_http_route.rs rejects_relative_path_match', object: policyRoute([serverParent], [{ matches: [{ path: { type: 'Exact', value: 'foo/bar' } }] }]), rejectedAt: '/spec/rules/0/matches/0/path/value' },
  { name: 'admit_http_route.rs rejects_relative_redirect_path', object: policyRoute([serverParent], [redirectTo('foo/bar')]), rejectedAt: '/spec/rules/0/filters/0/requestRedirect/path/replaceFullPath' },
  {
    name: 'admission.rs validate_timeouts: backendRequest over request',
    object: policyRoute([serverParent], [{ ...exactFoo, timeouts: { request: '1s', backendRequest: '2s' } }]),
    rejectedAt: '/spec/rules/0/timeouts/backendRequest',
  },
  // admit_gateway_http_route.rs / admit_http_route_gateway.rs (gateway.networking.k8s.io HTTPRoute)
  { name: 'admit_gateway_http_route.rs accepts_valid', object: gatewayRoute('HTTPRoute', [serverParent], [exactFoo]) },
  // Gateway API's own CEL rule refuses this path first (the webhook runs after the schema).
  { name: 'admit_gateway_http_route.rs rejects_relative_path_match', object: gatewayRoute('HTTPRoute', [serverParent], [{ matches: [{ path: { type: 'Exact', value: 'foo/bar' } }] }]), rejectedAt: '/spec/rules/0/matches/0/path' },
  { name: 'admit_gateway_http_route.rs rejects_relative_redirect_path', object: gatewayRoute('HTTPRoute', [serverParent], [redirectTo('foo/bar')]), rejectedAt: '/spec/rules/0/filters/0/requestRedirect/path/replaceFullPath' },
  { name: 'admit_http_route_gateway.rs egress parent without port', object: gatewayRoute('HTTPRoute', [egressParent()], [exactFoo]), rejectedAt: '/spec/parentRefs/0/port' },
  // admit_grpc_route.rs / admit_gateway_grpc_route.rs
  { name: 'admit_grpc_route.rs accepts_valid_egress_network', object: gatewayRoute('GRPCRoute', [egressParent(555)], grpcRules('Exact')) },
  { name: 'admit_grpc_route.rs rejects_egress_network_parent_with_no_port', object: gatewayRoute('GRPCRoute', [egressParent()], grpcRules('Exact')), rejectedAt: '/spec/parentRefs/0/port' },
  { name: 'admit_gateway_grpc_route.rs accepts_exact_method_match', object: gatewayRoute('GRPCRoute', [serverParent], grpcRules('Exact')) },
  // k8s/index/src/routes/grpc.rs try_match: regex method matches are refused in 2.18+ (the older
  // admit_gateway_grpc_route.rs accepts_regex_method_match predates this).
  { name: 'grpc.rs try_match: RegularExpression method match', object: gatewayRoute('GRPCRoute', [serverParent], grpcRules('RegularExpression')), rejectedAt: '/spec/rules/0/matches/0/method/type' },
  // admit_tcp_route.rs / admit_tls_route.rs
  { name: 'admit_tcp_route.rs accepts_valid_egress_network', object: gatewayRoute('TCPRoute', [egressParent(555)], tcpRules(1)) },
  { name: 'admit_tcp_route.rs rejects_egress_network_parent_with_no_port', object: gatewayRoute('TCPRoute', [egressParent()], tcpRules(1)), rejectedAt: '/spec/parentRefs/0/port' },
  { name: 'admit_tcp_route.rs rejects_if_more_than_one_rule', object: gatewayRoute('TCPRoute', [egressParent(555)], tcpRules(2)), rejectedAt: '/spec/rules' },
];

describe.each(RELEASES)('Linkerd %s policy admission', (release) => {
  const sources: SchemaSources = { linkerd: release, gatewayAPI: { version: '1.2.1', channel: 'experimental' } };

  it.each(CASES.filter((c) => c.rejectedAt === undefined).map((c) => [c.name, c] as const))('%s', (_, { object }) => {
    expect(validateObjects([object], sources)).toStrictEqual([]);
  });

  it.each(CASES.filter((c) => c.rejectedAt !== undefined).map((c) => [c.name, c] as const))('%s', (_, { object, rejectedAt }) => {
    const paths = validateObjects([object], sources).map((issue) => issue.path);
    expect(paths).toContain(rejectedAt);
  });

  it('admission.rs Validate<ServerSpec>: a second Server for the same port and pods is refused', () => {
    const first = linkerdServer({ podSelector: { matchLabels: { app: 'web' } } }, 'a');
    const same = linkerdServer({ podSelector: { matchLabels: { app: 'web' } } }, 'b');
    const otherPods = linkerdServer({ podSelector: { matchLabels: { app: 'api' } } }, 'c');
    const issues = validateObjects([first, same, otherPods], sources);
    expect(issues.map((issue) => `${issue.name} ${issue.path}`)).toStrictEqual(['a /spec/port', 'b /spec/port']);
    expect(issues[0]!.message).toContain("Server spec 'test-ns/b' already defines a policy for port 80");
  });
});

describe('webhook rules need Linkerd', () => {
  it('a cluster without Linkerd has no webhook: a TCPRoute with two rules passes the schema alone', () => {
    const route = gatewayRoute('TCPRoute', [{ kind: 'Service', group: '', name: 'db', port: 5432 }], tcpRules(2));
    expect(validateObjects([route], { gatewayAPI: { version: '1.2.1', channel: 'experimental' } })).toStrictEqual([]);
    expect(validateObjects([route], { linkerd: '2.20', gatewayAPI: { version: '1.2.1', channel: 'experimental' } }).map((i) => i.path)).toStrictEqual(['/spec/rules']);
  });
});

describe('building blocks', () => {
  // policy-controller/src/validation.rs unit tests
  it.each([
    ['system.local', true], ['**', false], ['*.system.local', true], ['system.local.*', false], ['system.local.', false], ['.system.local', false],
    ['system..local', false], ['spiffe://trustdomain', true], ['spiffe://trustdomain/path/element', true], ['http://domain.test/path/element', false],
    ['spiffe:///path/element', false], ['spiffe://domain.test/path/element?query=', false], ['spiffe://domain.test:8080/path/element', false],
    ['spiffe://test.org/', false], ['spiffe://test.org//', false], ['spiffe://test.org/./other', false], ['spiffe://test.org/../other', false],
  ] as const)('validation.rs identity %s → %s', (id, valid) => {
    expect(identityProblem(id) === undefined).toBe(valid);
  });

  it('parses networks and addresses, IPv4 and IPv6', () => {
    expect(parseIpNet('10.1.1.1')).toMatchObject({ version: 4, prefix: 32 });
    expect(parseIpNet('fd00::/8')).toMatchObject({ version: 6, prefix: 8 });
    expect(parseIpNet('::ffff:10.0.0.1')).toMatchObject({ version: 6, address: 0xffff0a000001n });
    expect(parseIpNet('10.0.0.0/33')).toBeUndefined();
    expect(parseIpNet('bogus')).toBeUndefined();
  });

  it('rejects an IPv6 exception outside its IPv6 network and accepts one inside', () => {
    const sources: SchemaSources = { linkerd: '2.20' };
    expect(validateObjects([netAuthn([{ cidr: 'fd00::/16', except: ['fd00:1::/32'] }])], sources)).toStrictEqual([]);
    expect(validateObjects([netAuthn([{ cidr: 'fd00::/16', except: ['fe00::/32'] }])], sources).map((i) => i.path)).toStrictEqual(['/spec/networks/0/except/0']);
  });
});
