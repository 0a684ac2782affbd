import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { UpstreamChart } from '../compat/upstream-values.ts';
import type { KubeObject, ObjectFile } from '../model/kube-object.ts';
import { takesPartInMulticluster, type ClusterMulticlusterView } from '../resolve/links.ts';
import type { CredentialsSpec } from '../model/types.ts';
import type { ClusterPolicyView } from '../resolve/policy.ts';
import type { ResolvedCluster, ResolvedTrust } from '../resolve/resolve.ts';
import { addClusterPolicy } from './policy/cluster-policy.ts';
import { AppObjects } from './workloads/app-objects.ts';
import { LinkCredentials, DEFAULT_REMOTE_KEY_PREFIX } from './multicluster/link-credentials.ts';
import { MirrorLink } from './multicluster/mirror-link.ts';
import { MulticlusterValues } from './multicluster/multicluster-values.ts';
import { linkPortsOf, type LinkTarget } from './multicluster/gateway-ports.ts';
import { GATEWAY_DEFAULTS, MULTICLUSTER_NAMESPACE } from '../compat/multicluster-names.ts';
import { RemoteAccessPublisher } from './multicluster/remote-access-publisher.ts';
import { Construct as Group } from 'constructs';
import { ControlPlane } from './control-plane.ts';
import { GatewayApiCrds } from './gateway-api-crds.ts';
import { IdentityIssuer } from './identity-issuer.ts';
import { signingAnchorOf } from '../model/trust-anchor.ts';
import { MeshNamespace } from './mesh-namespace.ts';
import { LINKERD_NAMESPACE } from '../compat/linkerd-names.ts';
import { WebhookCertificates } from './webhook-certificates.ts';
import { objectJsonOf } from './object-json.ts';

export interface ClusterMeshProps {
  readonly cluster: ResolvedCluster;
  readonly trust: ResolvedTrust;
  readonly fleetName: string;
  /** The links and federations this cluster takes part in. @default none */
  readonly multicluster?: {
    readonly view: ClusterMulticlusterView;
    /** Every cluster of the fleet by name, to read link targets (only their LinkTarget fields). */
    readonly clusters: ReadonlyMap<string, LinkTarget>;
    readonly credentials: CredentialsSpec;
  };
  /** Namespaces, Servers, authorizations, rate limits and egress networks of this cluster. @default none */
  readonly policy?: ClusterPolicyView;
  /** Application objects (TypeScript fleets: fleet.addApp), one file app-<name>.yaml each. @default none */
  readonly apps?: readonly { readonly name: string; readonly objects: readonly KubeObject[] }[];
}

/**
 * Everything meshfleet emits for one cluster: the objects of its `mesh/` chart (as children) and the
 * values for the upstream Linkerd charts. Each cluster is its own failure domain with its own
 * control plane; what it shares with the fleet is the trust anchor.
 */
export class ClusterMesh extends Chart {
  readonly cluster: ResolvedCluster;
  /** Values per upstream chart, written to values/<chart>.yaml. */
  readonly upstreamValues: Partial<Record<UpstreamChart, Record<string, unknown>>> = {};
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
      ...(trust.rotation && signingAnchorOf(trust.rotation) === trust.rotation.next ? { signedByAnchor: trust.rotation.next } : {}),
      duration: trust.identityIssuer.duration,
      renewBefore: trust.identityIssuer.renewBefore,
    });
    const webhooks = new WebhookCertificates(this, 'WebhookCertificates', { namespace: LINKERD_NAMESPACE });
    const controlPlane = new ControlPlane(this, 'ControlPlane', { cluster, trust, webhookCaFrom: webhooks.injectCaFrom });

    this.gatewayApiCrds = new GatewayApiCrds(this, 'GatewayApiCrds', { gatewayAPI: cluster.gatewayAPI });
    this.upstreamValues['linkerd-crds'] = controlPlane.crdsValues;
    this.upstreamValues['linkerd-control-plane'] = controlPlane.controlPlaneValues;
    if (props.multicluster && takesPartInMulticluster(props.multicluster.view)) {
      this.upstreamValues['linkerd-multicluster'] = this.addMulticluster(props.multicluster, trust.domain);
    }
    if (props.policy) addClusterPolicy(this, props.policy);
    for (const app of props.apps ?? []) new AppObjects(this, `App-${app.name}`, { objects: app.objects });
  }

  /** Multicluster objects in files of their own: namespace, links, their credentials, remote access. */
  private addMulticluster(mc: NonNullable<ClusterMeshProps['multicluster']>, trustDomain: string): Record<string, unknown> {
    const { cluster } = this;
    const { view, credentials } = mc;
    new MeshNamespace(this, 'MulticlusterNamespace', {
      name: MULTICLUSTER_NAMESPACE,
      cni: cluster.cni,
      labels: { 'linkerd.io/extension': 'multicluster' },
    });
    if (view.outgoing.length) {
      const links = new Group(this, 'Links');
      const linkCredentials = new Group(this, 'LinkCredentials');
      for (const link of view.outgoing) {
        const target = mc.clusters.get(link.target)!;
        const ports = linkPortsOf(target);
        new MirrorLink(links, link.name, {
          source: cluster.name,
          mode: link.mode,
          target: {
            name: target.name,
            clusterDomain: target.clusterDomain,
            trustDomain,
            gatewayAddress: target.gateway.address,
            gatewayName: GATEWAY_DEFAULTS.name,
            gatewayPort: ports.port,
            probe: { ...GATEWAY_DEFAULTS.probe, ...target.gateway.probe, port: ports.probePort },
          },
        });
        new LinkCredentials(linkCredentials, link.name, {
          source: cluster.name,
          target: { name: target.name, apiServer: target.apiServer, clusterDomain: target.clusterDomain },
          trustDomain,
          credentials,
        });
      }
    }
    if (view.incoming.length && credentials.type === 'externalSecret' && credentials.pushSecret !== false && credentials.store) {
      const remoteAccess = new Group(this, 'RemoteAccess');
      for (const source of new Set(view.incoming.map((l) => l.source))) {
        new RemoteAccessPublisher(remoteAccess, source, {
          target: cluster.name,
          source,
          store: credentials.store,
          remoteKeyPrefix: credentials.remoteKeyPrefix ?? DEFAULT_REMOTE_KEY_PREFIX,
          refreshInterval: credentials.refreshInterval,
        });
      }
    }
    return new MulticlusterValues(this, 'Multicluster', { cluster, view, trustDomain, clusters: mc.clusters }).values;
  }
}

/**
 * The chart's objects grouped by top-level construct, in construct order: one output file each,
 * named after the construct id ("IdentityIssuer" → "identity-issuer.yaml").
 */
export function objectFilesOf(chart: Chart): ObjectFile[] {
  const files = new Map<string, KubeObject[]>();
  const json = objectJsonOf(chart);
  // Each top-level construct's subtree in turn: the chart's own pre-order walk, without looking up
  // every object's scopes.
  for (const top of chart.node.children) {
    const name = `${kebab(top.node.id)}.yaml`;
    for (const node of top.node.findAll()) {
      if (!ApiObject.isApiObject(node)) continue;
      if (!files.has(name)) files.set(name, []);
      files.get(name)!.push(json(node));
    }
  }
  return [...files].map(([name, objects]) => ({ name, objects }));
}

function kebab(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
