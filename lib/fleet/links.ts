// Minimal multicluster links for the TypeScript front door (the multicluster work owns the full API).
import type { Construct } from 'constructs';
import type { FederatedServiceSpec, LinkMode, LinkSpec } from '../model/links.ts';
import type { Cluster } from './cluster.ts';
import { FleetEntry } from './fleet-entry.ts';

export interface LinkProps {
  /** The cluster that mirrors. */
  readonly from: Cluster | string;
  /** The cluster whose services are mirrored (as `<service>-<to>` on `from`). */
  readonly to: Cluster | string;
  readonly mode: LinkMode;
}

const nameOf = (c: Cluster | string) => (typeof c === 'string' ? c : c.name);

/** A link of the fleet (spec.links). */
export class Link extends FleetEntry<LinkSpec> {
  readonly list = 'links';
  protected readonly spec: LinkSpec;

  constructor(scope: Construct, id: string, props: LinkProps) {
    super(scope, id);
    this.spec = { from: nameOf(props.from), to: nameOf(props.to), mode: props.mode };
  }
}

export interface FederatedServiceProps {
  /** @default the construct id */
  readonly name?: string;
  readonly namespace: string;
  readonly clusters: readonly (Cluster | string)[];
}

/** A federated service of the fleet (spec.federatedServices); consumers call `<name>-federated`. */
export class FederatedService extends FleetEntry<FederatedServiceSpec> {
  readonly list = 'federatedServices';
  protected readonly spec: FederatedServiceSpec;

  constructor(scope: Construct, id: string, props: FederatedServiceProps) {
    super(scope, id);
    this.spec = { name: props.name ?? id, namespace: props.namespace, clusters: props.clusters.map(nameOf) };
  }
}
