import { Construct } from 'constructs';
import type { ClusterSettings, EnvironmentSpec } from '../model/types.ts';
import { assertDnsLabel } from './asserts.ts';
import { settingsSpec, type MeshSettings } from './cluster.ts';
import type { Delivery } from './delivery.ts';
import { nameOf, type ICluster, type IEnvironment } from './refs.ts';
import { userCallSite, type SourceLocation } from './source-location.ts';

export interface EnvironmentProps extends MeshSettings {
  /** How this environment is delivered; wins over the fleet's delivery. @default the fleet's */
  readonly delivery?: Delivery;
}

/** An environment overlay (dev, staging, prod): settings for all its clusters, and per-cluster overrides. */
export class Environment extends Construct implements IEnvironment {
  readonly name: string;
  /** Where the user's code made the environment. */
  readonly createdAt: SourceLocation | undefined;
  private readonly overrides = new Map<string, { settings: ClusterSettings; at: SourceLocation | undefined }>();

  constructor(scope: Construct, name: string, private readonly settings: EnvironmentProps) {
    super(scope, name);
    this.createdAt = userCallSite();
    assertDnsLabel(name, 'environment name', this.node.path);
    this.name = name;
  }

  /** Settings for one cluster of this environment; they win over every other layer. */
  overrideCluster(cluster: ICluster | string, settings: MeshSettings): this {
    this.overrides.set(nameOf(cluster), { settings: settingsSpec(settings), at: userCallSite() });
    return this;
  }

  /** Where the override of a cluster was written. */
  overrideAt(cluster: string): SourceLocation | undefined {
    return this.overrides.get(cluster)?.at;
  }

  toSpec(): EnvironmentSpec {
    return {
      ...settingsSpec(this.settings),
      ...(this.overrides.size ? { clusters: Object.fromEntries([...this.overrides].map(([name, o]) => [name, o.settings])) } : {}),
    };
  }
}
