import { Construct } from 'constructs';
import { vendoredBundleProblem } from '../model/gateway-api-settings.ts';
import { assertValue } from './assert-props.ts';
import type { GatewayAPISource, ResolvedGatewayAPI } from '../resolve/gateway-api.ts';

export interface GatewayApiCrdsProps {
  /** The cluster's Gateway API dependency, as resolved. */
  readonly gatewayAPI: ResolvedGatewayAPI;
}

/**
 * Annotations that keep GitOps from pruning the CRDs (a pruned CRD deletes every route with it) and
 * make Argo CD apply them server-side (the experimental HTTPRoute CRD is too big for client-side apply).
 * Flux's Kustomization applies server-side already.
 */
export const GATEWAY_API_CRD_ANNOTATIONS: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false,ServerSideApply=true',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/**
 * A cluster's Gateway API CRDs, delivered ahead of linkerd-crds. An upstream or external bundle needs
 * no files: GitOps reads `source`; a vendored bundle's folder is laid out by lib/output/gateway-api-folder.ts.
 */
export class GatewayApiCrds extends Construct {
  /** Where GitOps gets the bundle; undefined for external CRDs. */
  readonly source?: GatewayAPISource;

  constructor(scope: Construct, id: string, props: GatewayApiCrdsProps) {
    super(scope, id);
    const { vendored, version, channel, source } = props.gatewayAPI;
    this.source = source;
    assertValue(vendoredBundleProblem(vendored, version, channel), this.node.path);
  }
}
