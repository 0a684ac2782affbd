import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

export interface MeshNamespaceProps {
  readonly name: string;
  /** Labels the Linkerd component expects on its namespace. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * The Linkerd CNI plugin is installed, so pods need no NET_ADMIN init container and the namespace
   * can enforce the restricted pod security level. @default false
   */
  readonly cni?: boolean;
}

/**
 * A namespace for a Linkerd component. The upstream charts create their namespaces only when the
 * Linkerd CLI renders them, never under Helm, Argo CD or Flux, so GitOps must provide them.
 */
export class MeshNamespace extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: MeshNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    // A plain ApiObject: core kinds need no generated class (cdk8s-plus-28's, ~0.1 s to load).
    new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: props.name,
        labels: {
          ...props.labels,
          // proxy-init needs NET_ADMIN unless the CNI plugin does its job.
          'pod-security.kubernetes.io/enforce': props.cni ? 'restricted' : 'privileged',
        },
        annotations: props.annotations ? { ...props.annotations } : undefined,
      },
    });
  }
}
