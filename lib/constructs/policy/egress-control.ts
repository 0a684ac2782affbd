import { Construct } from 'constructs';
import { EgressNetwork, EgressNetworkSpecTrafficPolicy } from '../../../imports/policy.linkerd.io.ts';
import type { EgressObject } from '../../resolve/policy.ts';
import { assertCidr, assertObjectName, assertOneOf } from '../assert-props.ts';

/** In the global egress namespace it applies to every namespace; in any other, to that namespace only. */
export type EgressControlProps = EgressObject;

/** An EgressNetwork: makes traffic leaving the cluster visible, and allows or denies what no route names. */
export class EgressControl extends Construct {
  constructor(scope: Construct, id: string, props: EgressControlProps) {
    super(scope, id);
    const path = this.node.path;
    assertObjectName(props.name, 'EgressNetwork name', path);
    assertOneOf(props.trafficPolicy, ['Allow', 'Deny'], 'trafficPolicy', path);
    for (const n of props.networks ?? []) assertCidr(n.cidr, 'egress network', path);
    new EgressNetwork(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        trafficPolicy: props.trafficPolicy === 'Allow' ? EgressNetworkSpecTrafficPolicy.ALLOW : EgressNetworkSpecTrafficPolicy.DENY,
        ...(props.networks ? { networks: props.networks.map((n) => ({ cidr: n.cidr, ...(n.except?.length ? { except: [...n.except] } : {}) })) } : {}),
      },
    });
  }
}
