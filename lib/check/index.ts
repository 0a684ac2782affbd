// Fleet-wide checks: every rule runs and every diagnostic is returned, so a user fixes all at once.
import type { Diagnostic } from '../model/diagnostics.ts';
import type { ResolvedFleet } from '../resolve/resolve.ts';
import { checkCluster } from './cluster-rules.ts';
import { checkMulticluster } from './multicluster-rules.ts';
import { checkPolicy } from './policy-rules.ts';

export { checkDocument } from './document-rules.ts';

export function checkFleet(fleet: ResolvedFleet): Diagnostic[] {
  return [...fleet.clusters.flatMap((cluster) => checkCluster(cluster)), ...checkMulticluster(fleet), ...checkPolicy(fleet)];
}
