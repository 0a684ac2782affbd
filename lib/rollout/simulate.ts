// A first install (or an upgrade) played out: clusters come up one after another in a given order;
// after each, every engine applies whatever its gates allow and every object becomes Ready as soon
// as what it waits on holds, until nothing moves. What is left is a deadlock (or waits on a cluster
// that is not there yet), explained by the waits and gates that hold it.
import { describeFact, factKey, PREREQUISITE_GROUPS, type Fact, type Wait } from './facts.ts';
import type { Unit } from './component-waits.ts';
import type { RolloutModel, Step } from './steps.ts';

export interface Provider {
  readonly step: Step;
  readonly unit: Unit;
}

export interface UpgradeStart {
  /** Facts that hold before the upgrade (the previous output, converged). */
  readonly facts: ReadonlySet<string>;
  /** Steps whose content did not change: healthy from the start, unless their engine re-gates. */
  readonly unchanged: ReadonlySet<string>;
}

export type StepStatus = 'healthy' | 'applied' | 'pending';

/** Why a step is not done. */
export interface Blocker {
  readonly kind: 'gate' | 'apply' | 'ready';
  /** gate: the steps that hold it; apply/ready: the unit and the fact it waits on. */
  readonly steps?: readonly string[];
  readonly unit?: Unit;
  readonly fact?: Fact;
  /** Steps that would provide the fact. */
  readonly providers?: readonly string[];
}

export interface StepOutcome {
  readonly step: Step;
  readonly status: StepStatus;
  /** Position in the order steps became healthy (1-based), when they did. */
  readonly sequence?: number;
  readonly blockers: readonly Blocker[];
}

/** A step of a cluster that is up, held only by a cluster that is not up yet. */
export interface WaitingOnAbsent {
  readonly step: string;
  readonly cluster: string;
  /** Clusters up at the time. */
  readonly up: readonly string[];
  /** "wait": an object waits on a fact of the absent cluster; "gate": the engine orders it after that cluster's steps. */
  readonly through: 'wait' | 'gate';
  readonly absent: readonly string[];
}

export interface SimulationResult {
  readonly converged: boolean;
  readonly outcomes: ReadonlyMap<string, StepOutcome>;
  /** Steps stuck once every cluster is up: each with the cycle or the wait that holds it. */
  readonly stuck: readonly StepOutcome[];
  readonly waitingOnAbsent: readonly WaitingOnAbsent[];
}

export function providerIndex(model: RolloutModel): Map<string, Provider[]> {
  const index = new Map<string, Provider[]>();
  for (const step of model.steps) {
    for (const unit of step.units) {
      for (const p of unit.provides) {
        const key = factKey(p.fact);
        const list = index.get(key);
        if (list) list.push({ step, unit });
        else index.set(key, [{ step, unit }]);
      }
    }
  }
  return index;
}

/**
 * Facts no step provides that hold anyway, as prerequisites: cert-manager's and External Secrets'
 * CRDs, and what you put in place (a store key, the trust anchor Secret of trust.issuer.type
 * secret, a ClusterIssuer of your own). Namespaces, webhooks and other CRDs must be delivered.
 */
export function holdsWithoutProvider(fact: Fact): boolean {
  return (fact.kind === 'crd' && PREREQUISITE_GROUPS.has(fact.name)) || fact.kind === 'store-key' || fact.kind === 'secret' || fact.kind === 'ready';
}

/**
 * Plays the rollout. `order`: clusters in the order they come up (each runs as far as it can before
 * the next); "together": every cluster up from the start.
 */
