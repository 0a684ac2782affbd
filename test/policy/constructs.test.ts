// The policy constructs used on their own: they throw in the constructor, with the value and the fix.
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AppNamespace, CallerAuthorization, EgressControl, HttpRateLimit, MeshServer } from '../../lib/constructs/index.ts';

const chart = () => new Chart(new App(), 'c');

describe('policy constructs', () => {
  it('MeshServer rejects an empty pod selector, a bad port and unknown values', () => {
    const base = { name: 'api-http', namespace: 'shop', podSelector: { app: 'api' }, port: 8080 };
    expect(() => new MeshServer(chart(), 's', { ...base, podSelector: {} })).toThrow('c/s: Server api-http has an empty podSelector, which selects every pod of namespace shop. Fix: give the labels of the service\'s pods, e.g. { app: "api-http" }');
    expect(() => new MeshServer(chart(), 's', { ...base, port: 70000 })).toThrow(/Server port 70000 is neither a port number nor a port name/);
    expect(() => new MeshServer(chart(), 's', { ...base, proxyProtocol: 'grpc' as never })).toThrow('c/s: proxyProtocol "grpc" is not allowed. Fix: use one of "unknown", "HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS"');
    expect(() => new MeshServer(chart(), 's', { ...base, accessPolicy: 'allow' as never })).toThrow(/accessPolicy "allow" is not allowed/);
  });

  it('CallerAuthorization rejects a policy that allows nobody, bad identities and bad networks', () => {
    const base = { name: 'a', namespace: 'shop', target: { group: 'policy.linkerd.io', kind: 'Server' as const, name: 's' } };
    expect(() => new CallerAuthorization(chart(), 'a', base)).toThrow('c/a: AuthorizationPolicy a names no identities and no networks, so it would allow nobody. Fix: give identities, networks or both');
    expect(() => new CallerAuthorization(chart(), 'a', { ...base, identities: ['Web Shop'] })).toThrow(/"Web Shop" is not a mesh identity/);
    expect(() => new CallerAuthorization(chart(), 'a', { ...base, networks: [{ cidr: '10.0.0.0' }] })).toThrow(/client network "10.0.0.0" is not a CIDR/);
  });

  it('HttpRateLimit keeps overrides and per-identity limits within the total', () => {
    const base = { name: 'r', namespace: 'shop', server: 's' };
    expect(() => new HttpRateLimit(chart(), 'r', base)).toThrow('c/r: rate limit r limits nothing. Fix: set total, identity or overrides');
    expect(() => new HttpRateLimit(chart(), 'r', { ...base, total: 10, identity: 11 })).toThrow('c/r: the per-identity limit 11/s is above the total 10/s. Fix: lower identity to at most 10, or raise total');
    expect(() => new HttpRateLimit(chart(), 'r', { ...base, total: 10, overrides: [{ requestsPerSecond: 20, clients: [{ serviceAccount: 'web', namespace: 'shop' }] }] })).toThrow('c/r: the override 20/s is above the total 10/s. Fix: lower it to at most 10, or raise total');
    expect(() => new HttpRateLimit(chart(), 'r', { ...base, total: 1.5 })).toThrow(/total 1.5 is not a rate/);
    // Without a total, overrides are not capped.
    expect(() => new HttpRateLimit(chart(), 'r', { ...base, overrides: [{ requestsPerSecond: 20, clients: [{ serviceAccount: 'web', namespace: 'shop' }] }] })).not.toThrow();
  });

  it('EgressControl and AppNamespace reject bad values', () => {
    expect(() => new EgressControl(chart(), 'e', { name: 'e', namespace: 'linkerd-egress', trafficPolicy: 'Block' as never })).toThrow(/trafficPolicy "Block" is not allowed/);
    expect(() => new EgressControl(chart(), 'e', { name: 'e', namespace: 'linkerd-egress', trafficPolicy: 'Deny', networks: [{ cidr: 'x' }] })).toThrow(/egress network "x" is not a CIDR/);
    expect(() => new AppNamespace(chart(), 'n', { name: 'Shop' })).toThrow(/namespace name "Shop" is not a DNS label/);
  });
});
