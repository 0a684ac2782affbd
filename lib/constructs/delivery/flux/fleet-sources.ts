import { Construct } from 'constructs';
import type { GatewayAPISource } from '../components.ts';
import type { EnvironmentDelivery, FleetDelivery, ResolvedRepo } from '../../../resolve/delivery.ts';
import { GitRepository } from './git-repository.ts';
import { HelmRepository } from './helm-repository.ts';
import { gatewayAPISourceName, gitSourceName, helmSourceName, isOci, meshChartSourceName } from './source-names.ts';

export interface FleetSourcesProps {
  readonly fleet: string;
  readonly delivery: FleetDelivery;
  /** Environments delivered by Flux. */
  readonly environments: readonly EnvironmentDelivery[];
  /** Upstream Gateway API bundles used by their clusters. */
  readonly gatewayAPI: readonly Extract<GatewayAPISource, { kind: 'upstream' }>[];
}

/**
 * Every Flux source the fleet's objects refer to, defined once: sources shared by environments
 * cannot live in an environment's folder, which Flux would then apply twice under two owners.
 */
export class FleetSources extends Construct {
  constructor(scope: Construct, id: string, props: FleetSourcesProps) {
    super(scope, id);
    const labels = { 'meshfleet.dev/fleet': props.fleet };
    const made = new Set<string>();
    const once = (name: string, make: () => void) => {
      if (!made.has(name)) {
        made.add(name);
        make();
      }
    };
    for (const env of props.environments) {
      const flux = env.flux;
      once(`git/${gitSourceName(props.delivery, env)}`, () => {
        new GitRepository(this, gitSourceName(props.delivery, env), { name: gitSourceName(props.delivery, env), namespace: flux.namespace, labels, url: env.repo.url, ref: refOf(env.repo), interval: flux.interval, secretRef: env.repo.secretRef });
      });
      if (!isOci(env.helmRepository)) {
        once(`helm/${helmSourceName(props.delivery, env)}`, () => {
          new HelmRepository(this, helmSourceName(props.delivery, env), { name: helmSourceName(props.delivery, env), namespace: flux.namespace, labels, url: env.helmRepository, interval: flux.interval });
        });
      }
      // The packaged mesh charts (an OCI registry is read per chart, by an OCIRepository beside its release).
      if (env.mesh.source === 'chart-repository' && !isOci(env.mesh.chartRepository)) {
        new HelmRepository(this, meshChartSourceName(env), { name: meshChartSourceName(env), namespace: flux.namespace, labels, url: env.mesh.chartRepository, interval: flux.interval });
      }
    }
    const namespace = props.environments[0]?.flux.namespace;
    const interval = props.environments[0]?.flux.interval;
    for (const source of props.gatewayAPI) {
      once(`git/${gatewayAPISourceName(source)}`, () => {
        new GitRepository(this, gatewayAPISourceName(source), { name: gatewayAPISourceName(source), namespace, labels, url: source.repoURL, ref: { tag: source.ref }, interval });
      });
    }
  }
}

function refOf(repo: ResolvedRepo): { branch: string } | { tag: string } | { commit: string } {
  switch (repo.revision.kind) {
    case 'branch':
      return { branch: repo.revision.value };
    case 'tag':
      return { tag: repo.revision.value };
    case 'commit':
      return { commit: repo.revision.value };
  }
}
