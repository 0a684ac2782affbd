// GIVEN the example fleet's rollout model (as delivered, and the layout before the rollout model)
// WHEN its facts are numbered once (lib/rollout/fact-index.ts) THEN every number stands for exactly
// one fact key, and providers, waiters and what holds without a step are what the keys say.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { factIndex, holdsWithoutProvider } from '../../lib/rollout/fact-index.ts';
import { factKey, type Fact } from '../../lib/rollout/facts.ts';
import type { RolloutModel } from '../../lib/rollout/steps.ts';
import { exampleDocument, REPO } from '../support/fleet.ts';
import { legacyPhaseOf, renderDocument } from './support.ts';

const APPS = join(REPO, 'apps');
const models: [string, RolloutModel][] = [];

beforeAll(() => {
  models.push(['example', renderDocument(exampleDocument(), APPS).model]);
  models.push(['legacy layout', renderDocument(exampleDocument(), APPS, { phaseOf: legacyPhaseOf }).model]);
}, 120_000);

/** The same facts by key, the way the check read them before they were numbered. */
function byKey(model: RolloutModel) {
  const providers = new Map<string, { step: string; unit: string }[]>();
  const waiters = new Map<string, Set<number>>();
  model.steps.forEach((step, k) => {
    for (const unit of step.units) {
      for (const p of unit.provides) providers.set(factKey(p.fact), [...(providers.get(factKey(p.fact)) ?? []), { step: step.id, unit: unit.id }]);
      for (const w of unit.waits) waiters.set(factKey(w.fact), (waiters.get(factKey(w.fact)) ?? new Set()).add(k));
    }
  });
  return { providers, waiters };
}

describe('the fact index of a rollout model', () => {
  it('numbers each fact key once, and finds a number by its key', () => {
    for (const [, model] of models) {
      const index = factIndex(model);
      const numberOf = new Map<string, number>();
      model.steps.forEach((step, k) => {
        step.units.forEach((unit, u) => {
          // The unit's slices of the index's flat lists, as the check and the simulation read them.
          const n = index.unitStart[k] + u;
          const waits = [...index.waitFacts.subarray(index.waitStart[n], index.waitStart[n + 1])];
          const provides = [...index.provideFacts.subarray(index.provideStart[n], index.provideStart[n + 1])];
          expect([waits.length, provides.length]).toStrictEqual([unit.waits.length, unit.provides.length]);
          const facts = [...unit.waits.map((w, j) => [w.fact, waits[j]] as const), ...unit.provides.map((p, j) => [p.fact, provides[j]] as const)];
          for (const [fact, id] of facts) {
            const key = factKey(fact);
            expect(index.keyOf(id)).toBe(key);
            expect(index.idOf(key)).toBe(id);
            expect(numberOf.get(key) ?? id).toBe(id);
            numberOf.set(key, id);
          }
          expect([...index.waitApply.subarray(index.waitStart[n], index.waitStart[n + 1])]).toStrictEqual(unit.waits.map((w) => (w.stage === 'apply' ? 1 : 0)));
        });
      });
      expect(new Set(numberOf.values()).size).toBe(numberOf.size);
      expect(index.idOf('namespace:no-such-namespace@eu-1')).toBeUndefined();
    }
  });

  it('lists providers and waiters as the keys do, and holds a fact without a step exactly when the check would', () => {
    for (const [name, model] of models) {
      const index = factIndex(model);
      const keyed = byKey(model);
      const providers = new Map([...index.providersByKey].map(([key, list]) => [key, list.map((p) => ({ step: p.step.id, unit: p.unit.id }))]));
      expect(providers, name).toStrictEqual(keyed.providers);
      let given = 0;
      index.facts.forEach((fact, id) => {
        const key = factKey(fact);
        const waiters = [...index.waiterSteps.subarray(index.waiterStart[id], index.waiterStart[id + 1])];
        // Each step once, in model order.
        expect(waiters, key).toStrictEqual([...(keyed.waiters.get(key) ?? [])].sort((a, b) => a - b));
        const holds = model.prerequisites.has(key) || (holdsWithoutProvider(fact) && !keyed.providers.has(key));
        expect(index.given[id] === 1, key).toBe(holds);
        expect(index.prerequisite[id] === 1, key).toBe(model.prerequisites.has(key));
        if (holds) given++;
      });
      // Not vacuous: store keys and cert-manager's CRDs hold without a step, namespaces do not.
      expect(given).toBeGreaterThan(0);
      expect(given).toBeLessThan(index.facts.length);
    }
  });

  it('is made once per model', () => {
    const [, model] = models[0];
    expect(factIndex(model)).toBe(factIndex(model));
    expect(factIndex({ ...model })).not.toBe(factIndex(model));
  });

  it('is the same whether the facts are numbered by their registry or by their parts', () => {
    for (const [name, model] of models) {
      // A model made by rolloutModel has a registry with one Fact per key, and nothing else.
      expect(model.facts, name).toBeDefined();
      const byObject = new Map<string, Fact>();
      for (const step of model.steps) {
        for (const unit of step.units) {
          for (const fact of [...unit.waits.map((w) => w.fact), ...unit.provides.map((p) => p.fact)]) {
            const key = factKey(fact);
            expect(byObject.get(key) ?? fact, key).toBe(fact);
            byObject.set(key, fact);
          }
        }
      }
      // The same model without its registry, and with one wait's fact a copy made elsewhere: both
      // numbered by kind, name and cluster (the path a model made otherwise takes).
      const plain = { ...model, facts: undefined };
      const copied = model.steps.findIndex((s) => s.units.some((u) => u.waits.length));
      const unit = model.steps[copied].units.findIndex((u) => u.waits.length);
      const mixed = {
        ...model,
        steps: model.steps.map((step, k) =>
          k === copied ? { ...step, units: step.units.map((u, n) => (n === unit ? { ...u, id: u.id, file: u.file, waits: u.waits.map((w) => ({ fact: { ...w.fact }, stage: w.stage })) } : u)) } : step,
        ),
      };
      const summary = (index: ReturnType<typeof factIndex>) => ({
        keys: index.facts.map(factKey),
        waits: [...index.waitFacts],
        provides: [...index.provideFacts],
        given: [...index.given],
        prerequisite: [...index.prerequisite],
        waiters: [...index.waiterStart, ...index.waiterSteps],
        providers: index.facts.map((_, id) => index.providersOf(id).map((p) => `${p.step.id} ${p.unit.id}`)),
        local: index.steps.map((s) => s.local),
        ids: ['namespace:linkerd@eu-1', 'crd:gateway.networking.k8s.io@eu-1', 'namespace:no-such-namespace@eu-1'].map((key) => index.idOf(key)),
      });
      const numbered = summary(factIndex(model));
      expect(numbered.keys.length, name).toBeGreaterThan(0);
      expect(summary(factIndex(plain)), name).toStrictEqual(numbered);
      expect(summary(factIndex(mixed)), name).toStrictEqual(numbered);
    }
  });
});
