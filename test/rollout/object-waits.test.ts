// GIVEN an output file's objects read for one cluster WHEN they are read again (the components and
// the rollout model read the same files; lib/rollout/object-waits.ts keeps the waits per file) THEN
// the same cluster gets the kept waits, another cluster gets facts of its own, and both are what
// objectWaits says of each object.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/model/kube-object.ts';
import { ClusterFacts } from '../../lib/rollout/facts.ts';
import { fileWaits, objectWaits, type ObjectWaits } from '../../lib/rollout/object-waits.ts';

const certificate = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'issuer', namespace: 'linkerd' }, spec: { issuerRef: { name: 'anchor', kind: 'Issuer' }, secretName: 'linkerd-identity-issuer' } } as KubeObject;
const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'anchor', namespace: 'linkerd' }, spec: { ca: { secretName: 'anchor' } } } as KubeObject;
const facts = (w: ObjectWaits) => [...w.waits, ...w.provides].map((x) => x.fact);

describe('the waits of a file of emitted objects', () => {
  it('are each object\'s, with the facts of the cluster given', () => {
    const objects = [issuer, certificate];
    const facts1 = new ClusterFacts('c1');
    const first = fileWaits(objects, facts1);
    // One Fact per fact of the cluster: the issuer's readiness the Certificate waits for is the one it provides.
    expect(first[1].waits[2].fact).toBe(first[0].provides.at(-1)!.fact);
    expect(first).toStrictEqual(objects.map((o) => objectWaits(o, 'c1')));
    const other = fileWaits(objects, new ClusterFacts('c2'));
    expect(other).toStrictEqual(objects.map((o) => objectWaits(o, 'c2')));
    expect(other.flatMap(facts).map((f) => f.cluster)).toStrictEqual(first.flatMap(facts).map(() => 'c2'));
    // Not vacuous: the Certificate waits on its issuer and the namespace, and provides its Secret.
    expect(facts(first[1]).map((f) => `${f.kind}:${f.name}@${f.cluster}`)).toStrictEqual(['namespace:linkerd@c1', 'crd:cert-manager.io@c1', 'ready:Issuer linkerd/anchor@c1', 'secret:linkerd/linkerd-identity-issuer@c1', 'ready:Certificate linkerd/issuer@c1']);
  });
});
