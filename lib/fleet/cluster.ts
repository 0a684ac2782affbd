import { Construct } from 'constructs';
import type { LinkerdVersion } from '../compat/linkerd-releases.ts';
import type { ClusterDeliverySpec } from '../model/delivery.ts';
import type { ClusterSettings, ClusterSpec } from '../model/types.ts';
import { assertDnsLabel } from './asserts.ts';
import { Delivery } from './delivery.ts';
import { GatewayApi } from './gateway-api.ts';
import type { LinkMode } from './multicluster.ts';
import { nameOf, type ICluster, type IEnvironment } from './refs.ts';
import { DefinitionError, userCallSite, type SourceLocation } from './source-location.ts';

/**
 * What a fleet's defaults, an environment or a cluster may set: the fleet file's cluster settings,
 * with the Linkerd version typed from the release table and the Gateway API as a GatewayApi.
 */
export interface MeshSettings extends Omit<ClusterSettings, 'linkerd' | 'gatewayAPI'> {
  /** Linkerd version: a stable line ("2.20") or an edge tag of the release table; tsc refuses any other. */
  readonly linkerd?: LinkerdVersion;
  /** How the cluster gets its Gateway API CRDs. @default GatewayApi.managed() */
  readonly gatewayAPI?: GatewayApi;
}

/** The fleet document's settings for these props: objects become their document form, key order kept. */
export function settingsSpec<T extends object>(settings: T): ClusterSettings {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [key, value instanceof GatewayApi ? value.settings : value instanceof Delivery ? value.spec : value]),
  );
}

export interface ClusterProps extends MeshSettings {
  /** The environment the cluster belongs to (its name when the environment sets nothing of its own). */
  readonly environment: IEnvironment | string;
  /** Clusters on the same network can reach each other's pod IPs. @default the cluster's own name */
  readonly network?: string;
  /** The pod range, checked for overlaps within a network and used for flat links and policy. */
  readonly podCIDR?: string;
  /** The Service range, checked for overlaps with pod ranges. */
  readonly serviceCIDR?: string;
  /** The Kubernetes API server URL (https); linked clusters reach it through their Link credentials. */
  readonly apiServer?: string;
  /** Where the delivery engine finds this cluster (Argo CD destination, Flux kubeConfig Secret). */
  readonly delivery?: ClusterDeliverySpec;
}

/** One Kubernetes cluster with its own Linkerd control plane (made by fleet.addCluster). */
export class Cluster extends Construct implements ICluster {
  readonly name: string;
  readonly environment: string;
  /** Where the user's code made the cluster. */
  readonly createdAt: SourceLocation | undefined;

  constructor(
    scope: Construct,
    name: string,
    private readonly props: ClusterProps,
    private readonly onLink: (target: string, mode: LinkMode) => void = () => {
      throw new DefinitionError(`${name}: linkTo needs a cluster created with fleet.addCluster`);
    },
  ) {
    super(scope, name);
    this.createdAt = userCallSite();
    assertDnsLabel(name, 'cluster name', this.node.path);
    this.name = name;
    this.environment = nameOf(props.environment);
  }

  /** This cluster mirrors the services of `target` (one Link on this cluster). */
  linkTo(target: ICluster | string, mode: LinkMode): this {
    this.onLink(nameOf(target), mode);
    return this;
  }

  toSpec(): ClusterSpec {
    const { environment: _, ...rest } = this.props;
    return { name: this.name, environment: this.environment, ...settingsSpec(rest) } as ClusterSpec;
  }
}
