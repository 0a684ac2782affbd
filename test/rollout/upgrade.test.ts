// GIVEN the example fleet installed and converged WHEN it is upgraded (a Linkerd version change, a
// link added, a cluster removed) THEN the upgrade converges, changing only the steps whose files
// changed; with the layout before the rollout model, adding a link deadlocks the target.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../lib/rollout/simulate.ts';
import { upgradeFrom, type NextOutput } from '../../lib/rollout/upgrade.ts';
import { exampleDocument, REPO } from '../support/fleet.ts';
import { legacyPhaseOf, renderDocument, type RenderedFleet } from './support.ts';

const APPS = join(REPO, 'apps');
type Json = Record<string, any>;

function edited(edit: (doc: Json) => void): Json {
  const doc = exampleDocument();
  edit(doc);
  return doc;
}
const cluster = (doc: Json, name: string) => doc.spec.clusters.find((c: Json) => c.name === name);
/** us-2 links to eu-1 through eu-1's gateway: a new remote-access account on eu-1. */
const addLink = (doc: Json) => doc.spec.links.push({ from: 'us-2', to: 'eu-1', mode: 'gateway' });

/** The fleet without any mention of a cluster: entries naming only it go, lists lose it. */
function withoutCluster(node: any, name: string): any {
  if (Array.isArray(node)) {
    return node
      .filter((item) => item !== name && !(item && typeof item === 'object' && (item.cluster === name || item.from === name || item.to === name || item.mesh?.includes(name))))
      .map((item) => withoutCluster(item, name))
      .filter((item) => !(item && typeof item === 'object' && ['clusters', 'consumers'].some((k) => Array.isArray(item[k]) && item[k].length === 0)));
  }
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withoutCluster(v, name)]));
  return node;
}

/** An output held in memory as upgradeFrom reads the new one, against the previous one. */
function nextOutput(previous: ReadonlyMap<string, string>, files: ReadonlyMap<string, string>): NextOutput {
  return { index: files.get('index.json'), unchanged: (path) => previous.has(path) && previous.get(path) === files.get(path) };
}

function upgrade(before: RenderedFleet, after: RenderedFleet) {
  const start = upgradeFrom(after.model, before.rendered.files, nextOutput(before.rendered.files, after.rendered.files))!;
  return { start, result: simulate(after.model, 'together', start) };
}

describe('upgrades of the example fleet', () => {
  let base: RenderedFleet;
  beforeAll(() => {
    base = renderDocument(exampleDocument(), APPS);
  }, 120_000);

  it('from the same output changes nothing and is converged from the start', () => {
    const { start, result } = upgrade(base, base);
    expect(start.changedSteps).toStrictEqual([]);
    expect(result.converged).toBe(true);
  });

  it('a Linkerd version change (eu-1 2.20 → edge-26.8.3) converges, re-applying eu-1 in order', () => {
    const next = renderDocument(edited((doc) => (cluster(doc, 'eu-1').linkerd = 'edge-26.8.3')), APPS);
    const { start, result } = upgrade(base, next);
    expect(start.changedSteps).toEqual(expect.arrayContaining(['eu-1-linkerd-crds', 'eu-1-linkerd-control-plane', 'eu-1-linkerd-multicluster']));
    expect(start.changedSteps.every((id) => id.startsWith('eu-1-'))).toBe(true);
    expect(result.stuck.map((o) => o.step.id)).toStrictEqual([]);
    expect(result.converged).toBe(true);
    const seq = (id: string) => result.outcomes.get(id)!.sequence!;
    expect(seq('eu-1-linkerd-crds')).toBeLessThan(seq('eu-1-linkerd-control-plane'));
    expect(seq('eu-1-linkerd-control-plane')).toBeLessThan(seq('eu-1-linkerd-multicluster'));
  }, 120_000);

  it('a link added (us-2 → eu-1) converges: eu-1 pushes the new token after its multicluster chart, us-2 waits for it without holding anything', () => {
    const next = renderDocument(edited(addLink), APPS);
    const { start, result } = upgrade(base, next);
    expect(start.changedSteps).toEqual(expect.arrayContaining(['eu-1-linkerd-multicluster', 'eu-1-mesh-links', 'us-2-mesh-link-credentials']));
    expect(result.converged).toBe(true);
    const seq = (id: string) => result.outcomes.get(id)!.sequence!;
    expect(seq('eu-1-linkerd-multicluster')).toBeLessThan(seq('eu-1-mesh-links'));
    expect(seq('eu-1-mesh-links')).toBeLessThan(seq('us-2-mesh-link-credentials'));
  }, 120_000);

  it('a cluster removed (us-2) converges; its pushed keys are gone and nothing waits for them', () => {
    const next = renderDocument(
      edited((doc) => {
        doc.spec.clusters = doc.spec.clusters.filter((c: Json) => c.name !== 'us-2');
        doc.spec = withoutCluster(doc.spec, 'us-2');
      }),
      APPS,
    );
    const { start, result } = upgrade(base, next);
    expect(start.removedClusters).toStrictEqual(['us-2']);
    expect([...start.facts].filter((f) => f.includes('linkerd-multicluster/us-2/'))).toStrictEqual([]);
    expect(start.changedSteps).toEqual(expect.arrayContaining(['us-1-linkerd-multicluster', 'us-1-mesh-link-credentials']));
    expect(result.converged).toBe(true);
  }, 120_000);

  it('with the layout before the rollout model, adding a link deadlocks the target', () => {
    const before = renderDocument(exampleDocument(), APPS, { phaseOf: legacyPhaseOf });
    const after = renderDocument(edited(addLink), APPS, { phaseOf: legacyPhaseOf });
    const { result } = upgrade(before, after);
    expect(result.converged).toBe(false);
    const mesh = result.outcomes.get('eu-1-mesh')!;
    expect(mesh.blockers.map((b) => b.fact?.name)).toContain('linkerd-multicluster/linkerd-service-mirror-remote-access-us-2-token');
  }, 240_000);
});
