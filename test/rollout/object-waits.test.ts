// GIVEN an emitted object read for one cluster WHEN it is read again (the components and the rollout
// model read the same objects; lib/rollout/object-waits.ts keeps the result) THEN the same cluster
// gets the kept result and another cluster gets facts of its own, and the phase does not depend on it.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/model/kube-object.ts';
import { phaseOfObject } from '../../lib/rollout/components.ts';
import { objectWaits } from '../../lib/rollout/object-waits.ts';

const certificate = (): KubeObject =>
  ({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'issuer', namespace: 'linkerd' }, spec: { issuerRef: { name: 'anchor', kind: 'Issuer' }, secretName: 'linkerd-identity-issuer' } }) as KubeObject;

describe('the waits of an emitted object', () => {
  it('are kept per object for its cluster, and made again for another cluster', () => {
    const object = certificate();
    const first = objectWaits(object, 'c1');
    expect(objectWaits(object, 'c1')).toBe(first);
    const other = objectWaits(object, 'c2');
    const facts = (w: ReturnType<typeof objectWaits>) => [...w.waits, ...w.provides].map((x) => x.fact);
    expect(facts(other).map((f) => f.cluster)).toStrictEqual(facts(first).map(() => 'c2'));
    expect(facts(other).map((f) => ({ ...f, cluster: 'c1' }))).toStrictEqual(facts(first));
    // Not vacuous: it waits on its issuer and the namespace, and provides its Secret.
    expect(facts(first).map((f) => `${f.kind}:${f.name}`)).toStrictEqual(['namespace:linkerd', 'crd:cert-manager.io', 'ready:Issuer linkerd/anchor', 'secret:linkerd/linkerd-identity-issuer', 'ready:Certificate linkerd/issuer']);
  });

  it('give the same phase whichever cluster they were read for', () => {
    const secrets = new Map([['linkerd/anchor', 'multicluster' as const]]);
    const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'anchor', namespace: 'linkerd' }, spec: { ca: { secretName: 'anchor' } } } as KubeObject;
    expect(phaseOfObject(issuer, secrets, 'c1')).toBe('links');
    expect(phaseOfObject(issuer, secrets)).toBe('links');
    expect(phaseOfObject(certificate(), secrets, 'c1')).toBe(phaseOfObject(certificate()));
  });
});
