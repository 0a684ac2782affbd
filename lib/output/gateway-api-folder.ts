// A cluster's gateway-api/ folder when its Gateway API bundle is vendored: the bundle's manifests
// copied byte for byte (so they compare with upstream by checksum) and a kustomization.yaml. Upstream
// and external bundles have no folder: GitOps reads the source (lib/resolve/gateway-api.ts).
import { GATEWAY_API_CRD_ANNOTATIONS } from '../constructs/gateway-api-crds.ts';
import type { ResolvedGatewayAPI } from '../resolve/gateway-api.ts';
import { toYaml } from './yaml.ts';

/** File name → content, for the cluster's gateway-api/ folder; empty unless vendored. */
export function gatewayApiFolderFiles(gatewayAPI: ResolvedGatewayAPI): ReadonlyMap<string, string> {
  const { vendored, version, channel } = gatewayAPI;
  const files = new Map<string, string>();
  if (!vendored || vendored.problem) return files;
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
  return files;
}
