// How each engine gates what meshfleet delivers, as steps: one per Argo CD Application or Flux
// Kustomization, each opened by gate groups that must all be healthy first.
// - Argo CD app-of-apps: the environment root syncs its child Applications wave by wave and moves on
//   when every Application of a wave is Healthy (docs: user-guide/sync-waves; the argocd-cm check for
//   Applications makes their health visible, lib/constructs/delivery/argocd/argocd-settings.ts). The fleet root
//   orders the environment roots by their waves the same way.
// - Argo CD ApplicationSet RollingSync: a step's Applications sync when every Application of the
//   previous steps is Healthy (docs: operator-manual/applicationset/Progressive-Syncs).
// - Flux: a Kustomization reconciles when every Kustomization in its dependsOn is Ready at the
//   source's revision; with `wait: true` it is Ready only when kstatus finds every applied object
//   Current (kstatus: a Ready condition decides, True is Current, anything else InProgress).
// An Application or a Kustomization is healthy when its objects are: Argo CD's built-in checks
// (resource_customizations/cert-manager.io/{Certificate,Issuer,ClusterIssuer}/health.lua and
// external-secrets.io/{ExternalSecret,PushSecret}/health.lua in argoproj/argo-cd) report Degraded
// on Ready=False and Progressing without status, so both engines need these objects Ready.
import { previousPhaseComponents, type Component } from '../constructs/delivery/components.ts';
import { gates, syncWaveOf, PHASES } from '../constructs/delivery/phases.ts';
import { stepName } from '../constructs/delivery/flux/cluster-steps.ts';
import { environmentKustomizationName } from '../constructs/delivery/flux/environment-kustomizations.ts';
import { environmentRootName } from '../constructs/delivery/argocd/environment-root.ts';
import type { EnvironmentDelivery, FleetDelivery } from '../resolve/delivery.ts';
import type { RenderedCluster } from '../output/rendered-cluster.ts';
import { componentUnits, GATEWAY_API_GROUPS, type Unit } from './component-waits.ts';
import { FactRegistry, factKey } from './facts.ts';

export type StepEngine = 'argocd' | 'flux' | 'none';

export interface Step {
  /** The Application or Kustomization name (`<cluster>-<component>`). */
  readonly id: string;
  readonly cluster: string;
  readonly environment: string;
  readonly engine: StepEngine;
  readonly component: Component;
  readonly units: readonly Unit[];
  /** Gate groups that must all be healthy before the engine applies this step. */
  readonly gates: readonly string[];
  /** How the engine orders it, for people. */
  readonly order: string;
  /** Its health holds what comes after it; false: counted healthy once applied. */
  readonly holds: boolean;
  /** The namespace the engine creates for it (Argo CD CreateNamespace=true, HelmRelease createNamespace). */
  readonly createsNamespace?: string;
  /** On a new revision it waits for its gates again (Flux dependsOn reads the revision), not only when changed. */
  readonly regates: boolean;
}

export interface RolloutModel {
  readonly steps: readonly Step[];
  /** Gate group → the steps in it. */
  readonly groups: ReadonlyMap<string, readonly string[]>;
  /**
   * Facts that hold without a step, per cluster: the Gateway API CRDs of a cluster whose bundle is
   * installed outside meshfleet (gatewayAPI mode external, or a legacy copy not yet adopted).
   */
  readonly prerequisites: ReadonlySet<string>;
  /** Clusters in fleet order, with their environment. */
  readonly clusters: readonly { readonly name: string; readonly environment: string; readonly path: string }[];
  /** Where its units' facts come from, one Fact per fact key (absent from a model made otherwise). */
  readonly facts?: FactRegistry;
}

export interface RolloutInput {
  readonly delivery: FleetDelivery;
  readonly rendered: readonly RenderedCluster[];
  readonly components: ReadonlyMap<string, readonly Component[]>;
  readonly fleetName: string;
}

