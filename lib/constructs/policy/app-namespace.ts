import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { InboundPolicy } from '../../model/types.ts';
import { DEFAULT_INBOUND_POLICY_ANNOTATION, INJECT_ANNOTATION } from '../workloads/proxy-annotations.ts';
import { assertNamespaceName } from '../assert-props.ts';

export interface AppNamespaceProps {
  readonly name: string;
  /** Proxy injection for every pod of the namespace. @default no annotation (the pods decide) */
  readonly inject?: 'enabled' | 'disabled';
  /** The default inbound policy of the namespace's pods; "audit" reports instead of denying. @default the cluster's */
  readonly defaultInboundPolicy?: InboundPolicy;
}

/**
 * An application namespace with its mesh annotations. The mesh chart writes the namespace rather than
 * patching one: its Servers and authorizations live in it, so it must exist before they apply, and a
 * Helm chart or a kustomization can create objects but not patch someone else's. Deleting the chart
 * must never delete the applications in it, so Helm keeps it and Argo CD and Flux never prune it.
 */
export class AppNamespace extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: AppNamespaceProps) {
    super(scope, id);
    assertNamespaceName(props.name, this.node.path);
    this.name = props.name;
    new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: props.name,
        annotations: {
          ...(props.inject ? { [INJECT_ANNOTATION]: props.inject } : {}),
          ...(props.defaultInboundPolicy ? { [DEFAULT_INBOUND_POLICY_ANNOTATION]: props.defaultInboundPolicy } : {}),
          'helm.sh/resource-policy': 'keep',
          'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
          'kustomize.toolkit.fluxcd.io/prune': 'disabled',
        },
      },
    });
  }
}
