// A rollout model with its facts and gate groups numbered once: the check and every simulation of
// the model (plan plays a dozen orders) look facts up by number instead of building and hashing
// their keys again per wait, per visit and per order. A 1000-cluster fleet has ~45,000 steps and
// several hundred thousand waits, so everything here is computed in one pass over the model.
import { factKey, PREREQUISITE_GROUPS, type Fact } from './facts.ts';
import type { Unit } from './component-waits.ts';
import type { RolloutModel, Step } from './steps.ts';

export interface Provider {
  readonly step: Step;
  readonly unit: Unit;
}

/** A unit's waits and provisions by fact number, in the unit's order. */
export interface UnitFacts {
  readonly waits: readonly number[];
  /** Per wait: its stage is "apply". */
  readonly apply: readonly boolean[];
  readonly provides: readonly number[];
}

export interface StepFacts {
  readonly units: readonly UnitFacts[];
  /** Facts its units provide once applied. */
  readonly applied: readonly number[];
  /** What holds once the step is applied: `applied`, and the namespace its engine creates. */
  readonly local: readonly number[];
  /** Gate groups by number. */
  readonly gates: readonly number[];
}

export interface FactIndex {
  /** Fact key → fact number. */
  readonly ids: ReadonlyMap<string, number>;
  /** By fact number: its key. */
  readonly keys: readonly string[];
  /** By fact number: the units that provide it, in model order (undefined: none). */
  readonly providers: readonly (readonly Provider[] | undefined)[];
  /** Fact key → its providers (what providerIndex returns). */
  readonly providersByKey: ReadonlyMap<string, Provider[]>;
  /** By fact number: holds without any step (a prerequisite, or nothing provides it and it need not be delivered). */
  readonly given: Uint8Array;
  /** By fact number: the steps (model positions) that wait on it. */
  readonly waiters: readonly (readonly number[] | undefined)[];
  /** By step, in model order. */
  readonly steps: readonly StepFacts[];
  /** Step id → model position. */
  readonly stepIds: ReadonlyMap<string, number>;
  /** By gate group number: its name, its members (model positions), the steps it gates, the clusters of its members. */
  readonly groupNames: readonly string[];
  readonly groupMembers: readonly (readonly number[])[];
  readonly gated: readonly (readonly number[])[];
  readonly groupClusters: readonly (readonly string[])[];
  /** By step (model position): the gate groups it is a member of. */
  readonly memberOf: readonly (readonly number[])[];
}

/**
 * Facts no step provides that hold anyway, as prerequisites: cert-manager's and External Secrets'
 * CRDs, and what you put in place (a store key, the trust anchor Secret of trust.issuer.type
 * secret, a ClusterIssuer of your own). Namespaces, webhooks and other CRDs must be delivered.
 */
export function holdsWithoutProvider(fact: Fact): boolean {
  return (fact.kind === 'crd' && PREREQUISITE_GROUPS.has(fact.name)) || fact.kind === 'store-key' || fact.kind === 'secret' || fact.kind === 'ready';
}

// A model is immutable once built (tests that vary one build a new one), so its index is kept with it.
const indexes = new WeakMap<RolloutModel, FactIndex>();

export function factIndex(model: RolloutModel): FactIndex {
  let index = indexes.get(model);
  if (!index) {
    index = buildIndex(model);
    indexes.set(model, index);
  }
  return index;
}

function buildIndex(model: RolloutModel): FactIndex {
  const ids = new Map<string, number>();
  const keys: string[] = [];
  const facts: Fact[] = [];
  const providers: Provider[][] = [];
  const waiters: number[][] = [];
  const idOf = (fact: Fact): number => {
    const key = factKey(fact);
    let id = ids.get(key);
    if (id === undefined) {
      id = keys.length;
      ids.set(key, id);
      keys.push(key);
      facts.push(fact);
    }
    return id;
  };

  const stepIds = new Map<string, number>();
  model.steps.forEach((step, i) => stepIds.set(step.id, i));
  const groupIds = new Map<string, number>();
  const groupNames: string[] = [];
  const groupMembers: number[][] = [];
  const gated: number[][] = [];
  const groupOf = (name: string): number => {
    let id = groupIds.get(name);
    if (id === undefined) {
      id = groupNames.length;
      groupIds.set(name, id);
      groupNames.push(name);
      groupMembers.push([]);
      gated.push([]);
    }
    return id;
  };
  const memberOf: number[][] = model.steps.map(() => []);
  for (const [group, members] of model.groups) {
    const g = groupOf(group);
    for (const id of members) {
      const i = stepIds.get(id)!;
      groupMembers[g].push(i);
      memberOf[i].push(g);
    }
  }

  const steps = model.steps.map((step, i): StepFacts => {
    const applied: number[] = [];
    const units = step.units.map((unit): UnitFacts => {
      const waits = unit.waits.map((w) => {
        const id = idOf(w.fact);
        const list = (waiters[id] ??= []);
        if (list[list.length - 1] !== i) list.push(i);
        return id;
      });
      const provides = unit.provides.map((p) => {
        const id = idOf(p.fact);
        (providers[id] ??= []).push({ step, unit });
        if (p.stage === 'applied' && !applied.includes(id)) applied.push(id);
        return id;
      });
      return { waits, apply: unit.waits.map((w) => w.stage === 'apply'), provides };
    });
    const local = [...applied];
    if (step.createsNamespace) {
      const id = idOf({ kind: 'namespace', name: step.createsNamespace, cluster: step.cluster });
      if (!local.includes(id)) local.push(id);
    }
    const gates = step.gates.map(groupOf);
    for (const g of new Set(gates)) gated[g].push(i);
    return { units, applied, local, gates };
  });

  const providersByKey = new Map<string, Provider[]>();
  const given = new Uint8Array(keys.length);
  keys.forEach((key, id) => {
    if (providers[id]) providersByKey.set(key, providers[id]);
    if (model.prerequisites.has(key) || (holdsWithoutProvider(facts[id]) && !providers[id])) given[id] = 1;
  });
  const groupClusters = groupMembers.map((members) => [...new Set(members.map((i) => model.steps[i].cluster))]);
  return { ids, keys, providers, providersByKey, given, waiters, steps, stepIds, groupNames, groupMembers, gated, groupClusters, memberOf };
}
