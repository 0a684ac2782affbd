// Minimal multicluster links for the TypeScript front door (the multicluster work owns the full API).
import { Construct } from 'constructs';
import type { FederatedServiceSpec, LinkMode, LinkSpec } from '../model/links.ts';
import type { Cluster } from './cluster.ts';

export interface LinkProps {
  /** The cluster that mirrors. */
  readonly from: Cluster | string;
  /** The cluster whose services are mirrored (as `<service>-<to>` on `from`). */
  readonly to: Cluster | string;
  readonly mode: LinkMode;
}

const nameOf = (c: Cluster | string) => (typeof c === 'string' ? c : c.name);

/** A link of the fleet (spec.links). */
export class Link extends Construct {
  static isLink(x: unknown): x is Link {
    return x instanceof Link;
  }

  private readonly spec: LinkSpec;

  constructor(scope: Construct, id: string, props: LinkProps) {
    super(scope, id);
    this.spec = { from: nameOf(props.from), to: nameOf(props.to), mode: props.mode };
  }

  toSpec(): LinkSpec {
    return this.spec;
  }
}

export interface FederatedServiceProps {
  /** @default the construct id */
  readonly name?: string;
  readonly namespace: string;
  readonly clusters: readonly (Cluster | string)[];
}

/** A federated service of the fleet (spec.federatedServices); consumers call `<name>-federated`. */
export class FederatedService extends Construct {
  static isFederatedService(x: unknown): x is FederatedService {
    return x instanceof FederatedService;
  }

  private readonly spec: FederatedServiceSpec;

  constructor(scope: Construct, id: string, props: FederatedServiceProps) {
    super(scope, id);
    this.spec = { name: props.name ?? id, namespace: props.namespace, clusters: props.clusters.map(nameOf) };
  }

  toSpec(): FederatedServiceSpec {
    return this.spec;
  }
}
