// GIVEN a cluster whose default inbound policy denies everything, WHEN services declare who may call
// them, THEN the emitted AuthorizationPolicies are exactly the declared allows: callers that resolve
// alike share one policy, every policy targets a Server or route that exists, every authentication
// is used by exactly one policy, and nothing else is allowed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallerSpec } from '../../lib/model/types.ts';
import { plan, render } from '../support/fleet.ts';
import { GATEWAY_IDENTITY, identity, objectsOf, policyFleet, service, type Rendered } from './support.ts';

const denyAll = (services: unknown[]) =>
  policyFleet((doc) => {
    doc.spec.defaults.proxy = { defaultInboundPolicy: 'deny' };
    doc.spec.policy.services = services;
  });

/** name → [target, authentication kinds and the accepted identities/networks] of every AuthorizationPolicy. */
function authorizations(rendered: Rendered, cluster: string) {
  const objects = objectsOf(rendered, cluster);
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  return Object.fromEntries(
    objects
      .filter((o) => o.kind === 'AuthorizationPolicy')
      .map((ap) => [
        ap.metadata.name,
        [
          `${ap.spec.targetRef.kind}/${ap.spec.targetRef.name}`,
          ...ap.spec.requiredAuthenticationRefs.map((ref: any) => {
            const spec = find(ref.kind, ref.name)?.spec;
            return ref.kind === 'MeshTLSAuthentication' ? { identities: spec.identities } : { networks: spec.networks.map((n: any) => n.cidr) };
          }),
        ],
      ]),
  );
}

/** The structural guarantees, whatever the fleet declares. */
function assertNoDuplicatesNoOrphans(rendered: Rendered) {
  for (const c of rendered.clusters) {
    const objects = c.objects as any[];
    const keys = objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i), `duplicate objects on ${c.cluster.name}`).toStrictEqual([]);
    const byKey = new Set(keys);
    const policies = objects.filter((o) => o.kind === 'AuthorizationPolicy');
    const referenced = new Map<string, number>();
    for (const ap of policies) {
      const ns = ap.metadata.namespace;
      if (ap.spec.targetRef.kind === 'Server') expect(byKey.has(`Server ${ns}/${ap.spec.targetRef.name}`), `${ap.metadata.name} targets a Server that exists`).toBe(true);
      for (const ref of ap.spec.requiredAuthenticationRefs) {
        const key = `${ref.kind} ${ref.namespace ?? ns}/${ref.name}`;
        expect(byKey.has(key), `${ap.metadata.name} requires ${key}, which exists`).toBe(true);
        referenced.set(key, (referenced.get(key) ?? 0) + 1);
      }
      // Two policies of one target never require the same authentications.
      const same = policies.filter((other) => other !== ap && JSON.stringify(other.spec) === JSON.stringify(ap.spec));
      expect(same, `${ap.metadata.name} is unique`).toStrictEqual([]);
    }
    for (const auth of objects.filter((o) => o.kind === 'MeshTLSAuthentication' || o.kind === 'NetworkAuthentication')) {
      expect(referenced.get(`${auth.kind} ${auth.metadata.namespace}/${auth.metadata.name}`), `${auth.kind} ${auth.metadata.name} is used once`).toBe(1);
      const entries = (auth.spec.identities ?? auth.spec.networks).map((e: unknown) => JSON.stringify(e));
      expect(entries.filter((e: string, i: number) => entries.indexOf(e) !== i), `${auth.metadata.name} lists each entry once`).toStrictEqual([]);
    }
  }
}

