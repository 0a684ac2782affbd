// What a server sees of each kind of caller, per link mode: the identity strings and networks that
// end up in MeshTLSAuthentication and NetworkAuthentication (docs/reference/identities.md).
import { describe, expect, it } from 'vitest';
import { policyContext, reachOf } from '../../lib/resolve/policy.ts';
import { plan, render } from '../support/fleet.ts';
import { GATEWAY_IDENTITY, identity, named, policyFleet, service } from './support.ts';

const resolved = (doc: unknown) => {
  const { fleet, diagnostics } = plan(doc);
  if (!fleet) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return fleet;
};

describe('caller identities', () => {
  const ctx = policyContext(resolved(policyFleet()));

  it('names a local service account <sa>.<ns>.serviceaccount.identity.linkerd.<trust domain>, in the service namespace by default', () => {
    expect(reachOf({ serviceAccount: 'web' }, 'b1', 'shop', ctx)).toStrictEqual([
      { kind: 'identities', from: 'b1', via: 'local', identities: ['web.shop.serviceaccount.identity.linkerd.cluster.local'] },
    ]);
    expect(reachOf({ serviceAccount: 'prom', namespace: 'ops' }, 'b1', 'shop', ctx)[0]).toMatchObject({ identities: [identity('prom', 'ops')] });
  });

  it('keeps the workload identity of a caller on a flat-linked cluster: the same string as a local one', () => {
    expect(reachOf({ serviceAccount: 'web', clusters: ['b2'] }, 'b1', 'shop', ctx)).toStrictEqual([
      { kind: 'identities', from: 'b2', via: 'flat', identities: [identity('web', 'shop')] },
    ]);
  });

  it('sees the gateway identity for a caller behind a gateway link, whatever it names', () => {
    for (const caller of [{ serviceAccount: 'web', clusters: ['a1'] }, { namespace: 'shop', clusters: ['a2'] }, { cluster: 'a1' }]) {
      expect(reachOf(caller, 'b1', 'shop', ctx)).toStrictEqual([
        { kind: 'identities', from: caller.clusters?.[0] ?? 'a1', via: 'gateway', identities: [GATEWAY_IDENTITY] },
      ]);
    }
  });

  it('reports a caller whose cluster has no link to the server (links go caller → server)', () => {
    // a1 → b1 exists; b1 → a1 does not.
    expect(reachOf({ serviceAccount: 'web', clusters: ['b1'] }, 'a1', 'shop', ctx)).toStrictEqual([{ kind: 'unlinked', from: 'b1' }]);
  });

  it('names a namespace with the * prefix MeshTLSAuthentication accepts', () => {
    expect(reachOf({ namespace: 'ops' }, 'b1', 'shop', ctx)[0]).toMatchObject({ via: 'local', identities: ['*.ops.serviceaccount.identity.linkerd.cluster.local'] });
  });

  it('recognizes a whole cluster by its pod range, locally or over a flat link', () => {
    expect(reachOf({ cluster: 'b1' }, 'b1', 'shop', ctx)).toStrictEqual([{ kind: 'podNetwork', from: 'b1', via: 'local', cidr: '10.3.0.0/16' }]);
    expect(reachOf({ cluster: 'b2' }, 'b1', 'shop', ctx)).toStrictEqual([{ kind: 'podNetwork', from: 'b2', via: 'flat', cidr: '10.4.0.0/16' }]);
  });

  it('turns networks and unauthenticated callers into client networks', () => {
    expect(reachOf({ network: '192.0.2.0/24', except: ['192.0.2.7'] }, 'b1', 'shop', ctx)).toStrictEqual([
      { kind: 'networks', networks: [{ cidr: '192.0.2.0/24', except: ['192.0.2.7'] }] },
    ]);
    expect(reachOf({ unauthenticated: true }, 'b1', 'shop', ctx)).toStrictEqual([
      { kind: 'networks', networks: [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }] },
    ]);
  });

  it('uses the fleet trust domain everywhere, the gateway included', () => {
    const custom = policyContext(resolved(policyFleet((doc) => (doc.spec.trust.domain = 'mesh.acme'))));
    expect(reachOf({ serviceAccount: 'web', clusters: ['b1', 'a1'] }, 'b1', 'shop', custom).map((r) => (r.kind === 'identities' ? r.identities[0] : r.kind))).toStrictEqual([
      'web.shop.serviceaccount.identity.linkerd.mesh.acme',
      'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.mesh.acme',
    ]);
  });
});

describe('identities in the emitted authentications', () => {
  const rendered = render(policyFleet((doc) => {
    doc.spec.policy.services = [
      service({
        clusters: ['b1', 'a1'],
        allow: [
          { serviceAccount: 'web' },                          // local on both
          { serviceAccount: 'worker', clusters: ['b2'] },     // flat to b1; b2 has no link to a1
          { serviceAccount: 'web', clusters: ['a1', 'a2'] },  // local or flat on a1, gateway on b1
        ],
      }),
    ];
  }));

  it('on b1: local and flat callers by their own identity, gateway callers by the gateway identity, each once', () => {
    expect(named(rendered, 'b1', 'MeshTLSAuthentication', 'api-http-identities').spec).toStrictEqual({
      identities: [identity('web', 'shop'), identity('worker', 'shop'), GATEWAY_IDENTITY],
    });
  });

  it('on a1: the flat-linked a2 caller has the same identity as the local one, and unlinked b2 is left out', () => {
    expect(named(rendered, 'a1', 'MeshTLSAuthentication', 'api-http-identities').spec).toStrictEqual({ identities: [identity('web', 'shop')] });
  });
});
