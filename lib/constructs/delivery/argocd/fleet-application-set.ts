import { Construct } from 'constructs';
import type { Component } from '../components.ts';
import { gates, PHASES } from '../phases.ts';
import type { ClusterDelivery, EnvironmentDelivery } from '../../../resolve/delivery.ts';
import { ApplicationSet, type Generator, type RollingSyncStep } from './application-set.ts';
import { componentApplication } from './component-application.ts';

export interface ApplicationSetCluster {
  readonly name: string;
  readonly delivery: ClusterDelivery;
  readonly components: readonly Component[];
}

export interface FleetApplicationSetProps {
  readonly fleet: string;
  readonly namespace: string;
  /** Environments whose generator is list or clusters, in rollout order. */
  readonly environments: readonly { readonly delivery: EnvironmentDelivery; readonly clusters: readonly ApplicationSetCluster[] }[];
}

/** Labels of generated Applications that RollingSync steps select on. */
export const ENVIRONMENT_LABEL = 'meshfleet.dev/environment';
export const PHASE_LABEL = 'meshfleet.dev/phase';

/**
 * The Applications differ in shape (a Helm chart with its values from Git, a Git folder), so the
 * template holds what all share and each element carries its own sources, sync policy and ignore
 * rules, computed by the same code as app-of-apps Applications. A missing key renders as null,
 * which the strategic merge of the patch drops.
 */
export const TEMPLATE_PATCH = `metadata:
  finalizers: {{ toJson .finalizers }}
spec:
  source: {{ toJson .source }}
  sources: {{ toJson .sources }}
  syncPolicy: {{ toJson .syncPolicy }}
  ignoreDifferences: {{ toJson .ignoreDifferences }}
`;

/**
 * One ApplicationSet for every environment Argo CD delivers through a generator. Its RollingSync
 * steps go environment by environment in rollout order and, within one, phase by phase
 * (docs/reference/gitops-delivery.md): a step starts when every Application of the previous one is Healthy. RollingSync
 * turns auto-sync off on the Applications it generates; it syncs them itself.
 */
export class FleetApplicationSet extends Construct {
  constructor(scope: Construct, id: string, props: FleetApplicationSetProps) {
    super(scope, id);
    const generators: Generator[] = [];
    const steps: RollingSyncStep[] = [];
    // RollingSync reads each Application's own health, so a step that waits on another cluster goes
    // last: after every environment, where it holds nothing.
    const lastSteps = new Map<string, string[]>();
    for (const { delivery: env, clusters } of props.environments) {
      const byCluster = clusters.map((cluster) => ({ cluster, elements: cluster.components.map((component) => elementFor(props.fleet, env, cluster, component)) }));
      if (env.argocd.generator === 'clusters') {
        // Argo CD's cluster Secret labelled with the cluster's name supplies the server.
        for (const { cluster, elements } of byCluster) {
          generators.push({
            matrix: {
              generators: [
                { clusters: { selector: { matchLabels: { 'meshfleet.dev/fleet': props.fleet, 'meshfleet.dev/cluster': cluster.name } } } },
                { list: { elements } },
              ],
            },
          });
        }
      } else {
        generators.push({ list: { elements: byCluster.flatMap(({ elements }) => elements) } });
      }
      const phases = PHASES.filter((phase) => clusters.some((c) => c.components.some((component) => component.phase === phase)));
      for (const phase of phases) {
        if (!gates(phase)) {
          lastSteps.set(phase, [...(lastSteps.get(phase) ?? []), env.environment]);
          continue;
        }
        steps.push({
          matchExpressions: [
            { key: ENVIRONMENT_LABEL, operator: 'In', values: [env.environment] },
            { key: PHASE_LABEL, operator: 'In', values: [phase] },
          ],
        });
      }
    }

    for (const [phase, environments] of lastSteps) {
      steps.push({
        matchExpressions: [
          { key: ENVIRONMENT_LABEL, operator: 'In', values: environments },
          { key: PHASE_LABEL, operator: 'In', values: [phase] },
        ],
      });
    }

    new ApplicationSet(this, 'Resource', {
      name: props.fleet,
      namespace: props.namespace,
      labels: { 'meshfleet.dev/fleet': props.fleet },
      generators,
      rollingSyncSteps: steps,
      template: {
        metadata: {
          name: '{{ .app }}',
          labels: {
            'meshfleet.dev/fleet': props.fleet,
            [ENVIRONMENT_LABEL]: '{{ .environment }}',
            'meshfleet.dev/cluster': '{{ .cluster }}',
            'meshfleet.dev/component': '{{ .component }}',
            [PHASE_LABEL]: '{{ .phase }}',
          },
        },
        spec: {
          project: '{{ .project }}',
          // Exactly one of server and name is non-empty; Argo CD ignores an empty one.
          destination: { server: '{{ .server }}', name: '{{ .destinationName }}', namespace: '{{ .namespace }}' },
        },
      },
      templatePatch: TEMPLATE_PATCH,
    });
  }
}

function elementFor(fleet: string, env: EnvironmentDelivery, cluster: ApplicationSetCluster, component: Component): Record<string, unknown> {
  const app = componentApplication(component, { fleet, cluster: cluster.name, environment: env, clusterDelivery: cluster.delivery, automated: false });
  const destination = app.spec.destination;
  return {
    app: app.name,
    environment: env.environment,
    cluster: cluster.name,
    component: component.name,
    phase: component.phase,
    project: app.spec.project,
    namespace: destination.namespace,
    // With the cluster generator, `server` comes from Argo CD's cluster Secret.
    ...(env.argocd.generator === 'clusters' ? { destinationName: '' } : { server: destination.server ?? '', destinationName: destination.name ?? '' }),
    ...(app.finalizers?.length ? { finalizers: app.finalizers } : {}),
    ...(app.spec.source ? { source: app.spec.source } : { sources: app.spec.sources }),
    syncPolicy: app.spec.syncPolicy,
    ...(app.spec.ignoreDifferences ? { ignoreDifferences: app.spec.ignoreDifferences } : {}),
  };
}
