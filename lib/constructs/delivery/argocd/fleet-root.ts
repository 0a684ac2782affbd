import { Construct } from 'constructs';
import type { ResolvedRepo } from '../../../resolve/delivery.ts';
import { Application } from './application.ts';
import { gitRevision } from './component-application.ts';
import { IN_CLUSTER } from './environment-root.ts';

export interface FleetRootProps {
  readonly fleet: string;
  readonly repo: ResolvedRepo;
  readonly namespace: string;
  readonly project: string;
  /** Files of the environment roots, relative to charts-out/. */
  readonly environmentRoots: readonly string[];
}

/**
 * The one Application to apply by hand for app-of-apps environments: it creates the environment
 * roots, in rollout order (their sync waves) when the argocd-cm health check is installed.
 */
export class FleetRoot extends Construct {
  constructor(scope: Construct, id: string, props: FleetRootProps) {
    super(scope, id);
    new Application(this, 'Resource', {
      name: `${props.fleet}-environments`,
      namespace: props.namespace,
      labels: { 'meshfleet.dev/fleet': props.fleet },
      spec: {
        project: props.project,
        destination: { server: IN_CLUSTER, namespace: props.namespace },
        source: {
          repoURL: props.repo.url,
          targetRevision: gitRevision(props.repo),
          path: props.repo.path || '.',
          directory: { recurse: true, include: `{${props.environmentRoots.join(',')}}` },
        },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    });
  }
}
