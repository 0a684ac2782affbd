// Names of the Flux sources, shared by the fleet-wide sources file and every object that refers
// to them. Environments that read the fleet's repository at the fleet's revision share one
// GitRepository, which lets Flux hold back a dependent environment until the one before it has
// applied the same revision.
import type { GatewayAPISource } from '../components.ts';
import { sameRepo, type EnvironmentDelivery, type FleetDelivery } from '../../../resolve/delivery.ts';

export function gitSourceName(delivery: FleetDelivery, env: EnvironmentDelivery): string {
  return sameRepo(env.repo, delivery.fleetRepo) ? 'meshfleet' : `meshfleet-${env.environment}`;
}

export function helmSourceName(delivery: FleetDelivery, env: EnvironmentDelivery): string {
  return env.helmRepository === delivery.fleetHelmRepository ? 'linkerd' : `linkerd-${env.environment}`;
}

export function gatewayAPISourceName(source: Extract<GatewayAPISource, { kind: 'upstream' }>): string {
  return `gateway-api-${source.ref.replace(/\./g, '-')}`;
}

export function isOci(helmRepository: string): boolean {
  return helmRepository.startsWith('oci://');
}

/** The HelmRepository of an environment's packaged mesh charts (https:// chart repositories only). */
export function meshChartSourceName(env: EnvironmentDelivery): string {
  return `meshfleet-charts-${env.environment}`;
}