describe('all-deny default plus declared allows', () => {
  const rendered = render(denyAll([
    service({
      ports: [{ name: 'http', port: 8080, protocol: 'HTTP/1' }, { name: 'metrics', port: 9102 }],
      allow: [
        { serviceAccount: 'web' },
        { serviceAccount: 'web' },                                  // listed twice
        { serviceAccount: 'web', clusters: ['b2'] },                // flat: the same identity as the local web
        { serviceAccount: 'web', clusters: ['a1'] },                // gateway
        { serviceAccount: 'worker', clusters: ['a2'] },             // gateway too: the same gateway identity
        { serviceAccount: 'prom', namespace: 'ops', ports: ['metrics'] },
        { cluster: 'b2' },
        { network: '192.0.2.0/24', ports: ['http'] },
        { network: '192.0.2.0/24', ports: ['http'] },
      ],
    }),
    service({ name: 'worker', serviceAccount: 'worker', ports: [{ name: 'grpc', port: 9090, protocol: 'gRPC' }] }),
  ]));

  it('yields exactly the expected AuthorizationPolicies', () => {
    expect(authorizations(rendered, 'b1')).toStrictEqual({
      'api-http-identities': ['Server/api-http', { identities: [identity('web', 'shop'), GATEWAY_IDENTITY] }],
      'api-http-networks': ['Server/api-http', { networks: ['192.0.2.0/24'] }],
      'api-http-clusters': ['Server/api-http', { identities: ['*'] }, { networks: ['10.4.0.0/16'] }],
      'api-metrics-identities': ['Server/api-metrics', { identities: [identity('web', 'shop'), GATEWAY_IDENTITY, identity('prom', 'ops')] }],
      'api-metrics-clusters': ['Server/api-metrics', { identities: ['*'] }, { networks: ['10.4.0.0/16'] }],
    });
    // Nothing on the other clusters: the services run on b1 only.
    for (const c of ['a1', 'a2', 'b2']) expect(authorizations(rendered, c)).toStrictEqual({});
  });

  it('leaves a service without callers denied: its Server, and no policy for it', () => {
    expect(objectsOf(rendered, 'b1', 'Server').map((s) => [s.metadata.name, s.spec.accessPolicy])).toStrictEqual([
      ['api-http', 'deny'],
      ['api-metrics', 'deny'],
      ['worker-grpc', 'deny'],
    ]);
  });

  it('has no duplicates and no orphans', () => {
    assertNoDuplicatesNoOrphans(rendered);
  });

  it('holds for any set of declared callers (property)', () => {
    const callerPool: CallerSpec[] = [
      { serviceAccount: 'web' },
      { serviceAccount: 'api' },
      { serviceAccount: 'web', clusters: ['b2'] },
      { serviceAccount: 'worker', clusters: ['b1', 'b2'] },
      { serviceAccount: 'web', clusters: ['a1', 'a2'] },
      { serviceAccount: 'prom', namespace: 'ops' },
      { namespace: 'ops' },
      { namespace: 'shop', clusters: ['a1'] },
      { cluster: 'b1' },
      { cluster: 'b2' },
      { cluster: 'a2' },
      { network: '192.0.2.0/24' },
      { network: '198.51.100.0/24', except: ['198.51.100.1'] },
      { unauthenticated: true },
    ];
    const portNames = ['http', 'grpc', 'metrics'];
    const callers = fc.array(
      fc.record({ caller: fc.constantFrom(...callerPool), ports: fc.option(fc.subarray(portNames, { minLength: 1 }), { nil: undefined }) }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(callers, fc.subarray(['b1', 'b2'], { minLength: 1 }), (entries, clusters) => {
        const allow = entries.map(({ caller, ports }) => (ports ? { ...caller, ports } : caller));
        const doc = denyAll([service({ clusters, ports: portNames.map((name, i) => ({ name, port: 8080 + i })), allow })]);
        if (plan(doc).diagnostics.some((d) => d.severity === 'error')) return; // e.g. only unreachable callers
        const rendered = render(doc);
        assertNoDuplicatesNoOrphans(rendered);
        for (const cluster of clusters) {
          const aps = authorizations(rendered, cluster);
          for (const port of portNames) {
            const onPort = allow.filter((c) => !('ports' in c) || !c.ports || c.ports.includes(port));
            const names = Object.keys(aps).filter((n) => n.startsWith(`api-${port}-`));
            // One policy per kind of authentication, and only kinds some caller asked for.
            expect(names.length).toBeLessThanOrEqual(3);
            if (!onPort.length) expect(names).toStrictEqual([]);
            // Every local service account caller is accepted by its own identity; gateway callers by the gateway's.
            const identities = (aps[`api-${port}-identities`]?.[1] as { identities: string[] } | undefined)?.identities ?? [];
            for (const c of onPort) {
              if ('serviceAccount' in c && !c.clusters) {
                // …or by its namespace's wildcard, which makes the single identity redundant.
                const namespace = c.namespace ?? 'shop';
                expect([identity(c.serviceAccount, namespace), identity('*', namespace)].filter((i) => identities.includes(i))).toHaveLength(1);
              }
              if ('serviceAccount' in c && c.clusters?.some((from) => from.startsWith('a')) && cluster === 'b1') expect(identities).toContain(GATEWAY_IDENTITY);
            }
            const allowsAnyone = onPort.some((c) => 'unauthenticated' in c);
            const networks = (aps[`api-${port}-networks`]?.[1] as { networks: string[] } | undefined)?.networks ?? [];
            expect(networks.includes('0.0.0.0/0')).toBe(allowsAnyone);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
