import { Construct } from 'constructs';
import { toYaml } from '../output/yaml.ts';
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
 * A cluster's Gateway API CRDs, delivered ahead of linkerd-crds. For a vendored bundle, the files of
 * the cluster's `gateway-api/` folder: the bundle's manifests copied byte for byte (so they compare
 * with upstream by checksum) and a kustomization.yaml. An upstream or external bundle needs no files:
 * GitOps reads `source`.
 */
export class GatewayApiCrds extends Construct {
  /** Where GitOps gets the bundle; undefined for external CRDs. */
  readonly source?: GatewayAPISource;
  /** File name → content, for the cluster's gateway-api/ folder; empty unless vendored. */
  readonly files: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: GatewayApiCrdsProps) {
    super(scope, id);
    const { vendored, version, channel, source } = props.gatewayAPI;
    this.source = source;
    const files = new Map<string, string>();
    if (vendored) {
      if (vendored.problem) throw new Error(`cannot vendor Gateway API v${version} ${channel}: ${vendored.problem}. Fix: point vendor at a copy of the upstream config/crd/${channel} folder`);
      for (const file of vendored.files) files.set(file.name, file.content);
      files.set(
        'kustomization.yaml',
        `# Gateway API v${version} ${channel}, vendored by meshfleet; apply server-side, before linkerd-crds.\n` +
          toYaml({
            apiVersion: 'kustomize.config.k8s.io/v1beta1',
            kind: 'Kustomization',
            commonAnnotations: { ...GATEWAY_API_CRD_ANNOTATIONS },
            resources: vendored.files.map((f) => f.name),
          }),
      );
    }
    this.files = files;
  }
}
