import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { UpstreamChart } from '../compat/upstream-values.ts';
import type { KubeObject, ObjectFile } from '../output/kube-object.ts';
import type { ResolvedCluster, ResolvedTrust } from '../resolve/resolve.ts';
import { ControlPlane } from './control-plane.ts';
import { GatewayApiCrds } from './gateway-api-crds.ts';
import { IdentityIssuer } from './identity-issuer.ts';
import { MeshNamespace } from './mesh-namespace.ts';
import { LINKERD_NAMESPACE } from './names.ts';
import { WebhookCertificates } from './webhook-certificates.ts';

export interface ClusterMeshProps {
  readonly cluster: ResolvedCluster;
  readonly trust: ResolvedTrust;
  readonly fleetName: string;
}

/**
 * Everything meshfleet emits for one cluster: the objects of its `mesh/` chart (as children) and the
 * values for the upstream Linkerd charts. Each cluster is its own failure domain with its own
 * control plane; what it shares with the fleet is the trust anchor.
 */
export class ClusterMesh extends Chart {
  readonly cluster: ResolvedCluster;
  /** Values per upstream chart, written to values/<chart>.yaml. */
  readonly upstreamValues: Partial<Record<UpstreamChart, Record<string, unknown>>>;
  /** The cluster's Gateway API CRDs: where GitOps gets them, and the files of a vendored bundle. */
  readonly gatewayApiCrds: GatewayApiCrds;

  constructor(scope: Construct, id: string, props: ClusterMeshProps) {
    super(scope, id, {
      labels: { 'meshfleet.dev/fleet': props.fleetName, 'meshfleet.dev/cluster': props.cluster.name },
      disableResourceNameHashes: true,
    });
    const { cluster, trust } = props;
    this.cluster = cluster;

    new MeshNamespace(this, 'LinkerdNamespace', {
      name: LINKERD_NAMESPACE,
      cni: cluster.cni,
      labels: {
        'config.linkerd.io/admission-webhooks': 'disabled',
        'linkerd.io/control-plane-ns': LINKERD_NAMESPACE,
        'linkerd.io/is-control-plane': 'true',
      },
      annotations: { 'linkerd.io/inject': 'disabled' },
    });
    new IdentityIssuer(this, 'IdentityIssuer', {
      namespace: LINKERD_NAMESPACE,
      trustDomain: trust.domain,
      anchorIssuer: trust.issuer,
      duration: trust.identityIssuer.duration,
      renewBefore: trust.identityIssuer.renewBefore,
    });
    const webhooks = new WebhookCertificates(this, 'WebhookCertificates', { namespace: LINKERD_NAMESPACE });
    const controlPlane = new ControlPlane(this, 'ControlPlane', { cluster, trust, webhookCaFrom: webhooks.injectCaFrom });

    this.gatewayApiCrds = new GatewayApiCrds(this, 'GatewayApiCrds', { gatewayAPI: cluster.gatewayAPI });

    this.upstreamValues = {
      'linkerd-crds': controlPlane.crdsValues,
      'linkerd-control-plane': controlPlane.controlPlaneValues,
    };
  }
}

/**
 * The chart's objects grouped by top-level construct, in construct order: one output file each,
 * named after the construct id ("IdentityIssuer" → "identity-issuer.yaml").
 */
export function objectFilesOf(chart: Chart): ObjectFile[] {
  const files = new Map<string, KubeObject[]>();
  for (const node of chart.node.findAll()) {
    if (!ApiObject.isApiObject(node)) continue;
    const top = node.node.scopes[node.node.scopes.indexOf(chart) + 1];
    const name = `${kebab(top.node.id)}.yaml`;
    if (!files.has(name)) files.set(name, []);
    files.get(name)!.push(node.toJson() as KubeObject);
  }
  return [...files].map(([name, objects]) => ({ name, objects }));
}

function kebab(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
