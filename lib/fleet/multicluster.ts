// TypeScript front door for links, federation, service exports and Link credentials: each builds
// exactly the fleet-file entry of the same name.
import type { CredentialsSpec, LinkModeName, LinkSpec } from '../model/types.ts';
import { nameOf, namesOf, type ICluster } from './refs.ts';

/** A cluster, or clusters, of a link entry. */
type Clusters = ICluster | string | readonly (ICluster | string)[];

/** How a source reaches a target's services. */
export class LinkMode {
  /** Through the target's multicluster gateway: for clusters on different networks. */
  static gateway(): LinkMode {
    return new LinkMode('gateway');
  }

  /** Pod to pod, no gateway, workload identity end to end: for clusters on one flat network. */
  static flat(): LinkMode {
    return new LinkMode('flat');
  }

  private constructor(readonly name: LinkModeName) {}
}

/** Shorthands for common shapes; each expands to plain source → target links. */
export class LinkTopology {
  /** Every member links to every other member. */
  static fullMesh(clusters: readonly (ICluster | string)[], mode: LinkMode): LinkTopology {
    return new LinkTopology({ mesh: namesOf(clusters), mode: mode.name });
  }

  /** Spokes and a hub, linked both ways unless `direction` says otherwise. */
  static hubAndSpoke(hub: ICluster | string, spokes: readonly (ICluster | string)[], mode: LinkMode, direction?: 'to-hub' | 'from-hub' | 'both'): LinkTopology {
    return new LinkTopology({ hub: nameOf(hub), spokes: namesOf(spokes), mode: mode.name, ...(direction ? { direction } : {}) });
  }

  /** Every `from` links to every `to`. */
  static pairs(from: Clusters, to: Clusters, mode: LinkMode): LinkTopology {
    return new LinkTopology({ from: linkEnd(from), to: linkEnd(to), mode: mode.name });
  }

  private constructor(readonly spec: LinkSpec) {}
}

// One cluster stays a name, as a fleet file writes it; several become a list.
function linkEnd(clusters: Clusters): string | string[] {
  return typeof clusters === 'string' || !Array.isArray(clusters) ? nameOf(clusters as ICluster | string) : namesOf(clusters);
}

/** Where Link credentials come from; none of them puts a token in git. */
export class Credentials {
  static externalSecret(props: { store?: string; storeKind?: 'SecretStore' | 'ClusterSecretStore'; remoteKeyPrefix?: string; pushSecret?: boolean; refreshInterval?: string } = {}): Credentials {
    return new Credentials({
      type: 'externalSecret',
      ...(props.store ? { store: { name: props.store, ...(props.storeKind ? { kind: props.storeKind } : {}) } } : {}),
      ...(props.remoteKeyPrefix ? { remoteKeyPrefix: props.remoteKeyPrefix } : {}),
      ...(props.pushSecret !== undefined ? { pushSecret: props.pushSecret } : {}),
      ...(props.refreshInterval ? { refreshInterval: props.refreshInterval } : {}),
    });
  }

  /** Sealed kubeconfigs (cluster-wide scope), keyed "<source>/<target>". */
  static sealedSecret(sealedKubeconfigs: Readonly<Record<string, string>>): Credentials {
    return new Credentials({ type: 'sealedSecret', sealedKubeconfigs: { ...sealedKubeconfigs } });
  }

  /** You provide Secret cluster-credentials-<target> yourself. */
  static external(): Credentials {
    return new Credentials({ type: 'external' });
  }

  private constructor(readonly spec: CredentialsSpec) {}
}