export function rolloutModel(input: RolloutInput): RolloutModel {
  const steps: Step[] = [];
  const groups = new Map<string, string[]>();
  const registry = new FactRegistry();
  const join = (group: string, id: string) => {
    const members = groups.get(group);
    if (members) members.push(id);
    else groups.set(group, [id]);
  };
  // Indexed once: a 1000-cluster fleet has ~45,000 steps, so nothing below may scan the fleet per step.
  const clustersByEnv = new Map<string, (typeof input.rendered)[number][]>();
  for (const r of input.rendered) {
    const list = clustersByEnv.get(r.cluster.environment);
    if (list) list.push(r);
    else clustersByEnv.set(r.cluster.environment, [r]);
  }
  const byEnv = (env: string) => clustersByEnv.get(env) ?? [];
  const wavesByEnv = new Map<string, number[]>();
  const wavesOf = (env: string) => {
    let waves = wavesByEnv.get(env);
    if (!waves) {
      waves = [...new Set(byEnv(env).flatMap((o) => input.components.get(o.cluster.name)!.map((c) => syncWaveOf(c.phase))))];
      wavesByEnv.set(env, waves);
    }
    return waves;
  };

  // Argo CD app-of-apps environments, by the wave of their root in the fleet root.
  const rootWave = (env: EnvironmentDelivery) => env.rolloutIndex ?? 0;
  const appOfApps = input.delivery.environments.filter((e) => e.engine === 'argocd' && e.argocd.generator === 'app-of-apps');
  // One ApplicationSet holds every list/clusters environment, in this order.
  const rolling = input.delivery.environments.filter((e) => e.engine === 'argocd' && e.argocd.generator !== 'app-of-apps');
  const rollingSteps: string[] = [];
  for (const env of rolling) {
    for (const phase of PHASES) if (gates(phase) && byEnv(env.environment).some((r) => input.components.get(r.cluster.name)!.some((c) => c.phase === phase))) rollingSteps.push(`${env.environment}/${phase}`);
  }
  for (const phase of PHASES) if (!gates(phase) && rolling.some((env) => byEnv(env.environment).some((r) => input.components.get(r.cluster.name)!.some((c) => c.phase === phase)))) rollingSteps.push(`*/${phase}`);
  // Flux environments chained in rollout order.
  const fluxChain = input.delivery.environments.filter((e) => e.engine === 'flux' && e.rolloutIndex !== undefined);

  // The gate groups, group names and order of a wave or a RollingSync step are every cluster's of
  // the environment: made once, not per step (the lists and names are never changed).
  type Shared = { readonly group: string; readonly root: string; readonly gates: string[]; readonly order: string };
  const waves = new Map<EnvironmentDelivery, Map<number, Shared>>();
  const sharedWave = (env: EnvironmentDelivery, wave: number): Shared => {
    let byWave = waves.get(env);
    if (!byWave) waves.set(env, (byWave = new Map()));
    let shared = byWave.get(wave);
    if (!shared) {
      const gates = wavesOf(env.environment)
        .filter((w) => w < wave)
        .map((w) => `argocd:${env.environment}:wave:${w}`);
      for (const other of appOfApps) if (rootWave(other) < rootWave(env)) gates.push(`argocd:${other.environment}:root`);
      shared = { group: `argocd:${env.environment}:wave:${wave}`, root: `argocd:${env.environment}:root`, gates, order: `sync wave ${wave} of root ${environmentRootName(input.fleetName, env.environment)}` };
      byWave.set(wave, shared);
    }
    return shared;
  };
  const rollingShared = new Map<number, Shared>();
  const sharedRolling = (index: number): Shared => {
    let shared = rollingShared.get(index);
    if (!shared) {
      const group = `argocd:rolling:${index}`;
      shared = { group, root: group, gates: rollingSteps.slice(0, index).map((_, i) => `argocd:rolling:${i}`), order: `RollingSync step ${index + 1} of ${rollingSteps.length}` };
      rollingShared.set(index, shared);
    }
    return shared;
  };

  for (const env of input.delivery.environments) {
    for (const r of byEnv(env.environment)) {
      const cluster = r.cluster.name;
      // One cluster's facts for all its units: what one unit provides and another waits on is one Fact.
      const facts = registry.of(cluster);
      const components = input.components.get(cluster)!;
      for (const component of components) {
        const id = stepName(cluster, component);
        const holds = gates(component.phase);
        let gateGroups: string[] = [];
        let order: string;
        if (env.engine === 'argocd' && env.argocd.generator === 'app-of-apps') {
          const wave = syncWaveOf(component.phase);
          const shared = sharedWave(env, wave);
          join(shared.group, id);
          gateGroups = shared.gates;
          join(shared.root, id);
          order = shared.order;
        } else if (env.engine === 'argocd') {
          const key = holds ? `${env.environment}/${component.phase}` : `*/${component.phase}`;
          const shared = sharedRolling(rollingSteps.indexOf(key));
          join(shared.group, id);
          gateGroups = shared.gates;
          order = shared.order;
        } else {
          // Flux dependsOn, the same rule as lib/constructs/delivery/flux/cluster-steps.ts (and the order to
          // apply by hand without an engine).
          join(`step:${id}`, id);
          const before = previousPhaseComponents(components, component);
          gateGroups = before.map((c) => `step:${stepName(cluster, c)}`);
          const position = env.engine === 'flux' ? fluxChain.indexOf(env) : -1;
          if (env.engine === 'flux') join(`flux:${env.environment}`, id);
          if (position > 0) gateGroups.push(`flux:${fluxChain[position - 1].environment}`);
          const names = before.map((c) => stepName(cluster, c));
          const verb = env.engine === 'flux' ? 'dependsOn' : 'apply after';
          order = names.length ? `${verb} ${names.join(', ')}` : env.engine === 'flux' ? 'no dependsOn' : 'apply first';
          if (position > 0) order += ` (environment after ${environmentKustomizationName(input.fleetName, fluxChain[position - 1].environment)})`;
          if (!holds) order += env.engine === 'flux' ? '; wait: false, nothing dependsOn it' : '; nothing waits for it';
          // A mesh part as a HelmRelease: its step waits for the release, which Helm makes Ready once
          // its objects are (or once installed, with disableWait, when it holds nothing).
          if (env.engine === 'flux' && component.kind === 'mesh' && component.chart) order += `; HelmRelease of chart ${component.chart.name} ${component.chart.version}${holds ? '' : ' (disableWait)'}`;
        }
        if (!holds && env.engine === 'argocd') order += env.argocd.generator === 'app-of-apps' ? '; Healthy once synced (meshfleet.dev/gates=false)' : '; last step, holds nothing';
        // One literal, not a spread of a partial step (the spread took a third of this function's own time).
        steps.push({
          id,
          cluster,
          environment: env.environment,
          engine: env.engine,
          component,
          units: componentUnits(component, r, facts),
          holds,
          createsNamespace: component.createNamespace ? component.namespace : undefined,
          gates: gateGroups,
          order,
          regates: env.engine === 'flux',
        });
      }
    }
  }
  const clusters = input.rendered.map((r) => ({ name: r.cluster.name, environment: r.cluster.environment, path: r.cluster.path }));
  const prerequisites = new Set<string>();
  // Clusters whose Gateway API CRDs a step provides (read off the provisions, no key per fact; only
  // components that install CRDs provide them, so the mesh objects' units are not read).
  const delivered = new Set<string | undefined>();
  for (const s of steps) {
    if (s.component.kind !== 'mesh') for (const u of s.units) for (const p of u.provides) if (p.fact.kind === 'crd' && p.fact.name === GATEWAY_API_GROUPS[0]) delivered.add(p.fact.cluster);
  }
  for (const { name } of clusters) {
    if (!delivered.has(name)) for (const group of GATEWAY_API_GROUPS) prerequisites.add(factKey({ kind: 'crd', name: group, cluster: name }));
  }
  return { steps, groups, prerequisites, clusters, facts: registry };
}

