import { Construct } from 'constructs';
import { repoPath, type EnvironmentDelivery, type FleetDelivery } from '../../../resolve/delivery.ts';
import { Kustomization } from './kustomization.ts';
import { gitSourceName } from './source-names.ts';

export interface EnvironmentKustomizationsProps {
  readonly fleet: string;
  readonly delivery: FleetDelivery;
  /** Environments delivered by Flux, in rollout order, with the folder each one's objects are in. */
  readonly environments: readonly { readonly delivery: EnvironmentDelivery; readonly folder: string }[];
}

/**
 * One Kustomization per Flux environment, applying its folder and waiting until everything in it is
 * Ready. An environment in the rollout order depends on the one before it that Flux also delivers:
 * Flux reconciles it only when that one is Ready, and, when both read the same GitRepository, has
 * applied the same revision. Each cluster step's spec changes with its content, so "Ready" means
 * "Ready with this content", not "Ready with the previous one".
 */
export class EnvironmentKustomizations extends Construct {
  constructor(scope: Construct, id: string, props: EnvironmentKustomizationsProps) {
    super(scope, id);
    let previous: string | undefined;
    for (const { delivery: env, folder } of props.environments) {
      const name = environmentKustomizationName(props.fleet, env.environment);
      const ordered = env.rolloutIndex !== undefined;
      new Kustomization(this, env.environment, {
        name,
        namespace: env.flux.namespace,
        labels: { 'meshfleet.dev/fleet': props.fleet, 'meshfleet.dev/environment': env.environment },
        interval: env.flux.interval,
        sourceRef: { kind: 'GitRepository', name: gitSourceName(props.delivery, env) },
        path: `./${repoPath(env.repo, folder)}`,
        prune: true,
        dependsOn: ordered && previous ? [{ name: previous }] : [],
      });
      if (ordered) previous = name;
    }
  }
}

export function environmentKustomizationName(fleet: string, environment: string): string {
  return `${fleet}-${environment}`;
}
