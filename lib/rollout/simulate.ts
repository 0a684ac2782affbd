// A first install (or an upgrade) played out: clusters come up one after another in a given order;
// after each, every engine applies whatever its gates allow and every object becomes Ready as soon
// as what it waits on holds, until nothing moves. What is left is a deadlock (or waits on a cluster
// that is not there yet), explained by the waits and gates that hold it.
import { describeFact, type Fact, type Wait } from './facts.ts';
import type { Unit } from './component-waits.ts';
import { factIndex, type Provider } from './fact-index.ts';
import type { RolloutModel, Step } from './steps.ts';

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

/**
 * A step of a cluster that is up, held only by clusters that are not up yet. Reported after the
 * arrivals where the step moved or what it waits on changed (first at its own cluster's arrival):
 * in between, later arrivals only take clusters off `absent`, so these reports hold every cluster
 * that ever held it, at a cost that follows the sweeps instead of held steps × arrivals.
 */
export interface WaitingOnAbsent {
  readonly step: string;
  readonly cluster: string;
  /** Clusters up at the time: the first `arrived` of the order. */
  readonly arrived: number;
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

/** Fact key → the units that provide it, in model order. */
export function providerIndex(model: RolloutModel): ReadonlyMap<string, readonly Provider[]> {
  return factIndex(model).providersByKey;
}

/**
 * Plays the rollout. `order`: clusters in the order they come up (each runs as far as it can before
 * the next); "together": every cluster up from the start.
 */
export function simulate(model: RolloutModel, order: readonly string[] | 'together', start?: UpgradeStart): SimulationResult {
  // Facts and gate groups by number (fact-index.ts); a step's state by its model position `k`.
  const index = factIndex(model);
  const modelSteps = model.steps;
  const facts = new Uint8Array(index.facts.length);
  for (const key of start?.facts ?? []) {
    const id = index.idOf(key);
    if (id !== undefined) facts[id] = 1;
  }
  const given = index.given;
  const status: StepStatus[] = modelSteps.map((step) => ((start?.unchanged.has(step.id) ?? false) && !step.regates ? 'healthy' : 'pending'));
  // By unit number (fact-index.ts): its objects are Ready.
  const { unitStart, waitStart, waitFacts, waitApply, provideStart, provideFacts } = index;
  const ready = new Uint8Array(waitStart.length - 1);
  const sequence: (number | undefined)[] = [];
  const holds = (id: number) => facts[id] === 1 || given[id] === 1;
  const done = (k: number) => {
    const s = status[k];
    return s === 'healthy' || (s === 'applied' && !modelSteps[k].holds);
  };
  // Members not done yet, per gate group: counted down as steps finish, so a gate is O(1).
  const open = index.groupMembers.map((members) => members.filter((k) => !done(k)).length);
  const groupDone = (g: number) => open[g] === 0;
  const up = new Set<string>();
  const clusters = order === 'together' ? model.clusters.map((c) => c.name) : order;
  const arrival = new Map(clusters.map((c, i) => [c, i]));
  // Positions `i`: the steps in arrival order (a stable sort of the model order).
  const positions = modelSteps.map((_, k) => k).sort((a, b) => (arrival.get(modelSteps[a].cluster) ?? 0) - (arrival.get(modelSteps[b].cluster) ?? 0));
  const positionOf = new Int32Array(modelSteps.length);
  positions.forEach((k, i) => (positionOf[k] = i));
  const stepsOfCluster = new Map<string, number[]>();
  positions.forEach((k, i) => {
    const list = stepsOfCluster.get(modelSteps[k].cluster);
    if (list) list.push(i);
    else stepsOfCluster.set(modelSteps[k].cluster, [i]);
  });

  // The rules are played as sweeps over the steps in arrival order until a sweep changes nothing, as
  // an engine would; a step whose inputs did not change since its last visit would not move, so each
  // sweep visits only the steps marked since, in the same order (same outcome and sequence numbers),
  // and the cost follows the changes instead of steps × sweeps × arrivals. A step is marked again
  // only when a fact it waits on or a gate of it changes.
  // Flags by position, not sets: a step is marked once per sweep (the heap orders the next sweep's).
  const current = new MinHeap();
  const next: number[] = [];
  // Positions visited since the last arrival: the only steps whose hold on an up cluster can have changed.
  const touched: number[] = [];
  const wasTouched = new Uint8Array(modelSteps.length);
  const queued = new Uint8Array(modelSteps.length);
  const inNext = new Uint8Array(modelSteps.length);
  let at = -1;
  const mark = (i: number) => {
    if (i > at) {
      if (queued[i] === 0) (queued[i] = 1), current.push(i);
    } else if (inNext[i] === 0) (inNext[i] = 1), next.push(i);
  };
  const addFact = (id: number) => {
    if (facts[id] === 1) return;
    facts[id] = 1;
    for (let q = index.waiterStart[id]; q < index.waiterStart[id + 1]; q++) mark(positionOf[index.waiterSteps[q]]);
  };
  const counted = new Uint8Array(modelSteps.length);
  modelSteps.forEach((_, k) => (counted[k] = done(k) ? 1 : 0));
  const settle = (k: number) => {
    if (counted[k] === 1 || !done(k)) return;
    counted[k] = 1;
    for (const g of index.memberOf[k]) {
      if (--open[g] === 0) for (const j of index.gated[g]) mark(positionOf[j]);
    }
  };
  let healthyCount = 0;

  /** One visit of a step: what its engine and its objects do now. True when something changed. */
  const visit = (k: number): boolean => {
    const step = modelSteps[k];
    let changed = false;
    if (!up.has(step.cluster) || status[k] === 'healthy') return false;
    const own = index.steps[k];
    if (status[k] === 'pending') {
      if (!own.gates.every(groupDone)) return false;
      // Namespaces and CRDs of the step itself go first (Argo CD sorts by kind, Flux applies them
      // in a first stage, Helm installs crds/ first), and the engine creates its namespace.
      const local = own.local;
      for (let w = waitStart[unitStart[k]]; w < waitStart[unitStart[k + 1]]; w++) {
        if (waitApply[w] === 1 && !holds(waitFacts[w]) && !local.includes(waitFacts[w])) return false;
      }
      status[k] = 'applied';
      settle(k);
      for (const id of local) addFact(id);
      changed = true;
    }
    let all = true;
    for (let u = unitStart[k]; u < unitStart[k + 1]; u++) {
      if (ready[u] === 1) continue;
      let waiting = false;
      for (let w = waitStart[u]; w < waitStart[u + 1]; w++) {
        if (waitApply[w] === 0 && !holds(waitFacts[w])) {
          waiting = true;
          break;
        }
      }
      if (waiting) {
        all = false;
        continue;
      }
      ready[u] = 1;
      for (let p = provideStart[u]; p < provideStart[u + 1]; p++) addFact(provideFacts[p]);
      changed = true;
    }
    if (all) {
      status[k] = 'healthy';
      settle(k);
      sequence[k] = ++healthyCount;
      changed = true;
    }
    return changed;
  };

  const run = () => {
    while (current.size || next.length) {
      if (!current.size) {
        for (const i of next) (inNext[i] = 0), (queued[i] = 1), current.push(i);
        next.length = 0;
        at = -1;
      }
      while (current.size) {
        at = current.pop()!;
        queued[at] = 0;
        if (wasTouched[at] === 0) (wasTouched[at] = 1), touched.push(at);
        // A step that moved is visited again in the next sweep, as the engine would.
        if (visit(positions[at]) && inNext[at] === 0) (inNext[at] = 1), next.push(at);
      }
      at = -1;
    }
  };

  const waitingOnAbsent: WaitingOnAbsent[] = [];
  // For absentInGroups: clusters numbered in name order, which of them are up, each group's numbers when first asked.
  const sortedClusters = [...new Set([...clusters, ...modelSteps.map((s) => s.cluster)])].sort();
  const rankOf = new Map(sortedClusters.map((c, r) => [c, r]));
  const upByRank = new Uint8Array(sortedClusters.length);
  const seen = new Int32Array(sortedClusters.length);
  const found = new Int32Array(sortedClusters.length);
  let stamp = 0;
  const groupRanks: (Int32Array | undefined)[] = [];
  const arrive = (cluster: string) => {
    up.add(cluster);
    upByRank[rankOf.get(cluster)!] = 1;
  };
  if (order === 'together') clusters.forEach(arrive);
  for (const cluster of order === 'together' ? clusters.slice(-1) : clusters) {
    arrive(cluster);
    for (const i of order === 'together' ? positions.keys() : stepsOfCluster.get(cluster) ?? []) mark(i);
    run();
    if (up.size === clusters.length) break;
    // Holding steps of up clusters, not healthy, visited since the last arrival (the arriving
    // cluster's steps are among them), in model order.
    const held: number[] = [];
    for (const i of touched) {
      wasTouched[i] = 0;
      const k = positions[i];
      if (modelSteps[k].holds && status[k] !== 'healthy' && up.has(modelSteps[k].cluster)) held.push(k);
    }
    touched.length = 0;
    held.sort((a, b) => a - b);
    // Steps of one wave share their closed gates: the absent clusters behind them are found once per arrival.
    const behindGates = new Map<string, string[]>();
    for (const k of held) {
      const step = modelSteps[k];
      const absent = absentBehind(k, behindGates);
      if (absent.clusters.length) waitingOnAbsent.push({ step: step.id, cluster: step.cluster, arrived: up.size, through: absent.through, absent: absent.clusters });
    }
  }

  function blockersOf(k: number): Blocker[] {
    const s = status[k];
    if (s === 'healthy') return [];
    const own = index.steps[k];
    const out: Blocker[] = [];
    if (s === 'pending') {
      const closed = own.gates.filter((g) => !groupDone(g)).flatMap((g) => index.groupMembers[g].filter((j) => !done(j)).map((j) => modelSteps[j].id));
      if (closed.length) return [{ kind: 'gate', steps: [...new Set(closed)] }];
    }
    modelSteps[k].units.forEach((unit, i) => {
      const u = index.unitStart[k] + i;
      if (ready[u] === 1) return;
      unit.waits.forEach((wait, j) => {
        const id = waitFacts[waitStart[u] + j];
        if ((s === 'pending') !== (waitApply[waitStart[u] + j] === 1) || holds(id)) return;
        if (s === 'pending' && own.applied.includes(id)) return;
        out.push({ kind: wait.stage, unit, fact: wait.fact, providers: index.providersOf(id).map((p) => p.step.id) });
      });
    });
    return out;
  }

  /**
   * Clusters not up that hold a step directly: through a wait (an object waits on a fact only they
   * provide) or a gate (the engine orders the step after their steps). A step held by a step of a
   * cluster that is up is reported through that one.
   */
  function absentBehind(k: number, behindGates: Map<string, string[]>): { through: 'wait' | 'gate'; clusters: string[] } {
    const gates = index.steps[k].gates;
    if (status[k] === 'pending' && !gates.every(groupDone)) {
      const closed = gates.filter((g) => !groupDone(g));
      const key = closed.join(',');
      let clusters = behindGates.get(key);
      if (!clusters) {
        clusters = absentInGroups(closed);
        behindGates.set(key, clusters);
      }
      return { through: 'gate', clusters };
    }
    const byWait = new Set<string>();
    for (const b of blockersOf(k)) {
      const clusters = b.providers!.map((id) => modelSteps[index.stepIds.get(id)!].cluster);
      if (clusters.length && clusters.every((c) => !up.has(c))) clusters.forEach((c) => byWait.add(c));
    }
    return { through: 'wait', clusters: [...byWait].sort() };
  }

  /**
   * The clusters of some gate groups that are not up, sorted. Asked for about every held step of an
   * arrival, with groups spanning an environment: clusters by number in name order, so the list is
   * gathered and sorted without a Set, a filter or a string comparison per cluster.
   */
  function absentInGroups(groups: readonly number[]): string[] {
    let count = 0;
    stamp++;
    for (const g of groups) {
      const ranks = (groupRanks[g] ??= Int32Array.from(index.groupClusters[g], (c) => rankOf.get(c)!));
      for (let i = 0; i < ranks.length; i++) {
        const r = ranks[i];
        if (seen[r] === stamp || upByRank[r] === 1) continue;
        seen[r] = stamp;
        found[count++] = r;
      }
    }
    // A typed array sorts numerically without a comparator call per comparison.
    const sorted = found.subarray(0, count).sort();
    const names = new Array<string>(count);
    for (let i = 0; i < count; i++) names[i] = sortedClusters[sorted[i]];
    return names;
  }

  const outcomes = new Map<string, StepOutcome>();
  modelSteps.forEach((step, k) => outcomes.set(step.id, { step, status: status[k], sequence: sequence[k], blockers: blockersOf(k) }));
  const stuck = [...outcomes.values()].filter((o) => o.status !== 'healthy' && up.has(o.step.cluster));
  return { converged: stuck.length === 0 && up.size === new Set(modelSteps.map((s) => s.cluster)).size, outcomes, stuck, waitingOnAbsent };
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
  const { stepIds } = factIndex(model);
  const seen = new Set<string>();
  const queue = [later.id];
  while (queue.length) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const g of model.steps[stepIds.get(id)!].gates) {
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
