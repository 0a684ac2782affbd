// A rollout model with its facts and gate groups numbered once: the check and every simulation of
// the model (plan plays a dozen orders) look facts up by number instead of building and hashing
// their keys again per wait, per visit and per order. The bench's 1000-cluster fleet has ~8,000
// steps with ~155,000 waits and ~120,000 provisions, so everything here is one pass over the model.
import { FACT_KINDS, factKey, factKindNumber, factNumber, PREREQUISITE_GROUPS, type Fact } from './facts.ts';
import type { Unit } from './component-waits.ts';
import type { RolloutModel, Step } from './steps.ts';

export interface Provider {
  readonly step: Step;
  readonly unit: Unit;
}

export interface StepFacts {
  /** Facts its units provide once applied. */
  readonly applied: readonly number[];
  /** What holds once the step is applied: `applied`, and the namespace its engine creates. */
  readonly local: readonly number[];
  /** Gate groups by number. */
  readonly gates: readonly number[];
}

export interface FactIndex {
  /** By fact number: the fact (as first seen). */
  readonly facts: readonly Fact[];
  /** The number of a fact key, if a step waits on or provides it. */
  idOf(key: string): number | undefined;
  /** By fact number: its key (factKey). */
  keyOf(id: number): string;
  /**
   * By fact number: the units that provide it, by unit number in model order: providerUnits from
   * providerStart[id] up to providerStart[id + 1] (none for most facts of a fleet but one). One flat
   * list instead of a list per fact (~120,000 facts at 1000 clusters).
   */
  readonly providerStart: Int32Array;
  readonly providerUnits: Int32Array;
  /** The providers of a fact, in model order (made on each call: for messages and plan). */
  providersOf(id: number): Provider[];
  /** Fact key → its providers (what providerIndex returns), made on first use. */
  readonly providersByKey: ReadonlyMap<string, readonly Provider[]>;
  /** By fact number: in the model's prerequisites. */
  readonly prerequisite: Uint8Array;
  /** By fact number: holds without any step (a prerequisite, or nothing provides it and it need not be delivered). */
  readonly given: Uint8Array;
  /** By fact number: the steps (model positions) that wait on it, each once: waiterSteps from waiterStart[id] up to waiterStart[id + 1]. */
  readonly waiterStart: Int32Array;
  readonly waiterSteps: Int32Array;
  /** By step, in model order. */
  readonly steps: readonly StepFacts[];
  /**
   * Every unit's waits and provisions in one list each, units numbered in model order (step k's
   * from unitStart[k] up to unitStart[k + 1]): unit u's waits are waitFacts[waitStart[u]] up to waitStart[u + 1], with
   * waitApply (1: the stage is "apply") beside them; its provisions likewise. Flat lists instead of
   * three small arrays per unit (~64,000 units at 1000 clusters).
   */
  readonly unitStart: Int32Array;
  /** By unit number: its step's model position. */
  readonly unitStep: Int32Array;
  readonly waitStart: Int32Array;
  readonly waitFacts: Int32Array;
  readonly waitApply: Uint8Array;
  readonly provideStart: Int32Array;
  readonly provideFacts: Int32Array;
  /** Step id → model position. */
  readonly stepIds: ReadonlyMap<string, number>;
  /** By gate group number: its members (model positions), the steps it gates, the clusters of its members. */
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
  const facts: Fact[] = [];
  // Facts are told apart by cluster, kind and name in nested maps: their parts are strings the
  // model shares (hashed once), where a key string would be built and hashed per wait. A step's
  // facts are mostly of its own cluster, so the last cluster's maps are kept at hand.
  const numbers = new Map<string | undefined, Map<string, number>[]>();
  let lastCluster: string | undefined;
  let lastKinds: Map<string, number>[] | undefined;
  const find = (kind: Fact['kind'], name: string, cluster: string | undefined, add?: Fact): number | undefined => {
    let kinds = cluster === lastCluster && lastKinds ? lastKinds : numbers.get(cluster);
    if (!kinds) {
      if (!add) return undefined;
      numbers.set(cluster, (kinds = FACT_KINDS.map(() => new Map<string, number>())));
    }
    lastCluster = cluster;
    lastKinds = kinds;
    const names = kinds[factKindNumber(kind)];
    if (!names) return undefined;
    let id = names.get(name);
    if (id === undefined && add) {
      id = facts.length;
      names.set(name, id);
      facts.push(add);
    }
    return id;
  };
  // A model whose facts all come from its registry (steps.ts) has one Fact per key: a fact's number
  // is found by the Fact's own number in the registry, in a table, without a key or a hash per wait
  // (~275,000 waits and provisions at 1000 clusters). Any other model is numbered by the facts' parts.
  const registry = model.facts;
  let own = registry !== undefined;
  for (let k = 0; own && k < model.steps.length; k++) {
    for (const unit of model.steps[k].units) {
      for (let j = 0; own && j < unit.waits.length; j++) own = factNumber(unit.waits[j].fact, registry!) >= 0;
      for (let j = 0; own && j < unit.provides.length; j++) own = factNumber(unit.provides[j].fact, registry!) >= 0;
    }
  }
  // The namespace each engine creates is a fact of the registry too (made here if nothing named it).
  const created = model.steps.map((step) => step.createsNamespace && (own ? registry!.of(step.cluster).fact('namespace', step.createsNamespace) : { kind: 'namespace' as const, name: step.createsNamespace, cluster: step.cluster }));
  // By registry number: the fact's number here (-1: not in the model).
  const byNumber = own ? new Int32Array(registry!.size).fill(-1) : undefined;
  const idOf = (fact: Fact): number => {
    if (!byNumber) return find(fact.kind, fact.name, fact.cluster, fact)!;
    const n = factNumber(fact, registry!);
    let id = byNumber[n];
    if (id < 0) {
      byNumber[n] = id = facts.length;
      facts.push(fact);
    }
    return id;
  };
  const stepIds = new Map<string, number>();
  model.steps.forEach((step, i) => stepIds.set(step.id, i));
  const groupIds = new Map<string, number>();
  const groupMembers: number[][] = [];
  const gated: number[][] = [];
  const groupOf = (name: string): number => {
    let id = groupIds.get(name);
    if (id === undefined) {
      id = groupMembers.length;
      groupIds.set(name, id);
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

  let unitCount = 0;
  let waitCount = 0;
  let provideCount = 0;
  for (const step of model.steps) {
    unitCount += step.units.length;
    for (const unit of step.units) (waitCount += unit.waits.length), (provideCount += unit.provides.length);
  }
  const unitStart = new Int32Array(model.steps.length + 1);
  const unitStep = new Int32Array(unitCount);
  const waitStart = new Int32Array(unitCount + 1);
  const provideStart = new Int32Array(unitCount + 1);
  const waitFacts = new Int32Array(waitCount);
  const waitApply = new Uint8Array(waitCount);
  const provideFacts = new Int32Array(provideCount);
  let u = 0;
  let w = 0;
  let p = 0;
  const steps = model.steps.map((step, i): StepFacts => {
    unitStart[i] = u;
    const applied: number[] = [];
    // Indexed loops: ~275,000 waits and provisions, where an iterator may cost an object each.
    for (let n = 0; n < step.units.length; n++) {
      const unit = step.units[n];
      waitStart[u] = w;
      provideStart[u] = p;
      unitStep[u] = i;
      for (let j = 0; j < unit.waits.length; j++) {
        const wait = unit.waits[j];
        waitFacts[w] = idOf(wait.fact);
        waitApply[w++] = wait.stage === 'apply' ? 1 : 0;
      }
      for (let j = 0; j < unit.provides.length; j++) {
        const provision = unit.provides[j];
        const id = (provideFacts[p++] = idOf(provision.fact));
        if (provision.stage === 'applied' && !applied.includes(id)) applied.push(id);
      }
      u++;
    }
    let local = applied;
    const namespace = created[i];
    if (namespace) {
      const id = idOf(namespace);
      if (!local.includes(id)) local = [...applied, id];
    }
    const gates = step.gates.map(groupOf);
    // Each group once (a list of a few: no Set per step).
    gates.forEach((g, n) => gates.indexOf(g) === n && gated[g].push(i));
    return { applied, local, gates };
  });
  unitStart[model.steps.length] = u;
  waitStart[u] = w;
  provideStart[u] = p;

  // Providers and waiters by fact, in model order, gathered from the flat lists once every fact is numbered.
  const providerStart = new Int32Array(facts.length + 1);
  for (let n = 0; n < provideCount; n++) providerStart[provideFacts[n] + 1]++;
  for (let id = 0; id < facts.length; id++) providerStart[id + 1] += providerStart[id];
  const providerUnits = new Int32Array(provideCount);
  const providerFill = providerStart.slice(0, facts.length);
  for (let n = 0; n < unitCount; n++) {
    for (let q = provideStart[n]; q < provideStart[n + 1]; q++) providerUnits[providerFill[provideFacts[q]]++] = n;
  }
  // A step is a fact's waiter once, however many of its waits name it.
  const lastWaiter = new Int32Array(facts.length).fill(-1);
  const waiterStart = new Int32Array(facts.length + 1);
  for (let n = 0; n < unitCount; n++) {
    for (let q = waitStart[n]; q < waitStart[n + 1]; q++) {
      const id = waitFacts[q];
      if (lastWaiter[id] !== unitStep[n]) (lastWaiter[id] = unitStep[n]), waiterStart[id + 1]++;
    }
  }
  for (let id = 0; id < facts.length; id++) waiterStart[id + 1] += waiterStart[id];
  const waiterSteps = new Int32Array(waiterStart[facts.length]);
  const waiterFill = waiterStart.slice(0, facts.length);
  lastWaiter.fill(-1);
  for (let n = 0; n < unitCount; n++) {
    for (let q = waitStart[n]; q < waitStart[n + 1]; q++) {
      const id = waitFacts[q];
      if (lastWaiter[id] !== unitStep[n]) (lastWaiter[id] = unitStep[n]), (waiterSteps[waiterFill[id]++] = unitStep[n]);
    }
  }
  const providersOf = (id: number): Provider[] => {
    const list: Provider[] = [];
    for (let q = providerStart[id]; q < providerStart[id + 1]; q++) {
      const n = providerUnits[q];
      const step = model.steps[unitStep[n]];
      list.push({ step, unit: step.units[n - unitStart[unitStep[n]]] });
    }
    return list;
  };

  // A key's parts: `<kind>:<name>@<cluster or *>` (facts.ts); a cluster name has no "@".
  const byKey = (key: string): number | undefined => {
    const colon = key.indexOf(':');
    const at = key.lastIndexOf('@');
    if (colon < 0 || at < colon) return undefined;
    const cluster = key.slice(at + 1);
    const kind = key.slice(0, colon) as Fact['kind'];
    const name = key.slice(colon + 1, at);
    let id: number | undefined;
    if (byNumber) {
      const fact = registry!.find(kind, name, cluster === '*' ? undefined : cluster);
      const n = fact ? byNumber[factNumber(fact, registry!)] : -1;
      id = n >= 0 ? n : undefined;
    } else id = find(kind, name, cluster === '*' ? undefined : cluster);
    return id !== undefined && factKey(facts[id]) === key ? id : undefined;
  };
  const prerequisite = new Uint8Array(facts.length);
  for (const key of model.prerequisites) {
    const id = byKey(key);
    if (id !== undefined) prerequisite[id] = 1;
  }
  const given = new Uint8Array(facts.length);
  facts.forEach((fact, id) => {
    if (prerequisite[id] === 1 || (providerStart[id] === providerStart[id + 1] && holdsWithoutProvider(fact))) given[id] = 1;
  });
  const groupClusters = groupMembers.map((members) => [...new Set(members.map((i) => model.steps[i].cluster))]);
  let providersByKey: Map<string, Provider[]> | undefined;
  return {
    facts,
    idOf: byKey,
    keyOf: (id) => factKey(facts[id]),
    providerStart,
    providerUnits,
    providersOf,
    get providersByKey() {
      if (!providersByKey) {
        providersByKey = new Map();
        for (let id = 0; id < facts.length; id++) if (providerStart[id] < providerStart[id + 1]) providersByKey.set(factKey(facts[id]), providersOf(id));
      }
      return providersByKey;
    },
    prerequisite,
    given,
    waiterStart,
    waiterSteps,
    steps,
    unitStart,
    unitStep,
    waitStart,
    waitFacts,
    waitApply,
    provideStart,
    provideFacts,
    stepIds,
    groupMembers,
    gated,
    groupClusters,
    memberOf,
  };
}
