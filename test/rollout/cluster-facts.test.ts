// GIVEN the objects of a cluster read one after another (lib/rollout/object-waits.ts shares each
// cluster's waits through ClusterFacts in lib/rollout/facts.ts) WHEN two objects wait on the same
// fact THEN they share one Wait; and a wait is never shared with one that differs in cluster, kind,
// name or stage, or with what another object provides.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/model/kube-object.ts';
import { ClusterFacts, factKey } from '../../lib/rollout/facts.ts';
import { objectWaits } from '../../lib/rollout/object-waits.ts';

const certificate = (name: string, issuer: string) =>
  ({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name, namespace: 'linkerd' }, spec: { issuerRef: { name: issuer, kind: 'Issuer' }, secretName: name } }) as KubeObject;
const keys = (list: readonly { fact: Parameters<typeof factKey>[0]; stage: string }[]) => list.map((w) => `${factKey(w.fact)} ${w.stage}`);

describe('the waits of a cluster', () => {
  it('are shared by objects that wait on the same fact, and only by them', () => {
    const a = objectWaits(certificate('a', 'anchor'), 'c1');
    const b = objectWaits(certificate('b', 'anchor'), 'c1');
    const other = objectWaits(certificate('c', 'other'), 'c1');
    // The namespace, the CRDs and the issuer: one Wait each for the cluster.
    expect(keys(a.waits)).toStrictEqual(['namespace:linkerd@c1 apply', 'crd:cert-manager.io@c1 apply', 'ready:Issuer linkerd/anchor@c1 ready']);
    a.waits.forEach((wait, i) => expect(b.waits[i]).toBe(wait));
    // Another issuer's readiness is another wait; what each object provides is its own.
    expect(keys(other.waits)[2]).toBe('ready:Issuer linkerd/other@c1 ready');
    expect(other.waits[2]).not.toBe(a.waits[2]);
    expect(keys(a.provides)).toStrictEqual(['secret:linkerd/a@c1 ready', 'ready:Certificate linkerd/a@c1 ready']);
    expect(keys(b.provides)).toStrictEqual(['secret:linkerd/b@c1 ready', 'ready:Certificate linkerd/b@c1 ready']);
  });

  it('are told apart by cluster, kind, name and stage', () => {
    const c1 = new ClusterFacts('c1');
    const shared = c1.wait('namespace', 'x', 'apply');
    expect(c1.wait('namespace', 'x', 'apply')).toBe(shared);
    // Each differs from `shared` in one part of what it stands for.
    const different = [c1.wait('crd', 'x', 'apply'), c1.wait('namespace', 'y', 'apply'), c1.wait('namespace', 'x', 'ready'), new ClusterFacts('c2').wait('namespace', 'x', 'apply')];
    expect(different.map((w) => `${factKey(w.fact)} ${w.stage}`)).toStrictEqual(['crd:x@c1 apply', 'namespace:y@c1 apply', 'namespace:x@c1 ready', 'namespace:x@c2 apply']);
    // The two stages of one fact share the Fact, not the Wait.
    expect(different[2].fact).toBe(shared.fact);
    // The secret store is every cluster's: its facts have no cluster. A fact reads (and prints, plan
    // --json) as its kind, name and cluster alone: its registry number is not a property.
    expect({ ...c1.wait('store-key', 'k', 'ready').fact }).toStrictEqual({ kind: 'store-key', name: 'k' });
    expect(JSON.stringify(shared.fact)).toBe('{"kind":"namespace","name":"x","cluster":"c1"}');
  });

  it('of two clusters read in turn are each their own', () => {
    const first = objectWaits(certificate('a', 'anchor'), 'c1');
    const second = objectWaits(certificate('a', 'anchor'), 'c2');
    const again = objectWaits(certificate('a', 'anchor'), 'c1');
    expect(keys(second.waits)).toStrictEqual(keys(first.waits).map((k) => k.replace('@c1', '@c2')));
    expect(keys(again.waits)).toStrictEqual(keys(first.waits));
  });
});