export function simulate(model: RolloutModel, order: readonly string[] | 'together', start?: UpgradeStart, providers: ReadonlyMap<string, readonly Provider[]> = providerIndex(model)): SimulationResult {
  const facts = new Set<string>(start?.facts ?? []);
  const status = new Map<string, StepStatus>();
  const ready = new Map<string, boolean[]>();
  const sequence = new Map<string, number>();
  const byId = new Map(model.steps.map((s) => [s.id, s]));
  for (const step of model.steps) {
    const unchanged = start?.unchanged.has(step.id) ?? false;
    status.set(step.id, unchanged && !step.regates ? 'healthy' : 'pending');
    ready.set(step.id, step.units.map(() => false));
  }
  const holds = (fact: Fact) => {
    const key = factKey(fact);
    return facts.has(key) || model.prerequisites.has(key) || (holdsWithoutProvider(fact) && !providers.has(key));
  };
  const done = (id: string) => {
    const s = status.get(id)!;
    return s === 'healthy' || (s === 'applied' && !byId.get(id)!.holds);
  };
  // Members not done yet, per gate group: counted down as steps finish, so a gate is O(1).
  const open = new Map<string, number>();
  const memberOf = new Map<string, string[]>();
  for (const [group, members] of model.groups) {
    open.set(group, members.filter((id) => !done(id)).length);
    for (const id of members) {
      const list = memberOf.get(id);
      if (list) list.push(group);
      else memberOf.set(id, [group]);
    }
  }
  const groupClusters = new Map([...model.groups].map(([g, members]) => [g, [...new Set(members.map((id) => byId.get(id)!.cluster))]]));
  const groupDone = (group: string) => (open.get(group) ?? 0) === 0;
  const up = new Set<string>();
  const clusters = order === 'together' ? model.clusters.map((c) => c.name) : order;
  const arrival = new Map(clusters.map((c, i) => [c, i]));
  const steps = [...model.steps].sort((a, b) => (arrival.get(a.cluster) ?? 0) - (arrival.get(b.cluster) ?? 0));
  // Who looks at what: a step is visited again only when a fact it waits on or a gate of it changes.
  const waiters = new Map<string, number[]>();
  const gated = new Map<string, number[]>();
  const addTo = (index: Map<string, number[]>, key: string, i: number) => {
    const list = index.get(key);
    if (!list) index.set(key, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  steps.forEach((step, i) => {
    for (const unit of step.units) for (const w of unit.waits) addTo(waiters, factKey(w.fact), i);
    for (const g of step.gates) addTo(gated, g, i);
  });
  const stepsOfCluster = new Map<string, number[]>();
  steps.forEach((step, i) => addTo(stepsOfCluster, step.cluster, i));

  // The rules are played as sweeps over the steps in arrival order until a sweep changes nothing, as
  // an engine would; a step whose inputs did not change since its last visit would not move, so each
  // sweep visits only the steps marked since, in the same order (same outcome and sequence numbers),
  // and the cost follows the changes instead of steps × sweeps × arrivals.
  let current = new MinHeap();
  let next = new Set<number>();
  const queued = new Set<number>();
  let at = -1;
  const mark = (i: number) => {
    if (i > at) {
      if (!queued.has(i)) (queued.add(i), current.push(i));
    } else next.add(i);
  };
  const addFact = (key: string) => {
    if (facts.has(key)) return;
    facts.add(key);
    for (const i of waiters.get(key) ?? []) mark(i);
  };
  const counted = new Set(model.steps.filter((s) => done(s.id)).map((s) => s.id));
  const settle = (id: string) => {
    if (counted.has(id) || !done(id)) return;
    counted.add(id);
    for (const group of memberOf.get(id) ?? []) {
      const left = open.get(group)! - 1;
      open.set(group, left);
      if (left === 0) for (const i of gated.get(group) ?? []) mark(i);
    }
  };
  let healthyCount = 0;

  /** One visit of a step: what its engine and its objects do now. True when something changed. */
  const visit = (step: Step): boolean => {
    let changed = false;
    if (!up.has(step.cluster) || status.get(step.id) === 'healthy') return false;
    if (status.get(step.id) === 'pending') {
      if (!step.gates.every(groupDone)) return false;
      // Namespaces and CRDs of the step itself go first (Argo CD sorts by kind, Flux applies them
      // in a first stage, Helm installs crds/ first), and the engine creates its namespace.
      const local = new Set(step.units.flatMap((u) => u.provides.filter((p) => p.stage === 'applied').map((p) => factKey(p.fact))));
      if (step.createsNamespace) local.add(factKey({ kind: 'namespace', name: step.createsNamespace, cluster: step.cluster }));
      const blocked = step.units.some((u) => u.waits.some((w) => w.stage === 'apply' && !holds(w.fact) && !local.has(factKey(w.fact))));
      if (blocked) return false;
      status.set(step.id, 'applied');
      settle(step.id);
      for (const key of local) addFact(key);
      changed = true;
    }
    const flags = ready.get(step.id)!;
    step.units.forEach((unit, i) => {
      if (flags[i] || !unit.waits.every((w) => w.stage === 'apply' || holds(w.fact))) return;
      flags[i] = true;
      for (const p of unit.provides) addFact(factKey(p.fact));
      changed = true;
    });
    if (flags.every(Boolean)) {
      status.set(step.id, 'healthy');
      settle(step.id);
      sequence.set(step.id, ++healthyCount);
      changed = true;
    }
    return changed;
  };

  const run = () => {
    while (current.size || next.size) {
      if (!current.size) {
        for (const i of next) (queued.add(i), current.push(i));
        next = new Set();
        at = -1;
      }
      while (current.size) {
        at = current.pop()!;
        queued.delete(at);
        // A step that moved is visited again in the next sweep, as the engine would.
        if (visit(steps[at])) next.add(at);
      }
      at = -1;
      current = new MinHeap();
    }
  };

  // Steps of up clusters that hold the rest and are not healthy yet: the candidates for waitingOnAbsent.
  const held = new Set<number>();
  const fleetOrder = new Map(model.steps.map((s, i) => [s.id, i]));
  const waitingOnAbsent: WaitingOnAbsent[] = [];
  if (order === 'together') for (const c of clusters) up.add(c);
  for (const cluster of order === 'together' ? clusters.slice(-1) : clusters) {
    up.add(cluster);
    for (const i of order === 'together' ? steps.keys() : stepsOfCluster.get(cluster) ?? []) {
      mark(i);
      if (steps[i].holds) held.add(i);
    }
    run();
    if (up.size === clusters.length) break;
    let upNow: string[] | undefined;
    // Steps of one wave share their closed gates: the absent clusters behind them are found once per arrival.
    const behindGates = new Map<string, string[]>();
    for (const i of held) if (status.get(steps[i].id) === 'healthy') held.delete(i);
    for (const i of [...held].sort((a, b) => fleetOrder.get(steps[a].id)! - fleetOrder.get(steps[b].id)!)) {
      const step = steps[i];
      const absent = absentBehind(step, (c) => up.has(c), behindGates);
      if (absent.clusters.length) waitingOnAbsent.push({ step: step.id, cluster: step.cluster, up: (upNow ??= [...up]), through: absent.through, absent: absent.clusters });
    }
  }

  function blockersOf(step: Step): Blocker[] {
    const s = status.get(step.id)!;
    if (s === 'healthy') return [];
    const out: Blocker[] = [];
    if (s === 'pending') {
      const closed = step.gates.filter((g) => !groupDone(g)).flatMap((g) => (model.groups.get(g) ?? []).filter((id) => !done(id)));
      if (closed.length) return [{ kind: 'gate', steps: [...new Set(closed)] }];
    }
    step.units.forEach((unit, i) => {
      if (ready.get(step.id)![i]) return;
      for (const w of unit.waits) {
        if ((s === 'pending') !== (w.stage === 'apply') || holds(w.fact)) continue;
        if (s === 'pending' && step.units.some((u) => u.provides.some((p) => p.stage === 'applied' && factKey(p.fact) === factKey(w.fact)))) continue;
        out.push({ kind: w.stage, unit, fact: w.fact, providers: (providers.get(factKey(w.fact)) ?? []).map((p) => p.step.id) });
      }
    });
    return out;
  }

  /**
   * Clusters not up that hold a step directly: through a wait (an object waits on a fact only they
   * provide) or a gate (the engine orders the step after their steps). A step held by a step of a
   * cluster that is up is reported through that one.
   */
  function absentBehind(step: Step, isUp: (c: string) => boolean, behindGates = new Map<string, string[]>()): { through: 'wait' | 'gate'; clusters: string[] } {
    if (status.get(step.id) === 'pending' && !step.gates.every(groupDone)) {
      const closed = step.gates.filter((g) => !groupDone(g));
      const key = closed.join('\n');
      let clusters = behindGates.get(key);
      if (!clusters) {
        clusters = [...new Set(closed.flatMap((g) => groupClusters.get(g) ?? []).filter((c) => !isUp(c)))].sort();
        behindGates.set(key, clusters);
      }
      return { through: 'gate', clusters };
    }
    const byWait = new Set<string>();
    for (const b of blockersOf(step)) {
      const clusters = b.providers!.map((id) => byId.get(id)!.cluster);
      if (clusters.length && clusters.every((c) => !isUp(c))) clusters.forEach((c) => byWait.add(c));
    }
    return { through: 'wait', clusters: [...byWait].sort() };
  }

  const outcomes = new Map<string, StepOutcome>();
  for (const step of model.steps) outcomes.set(step.id, { step, status: status.get(step.id)!, sequence: sequence.get(step.id), blockers: blockersOf(step) });
  const stuck = [...outcomes.values()].filter((o) => o.status !== 'healthy' && up.has(o.step.cluster));
  return { converged: stuck.length === 0 && up.size === new Set(model.steps.map((s) => s.cluster)).size, outcomes, stuck, waitingOnAbsent };
}

/** One line for a blocker, for people. */
export function describeBlocker(blocker: Blocker, from: string): string {
  if (blocker.kind === 'gate') return `gated behind ${listOf(blocker.steps!)}`;
  const by = blocker.providers!.length ? `provided by ${listOf(blocker.providers!)}` : 'which nothing provides';
  return `${blocker.unit!.id} waits for ${describeFact(blocker.fact!, from)} (${by})`;
}

function listOf(items: readonly string[]): string {
  return items.length > 3 ? `${items.slice(0, 3).join(', ')} and ${items.length - 3} more` : items.join(', ');
}

/** Whether `later` can only start after `step` is done (through gates, transitively). */
export function gatedAfter(model: RolloutModel, later: Step, step: Step): boolean {
  const byId = new Map(model.steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const queue = [later.id];
  while (queue.length) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const g of byId.get(id)!.gates) {
      for (const member of model.groups.get(g) ?? []) {
        if (member === step.id) return true;
        queue.push(member);
      }
    }
  }
  return false;
}

export type { Wait };

/** A binary min-heap of step positions: the steps marked for the sweep under way, visited in order. */
class MinHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(value: number): void {
    const items = this.items;
    let i = items.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= value) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = value;
  }
  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length && last !== undefined) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= items.length) break;
        const r = l + 1;
        const c = r < items.length && items[r] < items[l] ? r : l;
        if (items[c] >= last) break;
        items[i] = items[c];
        i = c;
      }
      items[i] = last;
    }
    return top;
  }
}
