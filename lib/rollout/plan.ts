// What `meshfleet plan` reports: the steps of each cluster in the order a first install completes
// them, what each waits on and who provides it; the first install again with the clusters coming
// up one at a time in rotations of the fleet order (each starting with another cluster, up to 12); and an upgrade
// from the previous output folder.
import { describeFact, factKey, PREREQUISITE_GROUPS, type Fact, type WaitStage } from './facts.ts';
import { holdsWithoutProvider } from './fact-index.ts';
import { describeBlocker, providerIndex, simulate, type SimulationResult } from './simulate.ts';
import type { RolloutModel, Step } from './steps.ts';
import type { RemovedLink, RetiredCluster } from './retire.ts';
import type { Upgrade } from './upgrade.ts';
import type { VersionChange } from './version-change.ts';

export interface PlannedWait {
  readonly fact: Fact;
  readonly stage: WaitStage;
  readonly text: string;
  /** Steps that provide it; empty: a prerequisite or something you provide. */
  readonly by: readonly string[];
}

export interface PlannedStep {
  readonly id: string;
  readonly component: string;
  readonly phase: string;
  /** How the engine orders it. */
  readonly order: string;
  readonly holds: boolean;
  /** What it waits on outside itself (engine order aside). */
  readonly waits: readonly PlannedWait[];
  /** Completion position in the first install, undefined when it does not complete. */
  readonly sequence?: number;
  readonly stuck?: readonly string[];
}

export interface PlannedCluster {
  readonly name: string;
  readonly environment: string;
  readonly engine: string;
  readonly steps: readonly PlannedStep[];
}

export interface PlanReport {
  readonly firstInstall: { readonly converged: boolean; readonly clusters: readonly PlannedCluster[] };
  /**
   * Clusters coming up one at a time: rotations checked; each step an object holds for a cluster not
   * up yet, and each cluster the engine's order holds for clusters not up yet, with every such cluster
   * seen in any rotation (one line each, so the report grows with the fleet, not with orders × arrivals).
   */
  readonly orders: { readonly checked: number; readonly heldByWait: readonly string[]; readonly heldByGate: readonly string[] };
  readonly upgrade?: {
    readonly converged: boolean;
    readonly changedSteps: readonly string[];
    readonly removedClusters: readonly string[];
    readonly addedClusters: readonly string[];
    /** Changed steps in the order the upgrade completes them. */
    readonly sequence: readonly string[];
    readonly stuck: readonly string[];
  };
  readonly operations?: PlannedOperations;
}

/** Staged operations read from the previous output: Linkerd version changes, unlinked and retired clusters. */
export interface PlannedOperations {
  readonly linkerdVersions: readonly VersionChange[];
  readonly removedLinks: readonly RemovedLink[];
  readonly retiredClusters: readonly RetiredCluster[];
}

/** Rotations checked at most (each is a full simulation); a larger fleet gets evenly spaced ones. */
const MAX_ROTATIONS = 12;

export function planReport(model: RolloutModel, upgrade?: Upgrade, operations?: PlannedOperations): PlanReport {
  const providers = providerIndex(model);
  const first = simulate(model, 'together');
  const stepsOf = new Map<string, Step[]>();
  for (const s of model.steps) {
    const list = stepsOf.get(s.cluster);
    if (list) list.push(s);
    else stepsOf.set(s.cluster, [s]);
  }
  const clusters = model.clusters.map((c): PlannedCluster => {
    const steps = stepsOf.get(c.name) ?? [];
    const planned = steps.map((step) => plannedStep(step, first, providers, model));
    planned.sort((a, b) => (a.sequence ?? Infinity) - (b.sequence ?? Infinity));
    return { name: c.name, environment: c.environment, engine: engineOf(steps[0]), steps: planned };
  });

  const names = model.clusters.map((c) => c.name);
  // Held step (through a wait) or cluster (through the engine's order) → the absent clusters that held it.
  const heldByWait = new Map<string, Set<string>>();
  const heldByGate = new Map<string, Set<string>>();
  const rotations = Math.min(names.length, MAX_ROTATIONS);
  for (let r = 0; r < rotations; r++) {
    const i = Math.floor((r * names.length) / rotations);
    const order = [...names.slice(i), ...names.slice(0, i)];
    for (const w of simulate(model, order).waitingOnAbsent) {
      const [held, key] = w.through === 'wait' ? [heldByWait, w.step] : [heldByGate, w.cluster];
      let absent = held.get(key);
      if (!absent) held.set(key, (absent = new Set()));
      for (const c of w.absent) absent.add(c);
    }
  }
  const lines = (held: Map<string, Set<string>>, suffix: string) => [...held].map(([key, absent]) => `${key} waits for ${[...absent].sort().join(', ')}${suffix}`).sort();

  let upgradeReport: PlanReport['upgrade'];
  if (upgrade) {
    const result = simulate(model, 'together', upgrade);
    const changed = new Set(upgrade.changedSteps);
    const sequence = [...result.outcomes.values()].filter((o) => changed.has(o.step.id) && o.sequence !== undefined).sort((a, b) => a.sequence! - b.sequence!).map((o) => o.step.id);
    upgradeReport = {
      converged: result.converged,
      changedSteps: upgrade.changedSteps,
      removedClusters: upgrade.removedClusters,
      addedClusters: upgrade.addedClusters,
      sequence,
      stuck: result.stuck.map((o) => `${o.step.id}: ${o.blockers.map((b) => describeBlocker(b, o.step.cluster)).join('; ')}`),
    };
  }
  return {
    firstInstall: { converged: first.converged, clusters },
    orders: { checked: rotations, heldByWait: lines(heldByWait, ' (an object waits on it)'), heldByGate: lines(heldByGate, '') },
    ...(upgradeReport ? { upgrade: upgradeReport } : {}),
    ...(operations && (operations.linkerdVersions.length || operations.removedLinks.length || operations.retiredClusters.length) ? { operations } : {}),
  };
}

