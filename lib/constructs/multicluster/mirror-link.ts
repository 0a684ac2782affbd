import { Construct } from 'constructs';
import { gatewayAddressProblem } from '../../model/link-values.ts';
import { assertValue } from '../assert-props.ts';
import { LinkV1Alpha3 } from '../../../imports/multicluster.linkerd.io.ts';
import type { LinkModeName } from '../../model/types.ts';
import { LINKERD_NAMESPACE } from '../../compat/linkerd-names.ts';
import {
  credentialsSecretName,
  EXPORT_LABEL,
  EXPORT_VALUES,
  FEDERATED_LABEL,
  FEDERATED_MEMBER,
  gatewayIdentityFor,
  MULTICLUSTER_NAMESPACE,
} from '../../compat/multicluster-names.ts';

export interface LinkTarget {
  readonly name: string;
  readonly clusterDomain: string;
  readonly trustDomain: string;
  /** Required for gateway links: comma-separated load balancer addresses. */
  readonly gatewayAddress?: string;
  readonly gatewayName: string;
  readonly gatewayPort: number;
  readonly probe: { readonly path: string; readonly port: number; readonly seconds: number };
}

export interface MirrorLinkProps {
  /** The cluster the Link is on (it mirrors from the target). */
  readonly source: string;
  readonly target: LinkTarget;
  readonly mode: LinkModeName;
}

/**
 * A declarative Link on the source cluster, as `linkerd multicluster link-gen` writes it for the
 * target: every scalar a string; a flat link has no gateway fields, probe or selector.
 */
export class MirrorLink extends Construct {
  constructor(scope: Construct, id: string, props: MirrorLinkProps) {
    super(scope, id);
    const { target, mode } = props;
    assertValue(gatewayAddressProblem({ mode, source: props.source, target: target.name }, target.gatewayAddress), this.node.path);
    const gateway =
      mode === 'gateway'
        ? {
            gatewayAddress: target.gatewayAddress,
            gatewayPort: String(target.gatewayPort),
            gatewayIdentity: gatewayIdentityFor(target.trustDomain, target.gatewayName),
            // link-gen leaves out failureThreshold and timeout so older Link CRDs accept the object.
            probeSpec: { path: target.probe.path, port: String(target.probe.port), period: `${target.probe.seconds}s` },
            selector: { matchLabels: { [EXPORT_LABEL]: EXPORT_VALUES.gateway } },
          }
        : {};
    new LinkV1Alpha3(this, 'Resource', {
      metadata: { name: target.name, namespace: MULTICLUSTER_NAMESPACE },
      spec: {
        targetClusterName: target.name,
        targetClusterDomain: target.clusterDomain,
        targetClusterLinkerdNamespace: LINKERD_NAMESPACE,
        clusterCredentialsSecret: credentialsSecretName(target.name),
        ...gateway,
        remoteDiscoverySelector: { matchLabels: { [EXPORT_LABEL]: EXPORT_VALUES['remote-discovery'] } },
        federatedServiceSelector: { matchLabels: { [FEDERATED_LABEL]: FEDERATED_MEMBER } },
      },
    });
  }
}
