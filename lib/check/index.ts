// Fleet-wide checks: every rule runs and every diagnostic is returned, so a user fixes all at once.
import type { Diagnostic } from '../model/diagnostics.ts';
import type { FleetSpec } from '../model/types.ts';
import { resolveDelivery } from '../resolve/delivery.ts';
import type { ResolvedFleet } from '../resolve/resolve.ts';
import { checkDelivery } from './delivery-rules.ts';
import { checkCluster } from './cluster-rules.ts';
import { checkMulticluster } from './multicluster-rules.ts';
import { checkPolicy } from './policy-rules.ts';
import { checkDocument as checkNamesAndReferences } from './document-rules.ts';
import { checkGatewayAPI } from './gateway-api-rules.ts';
import { checkClusterRoutes, checkRouteEntries, fleetFacts } from './route-rules.ts';
import { checkClusterServices, checkServiceEntries } from './service-rules.ts';

/**
 * Rules over the document as written (before environments are merged), and the delivery settings,
 * which are checked even when the rest of the fleet cannot be resolved.
 */
export function checkDocument(spec: FleetSpec): Diagnostic[] {
  return [...checkNamesAndReferences(spec), ...checkRouteEntries(spec), ...checkServiceEntries(spec), ...checkDelivery(spec, resolveDelivery(spec))];
}

export function checkFleet(fleet: ResolvedFleet): Diagnostic[] {
  const facts = fleetFacts(fleet);
  return [
    ...fleet.clusters.flatMap((cluster) => [
      ...checkCluster(cluster),
      ...checkGatewayAPI(cluster),
      ...checkClusterRoutes(cluster, facts),
      ...checkClusterServices(cluster),
    ]),
    ...checkMulticluster(fleet),
    ...checkPolicy(fleet),
  ];
}
