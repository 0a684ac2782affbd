// The rollout rules synth enforces: every wait can be satisfied, nothing that waits on another
// cluster holds the cluster's own mesh, and a first install of the whole fleet converges. One
// diagnostic per root cause, at the cluster's place in the fleet document.
import { error, type Diagnostic } from '../model/diagnostics.ts';
import { factIndex, holdsWithoutProvider, type Provider } from './fact-index.ts';
import { describeFact, PREREQUISITE_GROUPS, type Fact } from './facts.ts';
import { waitsOnPeer } from './object-waits.ts';
import { describeBlocker, gatedAfter, simulate, type SimulationResult } from './simulate.ts';
import type { RolloutModel, Step } from './steps.ts';

export interface RolloutCheckOptions {
  /** Link credentials' store keys are pushed by the target clusters (credentials.pushSecret, default true). */
  readonly peersPush: boolean;
}

export function rolloutDiagnostics(model: RolloutModel, options: RolloutCheckOptions): Diagnostic[] {
  // Facts by number, shared with the simulation below (fact-index.ts).
  const index = factIndex(model);
  const { unitStart, unitStep, waitStart, waitFacts, providerStart, providerUnits } = index;
  const pathOf = new Map(model.clusters.map((c) => [c.name, c.path]));
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  const once = (key: string, d: Diagnostic) => {
    if (!reported.has(key)) (reported.add(key), out.push(d));
  };
  // Whether a step of the cluster provides the fact.
  const providedOn = (id: number, cluster: string) => {
    for (let q = providerStart[id]; q < providerStart[id + 1]; q++) if (model.steps[unitStep[providerUnits[q]]].cluster === cluster) return true;
    return false;
  };

  // Over the index's flat lists (~155,000 waits at 1000 clusters); a unit and its wait are read only to report one.
  for (let k = 0; k < model.steps.length; k++) {
    const step = model.steps[k];
    for (let u = unitStart[k]; u < unitStart[k + 1]; u++) {
      for (let w = waitStart[u]; w < waitStart[u + 1]; w++) {
        const id = waitFacts[w];
        const provided = providerStart[id] < providerStart[id + 1];
        if (provided && !(step.holds && !providedOn(id, step.cluster))) continue;
        const unit = step.units[u - unitStart[k]];
        const wait = unit.waits[w - waitStart[u]];
        const at = pathOf.get(step.cluster) ?? '/spec/clusters';
        if (!provided) {
          if (satisfiedWithout(step, wait.fact, index.prerequisite[id] === 1)) continue;
          if (holdsWithoutProvider(wait.fact) && !(wait.fact.kind === 'store-key' && options.peersPush && unit.object && waitsOnPeer(unit.object))) continue;
          once(`never:${index.keyOf(id)}`, error('MF7101', at, `${unit.id} (${unit.file}) waits for ${describeFact(wait.fact, step.cluster)}, which nothing delivered to ${step.cluster} provides: it would never be applied or Ready`, fixFor(wait.fact, step)));
        } else {
          once(`cross:${step.id}`, error('MF7102', at, `${unit.id} (${unit.file}) on ${step.cluster} waits for ${describeFact(wait.fact, step.cluster)} from ${clustersOf(index.providersOf(id))}, and its step ${step.id} holds the rest of ${step.cluster} (${step.order}): a cluster's own mesh would wait for another cluster`, 'this is a meshfleet defect (objects that wait on another cluster go to the link-credentials step, which holds nothing); please report it with the fleet file'));
        }
      }
    }
  }
  if (out.length) return out;
  return deadlocks(model, simulate(model, 'together'), pathOf);
}

/** Deadlocks of a first install: for each cluster, the first stuck step and the cycle that holds it. */
export function deadlocks(model: RolloutModel, result: SimulationResult, pathOf: ReadonlyMap<string, string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const byId = new Map(model.steps.map((s) => [s.id, s]));
  for (const outcome of result.stuck) {
    if (seen.has(outcome.step.cluster)) continue;
    const waits = outcome.blockers.filter((b) => b.kind !== 'gate');
    if (!waits.length) continue;
    seen.add(outcome.step.cluster);
    // The wait whose provider comes only after this step is the root cause; report that one.
    const cycleOf = (b: (typeof waits)[number]) => b.providers!.map((id) => byId.get(id)!).find((p) => gatedAfter(model, p, outcome.step));
    const cause = waits.find(cycleOf) ?? waits[0];
    const cycle = cycleOf(cause);
    const why = cycle ? `, but ${cycle.id} is applied only after ${outcome.step.id} is healthy (${cycle.order}): a deadlock` : '';
    out.push(
      error('MF7103',
        pathOf.get(outcome.step.cluster) ?? '/spec/clusters',
        `first install of ${outcome.step.cluster} never converges: step ${outcome.step.id}: ${describeBlocker(cause, outcome.step.cluster)}${why}`,
        cycle ? 'this is a meshfleet defect (an object is delivered before the component that makes what it waits for); please report it with the fleet file' : 'make sure the fact can be provided (see `meshfleet plan`)',
      ),
    );
  }
  return out;
}

function satisfiedWithout(step: Step, fact: Fact, prerequisite: boolean): boolean {
  if (fact.kind === 'crd' && PREREQUISITE_GROUPS.has(fact.name)) return true;
  if (prerequisite) return true;
  return fact.kind === 'namespace' && step.createsNamespace === fact.name;
}

function clustersOf(providers: readonly Provider[]): string {
  return [...new Set(providers.map((p) => p.step.cluster))].sort().join(', ');
}

function fixFor(fact: Fact, step: Step): string {
  switch (fact.kind) {
    case 'namespace':
      return `create namespace ${fact.name} on ${step.cluster} before ${step.id} is applied (declare it in the fleet, e.g. as an application namespace, or have your platform create it)`;
    case 'store-key':
      return `push ${fact.name} from the target cluster (credentials.pushSecret: true), or put it in the store yourself and set credentials.pushSecret: false`;
    case 'crd':
      return `install the CRDs of ${fact.name} on ${step.cluster} before meshfleet's components`;
    default:
      return `provide ${describeFact(fact)} on ${step.cluster}`;
  }
}
