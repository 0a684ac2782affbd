// Fleets for the rollout tests: the example fleet and the bench fleets, rendered in memory, and the
// layout meshfleet delivered before the rollout model (objects placed by their CRD only).
import { loadInput } from '../../lib/cli/load-input.ts';
import type { Phase } from '../../lib/constructs/delivery/phases.ts';
import { PHASES } from '../../lib/constructs/delivery/phases.ts';
import type { KubeObject } from '../../lib/model/kube-object.ts';
import { rolloutModel, type RolloutModel } from '../../lib/rollout/steps.ts';
import { renderFleet, type Rendered } from '../../lib/synth/render.ts';
import { planFleet } from '../../lib/synth/plan.ts';
import type { ResolvedFleet } from '../../lib/resolve/resolve.ts';
import type { DeliveryOptions } from '../../lib/rollout/gitops-files.ts';

export interface RenderedFleet {
  readonly fleet: ResolvedFleet;
  readonly rendered: Rendered;
  readonly model: RolloutModel;
}

export function renderDocument(document: unknown, baseDir: string, options: DeliveryOptions = {}): RenderedFleet {
  const plan = planFleet(document, { baseDir });
  if (!plan.fleet) throw new Error(plan.diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  const rendered = renderFleet(plan.fleet, { charts: {} } as never, options);
  return { fleet: plan.fleet, rendered, model: rendered.rollout };
}

export async function renderFile(file: string, options: DeliveryOptions = {}): Promise<RenderedFleet> {
  const input = await loadInput(file);
  return renderDocument(input.document, input.baseDir, options);
}

/** A model built from a rendered fleet with other delivery options (the same clusters). */
export function modelOf(fleet: RenderedFleet): RolloutModel {
  return rolloutModel({ delivery: fleet.fleet.delivery, rendered: fleet.rendered.clusters, components: fleet.rendered.delivery.components, fleetName: fleet.fleet.name });
}

const CRD_PHASE: Readonly<Record<string, Phase>> = {
  'gateway.networking.k8s.io': 'gateway-api-crds',
  'policy.linkerd.io': 'linkerd-crds',
  'linkerd.io': 'linkerd-crds',
  'workload.linkerd.io': 'linkerd-crds',
  'multicluster.linkerd.io': 'multicluster',
};
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

/**
 * Where meshfleet put mesh objects before this model (commit 8ea4e25, lib/delivery/components.ts):
 * by CRD only, so PushSecrets and link ExternalSecrets went with the issuer.
 */
export function legacyPhaseOf(object: KubeObject): Phase {
  if (WORKLOADS.has(object.kind)) return 'routes';
  const group = object.apiVersion.includes('/') ? object.apiVersion.slice(0, object.apiVersion.lastIndexOf('/')) : '';
  const crd = CRD_PHASE[group];
  return crd && PHASES.indexOf(crd) >= PHASES.indexOf('issuer') ? PHASES[PHASES.indexOf(crd) + 1] : 'issuer';
}
