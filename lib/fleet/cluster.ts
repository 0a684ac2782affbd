import { Construct } from 'constructs';
import { DNS_LABEL as DNS_LABEL_PATTERN } from '../compat/value-patterns.ts';
import type { ClusterSpec } from '../model/types.ts';
import type { LinkMode } from './multicluster.ts';

export type ClusterProps = Omit<ClusterSpec, 'name'>;

const DNS_LABEL = new RegExp(DNS_LABEL_PATTERN);

/** Names become folders, object names and identities: reject a bad one where it is written. */
export function assertDnsLabel(value: string, what: string, constructPath: string): void {
  if (!DNS_LABEL.test(value)) {
    throw new Error(`${constructPath}: ${what} ${JSON.stringify(value)} is not a DNS label. Fix: use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters (e.g. "eu-1")`);
  }
}

/** One Kubernetes cluster with its own Linkerd control plane. */
export class Cluster extends Construct {
  readonly name: string;
  readonly environment: string;

  constructor(
    scope: Construct,
    name: string,
    private readonly props: ClusterProps,
    private readonly onLink: (target: string, mode: LinkMode) => void = () => {
      throw new Error(`${name}: linkTo needs a cluster created with fleet.addCluster`);
    },
  ) {
    super(scope, name);
    assertDnsLabel(name, 'cluster name', this.node.path);
    this.name = name;
    this.environment = props.environment;
  }

  /** This cluster mirrors the services of `target` (one Link on this cluster). */
  linkTo(target: Cluster | string, mode: LinkMode): this {
    this.onLink(typeof target === 'string' ? target : target.name, mode);
    return this;
  }

  toSpec(): ClusterSpec {
    return { name: this.name, ...this.props };
  }
}
