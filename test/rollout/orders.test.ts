// Property: whatever order the clusters come up in, the first install converges once all are up,
// and no cluster's own mesh waits on an object of a cluster that is not up yet (only its link
// credentials may). For the example fleet (as written, and with prod delivered by Argo CD
// app-of-apps or an ApplicationSet) and the bench fleets of 10 and 100 clusters.
import fc from 'fast-check';
import { parse } from 'yaml';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import { factKey } from '../../lib/rollout/facts.ts';
import { providerIndex, simulate } from '../../lib/rollout/simulate.ts';
import type { RolloutModel } from '../../lib/rollout/steps.ts';
import { exampleDocument, REPO } from '../support/fleet.ts';
import { legacyPhaseOf, renderDocument, type RenderedFleet } from './support.ts';

const APPS = join(REPO, 'apps');

function prodBy(generator: 'app-of-apps' | 'list') {
  const doc = exampleDocument();
  doc.spec.environments.prod.delivery = { engine: 'argocd', argocd: { generator } };
  return doc;
}

/**
 * Why sampled orders stand for all of them. The simulation is monotone: facts are only added, steps
 * only move forward, and whether a step may move depends only on what holds. So once every cluster is
 * up, any order ends where all clusters up together end: `together` converging is every order
 * converging. What differs between orders is only what an up cluster waits on while others are absent,
 * and a holding step can be held through a wait by an absent cluster only when every provider of one
 * of its waits is on another cluster; that is read off the model without playing an order.
 */
function holdingCrossClusterWaits(model: RolloutModel): string[] {
  const providers = providerIndex(model);
  return model.steps
    .filter((step) => step.holds)
    .flatMap((step) =>
      step.units.flatMap((unit) =>
        unit.waits
          .filter((w) => {
            const found = providers.get(factKey(w.fact)) ?? [];
            return found.length > 0 && found.every((p) => p.step.cluster !== step.cluster);
          })
          .map((w) => `${step.id}: ${unit.id} waits for ${factKey(w.fact)}`),
      ),
    );
}

function assertOrderIndependent(model: RolloutModel): void {
  expect(holdingCrossClusterWaits(model)).toStrictEqual([]);
  const together = simulate(model, 'together');
  expect(together.stuck.map((o) => o.step.id)).toStrictEqual([]);
  expect(together.converged).toBe(true);
}

function assertEveryOrderConverges(model: RolloutModel, runs: number): number {
  assertOrderIndependent(model);
  const names = model.clusters.map((c) => c.name);
  let checked = 0;
  fc.assert(
    fc.property(fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length }), (order) => {
      const result = simulate(model, order);
      checked++;
      expect(result.stuck.map((o) => o.step.id)).toStrictEqual([]);
      expect(result.converged).toBe(true);
      // Held by an absent cluster only through the engine's order, never through a wait.
      expect(result.waitingOnAbsent.filter((w) => w.through === 'wait')).toStrictEqual([]);
    }),
    { numRuns: runs, seed: 10 },
  );
  return checked;
}

describe('first install in any order of clusters', () => {
  let example: RenderedFleet;
  let appOfApps: RenderedFleet;
  let applicationSet: RenderedFleet;
  beforeAll(() => {
    example = renderDocument(exampleDocument(), APPS);
    appOfApps = renderDocument(prodBy('app-of-apps'), APPS);
    applicationSet = renderDocument(prodBy('list'), APPS);
  }, 180_000);

  it('example fleet (Argo CD dev/staging, Flux prod): 720 orders of 6 clusters, 200 sampled', () => {
    expect(assertEveryOrderConverges(example.model, 200)).toBe(200);
  });

  it('example fleet with prod on Argo CD app-of-apps: link credentials report Healthy once synced, so waves do not wait for peers', () => {
    const credentials = appOfApps.model.steps.find((s) => s.id === 'eu-1-mesh-link-credentials')!;
    expect(credentials.holds).toBe(false);
    const app = appOfApps.rendered.files.get('prod/gitops/argocd/clusters/eu-1.yaml')!.split('---\n').find((d) => d.includes('name: eu-1-mesh-link-credentials'))!;
    expect(app).toContain('meshfleet.dev/gates: "false"');
    expect(app).toContain('argocd.argoproj.io/sync-wave: "5"');
    expect(appOfApps.rendered.files.get('gitops/argocd/argocd-cm-patch.yaml')).toContain('obj.metadata.labels["meshfleet.dev/gates"] ~= "false"');
    assertEveryOrderConverges(appOfApps.model, 100);
  });

  it('example fleet with prod on an ApplicationSet: link credentials form the last RollingSync step', () => {
    const set = parse(applicationSet.rendered.files.get('gitops/argocd/applicationset.yaml')!);
    const steps = set.spec.strategy.rollingSync.steps as { matchExpressions: { key: string; values: string[] }[] }[];
    const phases = steps.map((step) => step.matchExpressions.find((e) => e.key === 'meshfleet.dev/phase')!.values);
    expect(phases.at(-1)).toStrictEqual(['link-credentials']);
    expect(phases.slice(0, -1).flat()).not.toContain('link-credentials');
    // Nothing is gated behind the step of the link credentials.
    const credentials = applicationSet.model.steps.find((s) => s.id === 'eu-1-mesh-link-credentials')!;
    const group = [...applicationSet.model.groups].find(([, members]) => members.includes(credentials.id))![0];
    expect(applicationSet.model.steps.filter((s) => s.gates.includes(group))).toStrictEqual([]);
    assertEveryOrderConverges(applicationSet.model, 100);
  });

  it('bench fleet of 10 clusters: 100 sampled orders', () => {
    const bench = renderDocument(generateFleet(10), REPO);
    expect(bench.rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    expect(assertEveryOrderConverges(bench.model, 100)).toBe(100);
  }, 120_000);

  it('bench fleet of 100 clusters: every order by the monotone argument, 5 sampled orders and the reverse of the fleet order played', () => {
    const bench = renderDocument(generateFleet(100), REPO);
    expect(bench.rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    expect(assertEveryOrderConverges(bench.model, 5)).toBe(5);
    const reverse = simulate(bench.model, bench.model.clusters.map((c) => c.name).reverse());
    expect(reverse.converged).toBe(true);
    expect(reverse.waitingOnAbsent.filter((w) => w.through === 'wait')).toStrictEqual([]);
  }, 600_000);

  it('the order-free check sees a holding step that waits on another cluster (the layout before the rollout model)', () => {
    const legacy = renderDocument(exampleDocument(), APPS, { phaseOf: legacyPhaseOf });
    expect(holdingCrossClusterWaits(legacy.model)).toContainEqual(expect.stringMatching(/^eu-1-mesh: ExternalSecret linkerd-multicluster\/cluster-credentials-eu-2 waits for /));
  });
});