function engineOf(step: Step | undefined): string {
  if (!step) return 'none';
  if (step.engine !== 'argocd') return step.engine;
  return step.order.startsWith('RollingSync') ? 'argocd ApplicationSet (RollingSync)' : 'argocd app-of-apps';
}

function plannedStep(step: Step, first: SimulationResult, providers: ReturnType<typeof providerIndex>, model: RolloutModel): PlannedStep {
  const own = new Set(step.units.flatMap((u) => u.provides.map((p) => factKey(p.fact))));
  const waits = new Map<string, PlannedWait>();
  for (const unit of step.units) {
    for (const wait of unit.waits) {
      const key = factKey(wait.fact);
      if (own.has(key) || waits.has(key) || (wait.fact.kind === 'namespace' && step.createsNamespace === wait.fact.name)) continue;
      // Prerequisites are stated once for the whole plan.
      if (wait.fact.kind === 'crd' && PREREQUISITE_GROUPS.has(wait.fact.name)) continue;
      const by = [...new Set((providers.get(key) ?? []).map((p) => p.step.id))];
      const text = describeFact(wait.fact, step.cluster) + (by.length ? ` (${by.join(', ')})` : sourceOf(wait.fact, model));
      waits.set(key, { fact: wait.fact, stage: wait.stage, text, by });
    }
  }
  const outcome = first.outcomes.get(step.id)!;
  return {
    id: step.id,
    component: step.component.name,
    phase: step.component.phase,
    order: step.order,
    holds: step.holds,
    waits: [...waits.values()],
    ...(outcome.sequence !== undefined ? { sequence: outcome.sequence } : { stuck: outcome.blockers.map((b) => describeBlocker(b, step.cluster)) }),
  };
}

function sourceOf(fact: Fact, model: RolloutModel): string {
  if (fact.kind === 'crd' && PREREQUISITE_GROUPS.has(fact.name)) return ' (prerequisite)';
  if (model.prerequisites.has(factKey(fact))) return ' (installed outside meshfleet)';
  return holdsWithoutProvider(fact) ? ' (you provide it)' : ' (nothing provides it)';
}

/** The report as text, for people. */
export function formatPlan(report: PlanReport): string {
  const lines: string[] = [];
  const { firstInstall, orders, upgrade } = report;
  const steps = firstInstall.clusters.reduce((n, c) => n + c.steps.length, 0);
  lines.push(`first install from empty clusters: ${firstInstall.clusters.length} cluster(s), ${steps} steps: ${firstInstall.converged ? 'converges' : 'DOES NOT CONVERGE'}`);
  lines.push(`(prerequisites on every cluster: cert-manager and External Secrets with their CRDs; [..] is how the engine orders a step)`);
  for (const cluster of firstInstall.clusters) {
    lines.push('', `${cluster.environment}/${cluster.name} (${cluster.engine})`);
    cluster.steps.forEach((step, i) => {
      lines.push(`  ${String(i + 1).padStart(2)}. ${step.id}  [${step.order}]`);
      for (const w of step.waits) lines.push(`        waits for ${w.text}`);
      for (const s of step.stuck ?? []) lines.push(`        STUCK: ${s}`);
    });
  }
  lines.push('', `clusters coming up one at a time (${orders.checked} orders, each starting with another cluster):`);
  for (const l of orders.heldByWait) lines.push(`  ERROR ${l}`);
  if (orders.heldByGate.length) lines.push(`  held only by the engine's order (app-of-apps waves, RollingSync steps and the environment rollout span clusters):`);
  for (const l of orders.heldByGate) lines.push(`    ${l}`);
  if (!orders.heldByWait.length) lines.push(`  no cluster's own mesh waits on an object of another cluster`);
  if (upgrade) {
    lines.push('', `upgrade from the previous output: ${upgrade.changedSteps.length} changed step(s)${upgrade.removedClusters.length ? `, removed clusters: ${upgrade.removedClusters.join(', ')}` : ''}${upgrade.addedClusters.length ? `, added clusters: ${upgrade.addedClusters.join(', ')}` : ''}: ${upgrade.converged ? 'converges' : 'DOES NOT CONVERGE'}`);
    upgrade.sequence.forEach((id, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${id}`));
    for (const s of upgrade.stuck) lines.push(`  STUCK: ${s}`);
  }
  if (report.operations) for (const l of formatOperations(report.operations)) lines.push(l);
  return lines.join('\n') + '\n';
}

function formatOperations(operations: PlannedOperations): string[] {
  const lines: string[] = [];
  for (const change of operations.linkerdVersions) {
    lines.push('', `Linkerd ${change.from} → ${change.to} on ${change.environment}/${change.cluster}: in this order, checking each step before the next`);
    change.steps.forEach((step, i) => {
      lines.push(`  ${i + 1}. ${step.component === 'data-plane' ? step.component : `${change.cluster}-${step.component}`}: ${step.does}`, `       check: ${step.check}`);
    });
  }
  for (const link of operations.removedLinks) {
    lines.push('', `link ${link.source} → ${link.target} removed: in this order`);
    link.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
    for (const o of link.outsideGit) lines.push(`  outside Git, delete: ${o}`);
  }
  for (const cluster of operations.retiredClusters) {
    lines.push('', `cluster ${cluster.environment}/${cluster.cluster} retired:`);
    cluster.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
    for (const o of cluster.outsideGit) lines.push(`  outside Git, delete: ${o}`);
  }
  return lines;
}
