import { Construct } from 'constructs';
import type { ClusterSettings, DeliverySettings, EnvironmentSpec } from '../model/types.ts';
import { assertDnsLabel, type Cluster } from './cluster.ts';

export interface EnvironmentProps extends ClusterSettings {
  /** How this environment is delivered; wins over the fleet's delivery. @default the fleet's */
  readonly delivery?: DeliverySettings;
}

/** An environment overlay (dev, staging, prod): settings for all its clusters, and per-cluster overrides. */
export class Environment extends Construct {
  readonly name: string;
  private readonly overrides = new Map<string, ClusterSettings>();

  constructor(scope: Construct, name: string, private readonly settings: EnvironmentProps) {
    super(scope, name);
    assertDnsLabel(name, 'environment name', this.node.path);
    this.name = name;
  }

  /** Settings for one cluster of this environment; they win over every other layer. */
  overrideCluster(cluster: Cluster | string, settings: ClusterSettings): this {
    this.overrides.set(typeof cluster === 'string' ? cluster : cluster.name, settings);
    return this;
  }

  toSpec(): EnvironmentSpec {
    return {
      ...this.settings,
      ...(this.overrides.size ? { clusters: Object.fromEntries(this.overrides) } : {}),
    };
  }
}
