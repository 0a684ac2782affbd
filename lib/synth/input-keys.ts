// What a cluster's output is made from, hashed: its input key, and its part of the GitOps files' key.
// The incremental cache (incremental.ts) reuses a cluster whose key is unchanged; the thread that
// renders a cluster keeps under the same key that every check of its output passed (render-cluster.ts
// with lib/validate/valid-before.ts), so that a synth of a fleet synthesized before, into any
// folder, renders it without checking it again.
import { linkTargetOf } from '../constructs/multicluster/gateway-ports.ts';
import { environmentDelivery } from '../resolve/delivery.ts';
import type { ResolvedCluster, ResolvedFleet } from '../resolve/resolve.ts';
import { canonical, codeStamp, digest, digestOf } from './hashing.ts';
import type { ClusterApps, ClusterKeys, FleetContext } from './render-cluster.ts';

/** A cluster's input key, from its application objects (what renderCluster is given beside the cluster). */
type InputKeyOf = (cluster: ResolvedCluster, apps: ClusterApps | undefined) => string | undefined;

/**
 * Each cluster's input key, one cluster at a time (on the thread that renders it, or for the whole
 * fleet: inputKeys): a hash of everything renderCluster reads for it (render-cluster.ts): the
 * resolved cluster (its document path too, which diagnostics name), its multicluster view and what
 * its Links read of their targets (LinkTarget: a change elsewhere in a linked cluster does not render
 * this one again), its policy view, the fleet's name, trust and credentials, its environment's
 * delivery, its application objects, and the code that renders (codeStamp, which covers the schemas
 * its objects are checked against). Undefined for a cluster whose inputs cannot be serialized (an
 * application object holding a function): it is always rendered and checked. What is shared by
 * clusters (the fleet-wide part, each environment's delivery, each link target) is hashed once.
 */
export function inputKeyMaker(context: FleetContext): InputKeyOf {
  const { fleet } = context;
  let fleetWide: string | undefined;
  const environments = new Map<string, string>();
  const targets = new Map<string, string>();
  const targetKey = (name: string) => {
    let key = targets.get(name);
    if (key === undefined) {
      const target = context.clustersByName.get(name);
      targets.set(name, (key = target ? digest(canonical(linkTargetOf(target))) : '-'));
    }
    return key;
  };
  return (cluster, apps) => {
    try {
      fleetWide ??= digest(`${codeStamp()}\0${canonical([fleet.name, fleet.trust, fleet.credentials])}`);
      let delivery = environments.get(cluster.environment);
      if (delivery === undefined) environments.set(cluster.environment, (delivery = digest(canonical(environmentDelivery(fleet.delivery, cluster.environment)))));
      const view = fleet.views.get(cluster.name);
      const linked = (view?.outgoing ?? []).map((link) => `${link.target}=${targetKey(link.target)}`).join(',');
      return digestOf(fleetWide, delivery, canonical(cluster), linked, canonical([view, context.policies.get(cluster.name), apps]));
    } catch {
      return undefined;
    }
  };
}

/** Every cluster's input key (inputKeyMaker), in fleet order. */
export function inputKeys(context: FleetContext, apps?: (cluster: string) => ClusterApps): (string | undefined)[] {
  const keyOf = inputKeyMaker(context);
  return context.fleet.clusters.map((cluster) => keyOf(cluster, apps?.(cluster.name)));
}

/**
 * The key of a cluster's part of the GitOps files (renderDelivery's), from its input key (its
 * rendering and its environment's delivery): with its own delivery settings and the fleet-wide ones
 * the part names (the fleet's repository and Helm repository, which pick the Flux sources).
 */
export function deliveryPartKeyMaker(fleet: ResolvedFleet): (cluster: string, inputKey: string) => string {
  let wide: string | undefined;
  return (cluster, inputKey) => {
    const { fleetRepo, fleetHelmRepository, fleetArgocd, rollout } = fleet.delivery;
    wide ??= canonical([fleetRepo, fleetHelmRepository, fleetArgocd, rollout]);
    return digest(`${inputKey}\0${wide}\0${canonical(fleet.delivery.clusters.get(cluster))}`);
  };
}

/** The keys of each cluster a thread renders (renderCluster's and checkedDeliveryPart's `keys`), each made once, when first asked for. */
export function clusterKeyMaker(context: FleetContext): (cluster: ResolvedCluster, apps: ClusterApps | undefined) => ClusterKeys {
  const inputKeyOf = inputKeyMaker(context);
  const partKeyOf = deliveryPartKeyMaker(context.fleet);
  return (cluster, apps) => {
    let input: string | undefined | null = null;
    let part: string | undefined | null = null;
    const inputKey = () => (input === null ? (input = inputKeyOf(cluster, apps)) : input);
    return {
      input: inputKey,
      part: () => {
        if (part === null) {
          const key = inputKey();
          part = key === undefined ? undefined : partKeyOf(cluster.name, key);
        }
        return part;
      },
      made: () => (input === null ? undefined : { input, ...(typeof part === 'string' ? { part } : {}) }),
    };
  };
}
