import { Construct } from 'constructs';
import { repoPath, type EnvironmentDelivery } from '../../../resolve/delivery.ts';
import { Application, SYNC_WAVE_ANNOTATION } from './application.ts';
import { gitRevision } from './component-application.ts';

/** The cluster Argo CD runs in, as Argo CD names it. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

export interface EnvironmentRootProps {
  readonly fleet: string;
  readonly environment: EnvironmentDelivery;
  /** Folder of the environment's Applications, relative to charts-out/. */
  readonly applicationsPath: string;
}

/**
 * The app-of-apps root of one environment: an Application over the folder holding the Applications
 * of its clusters. Pruning is on, so a cluster removed from the fleet loses its Applications (and,
 * through their finalizer, everything but its CRDs). Its sync wave is its place in the rollout order,
 * which a fleet root (FleetRoot) honours when it creates or changes environment roots.
 */
export class EnvironmentRoot extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: EnvironmentRootProps) {
    super(scope, id);
    const env = props.environment;
    this.name = environmentRootName(props.fleet, env.environment);
    new Application(this, 'Resource', {
      name: this.name,
      namespace: env.argocd.namespace,
      labels: { 'meshfleet.dev/fleet': props.fleet, 'meshfleet.dev/environment': env.environment },
      annotations: env.rolloutIndex !== undefined ? { [SYNC_WAVE_ANNOTATION]: String(env.rolloutIndex) } : undefined,
      spec: {
        project: env.argocd.project,
        destination: { server: IN_CLUSTER, namespace: env.argocd.namespace },
        source: { repoURL: env.repo.url, targetRevision: gitRevision(env.repo), path: repoPath(env.repo, props.applicationsPath), directory: { recurse: false } },
        syncPolicy: { automated: { prune: true, selfHeal: true }, retry: { limit: 10, backoff: { duration: '15s', factor: 2, maxDuration: '5m' } } },
      },
    });
  }
}

export function environmentRootName(fleet: string, environment: string): string {
  return `${fleet}-${environment}`;
}
