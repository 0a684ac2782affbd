import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { DEFAULT_CLUSTER_NETWORKS } from '../compat/linkerd-releases.ts';
import { upstreamHaValues } from '../compat/upstream-values.ts';
import { contains, parseCidr, type Cidr } from '../model/cidr.ts';
import { mergeLayers } from '../model/merge.ts';
import type { ProxySettings } from '../model/types.ts';
import type { ResolvedCluster, ResolvedTrust } from '../resolve/resolve.ts';

export interface ControlPlaneProps {
  readonly cluster: ResolvedCluster;
  readonly trust: ResolvedTrust;
  /** Webhook values key → `<namespace>/<Certificate>` for cert-manager CA injection. */
  readonly webhookCaFrom: Readonly<Record<string, string>>;
}

/**
 * Values for the upstream linkerd-crds and linkerd-control-plane charts (never a re-implementation of
 * them). Chosen so that rendering the upstream chart with these values is byte-stable: webhook
 * certificates come from cert-manager and the heartbeat schedule is pinned.
 */
export class ControlPlane extends Construct {
  readonly crdsValues: Record<string, unknown>;
  readonly controlPlaneValues: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: ControlPlaneProps) {
    super(scope, id);
    const { cluster, trust } = props;

    // meshfleet delivers Gateway API CRDs itself; Linkerd must never install (or delete) them.
    this.crdsValues = { installGatewayAPI: false };

    const webhooks: Record<string, unknown> = {};
    for (const [key, caFrom] of Object.entries(props.webhookCaFrom)) {
      webhooks[key] = { externalSecret: true, injectCaFrom: caFrom };
    }
    const heartbeat = cluster.controlPlane.disableHeartbeat
      ? { disableHeartBeat: true }
      : { heartbeatSchedule: cluster.controlPlane.heartbeatSchedule ?? heartbeatScheduleFor(cluster.name) };

    const owned = {
      clusterDomain: cluster.clusterDomain,
      clusterNetworks: clusterNetworksFor(cluster),
      identityTrustDomain: trust.domain,
      identityTrustAnchorsPEM: trust.anchor.pem,
      identity: { issuer: { scheme: 'kubernetes.io/tls' } },
      ...webhooks,
      ...heartbeat,
      ...(cluster.cni ? { cniEnabled: true } : {}),
      ...(Object.keys(proxyValues(cluster.proxy)).length ? { proxy: proxyValues(cluster.proxy) } : {}),
    };
    this.controlPlaneValues = mergeLayers([
      { value: cluster.ha ? upstreamHaValues(cluster.release, 'linkerd-control-plane') : undefined, path: '' },
      { value: owned, path: '' },
      { value: cluster.controlPlane.values, path: '' },
    ]).value;
  }
}

/** A daily time derived from the cluster name: stable across renders, spread across the fleet. */
export function heartbeatScheduleFor(clusterName: string): string {
  const digest = createHash('sha256').update(clusterName).digest();
  return `${digest[0] % 60} ${digest[1] % 24} * * *`;
}

/**
 * The chart's private ranges plus any pod or service range outside them, so that "cluster"
 * inbound policies and protocol detection treat the cluster's own addresses as in-cluster.
 */
export function clusterNetworksFor(cluster: Pick<ResolvedCluster, 'podCIDR' | 'serviceCIDR'>): string {
  const extra = [cluster.podCIDR, cluster.serviceCIDR]
    .filter((c): c is string => c !== undefined)
    .filter((c) => {
      const parsed = parseCidr(c);
      return parsed && !defaultNetworksOf(parsed.family).some((d) => contains(d, parsed));
    });
  return [...DEFAULT_CLUSTER_NETWORKS, ...extra].join(',');
}

// The chart's ranges of each family, parsed once per process rather than once per cluster, and only
// for a family a cluster's ranges are of: the first IPv6 address a thread parses compiles Node's
// IPv6 pattern (~10 ms), which an IPv4 fleet never needs. An IPv6 range is written with ':', an
// IPv4 one never.
const defaultNetworks = new Map<Cidr['family'], readonly Cidr[]>();

export function defaultNetworksOf(family: Cidr['family']): readonly Cidr[] {
  let parsed = defaultNetworks.get(family);
  if (!parsed) defaultNetworks.set(family, (parsed = DEFAULT_CLUSTER_NETWORKS.filter((n) => n.includes(':') === (family === 6)).map((n) => parseCidr(n)!)));
  return parsed;
}

function proxyValues(proxy: ProxySettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (proxy.logLevel !== undefined) out.logLevel = proxy.logLevel;
  if (proxy.logFormat !== undefined) out.logFormat = proxy.logFormat;
  if (proxy.nativeSidecar !== undefined) out.nativeSidecar = proxy.nativeSidecar;
  // The chart takes a comma-separated string that replaces its default list.
  if (proxy.opaquePorts !== undefined) out.opaquePorts = proxy.opaquePorts.join(',');
  if (proxy.defaultInboundPolicy !== undefined) out.defaultInboundPolicy = proxy.defaultInboundPolicy;
  if (proxy.resources) {
    const resources: Record<string, unknown> = {};
    if (proxy.resources.cpu) resources.cpu = { ...proxy.resources.cpu };
    if (proxy.resources.memory) resources.memory = { ...proxy.resources.memory };
    if (proxy.resources.ephemeralStorage) resources['ephemeral-storage'] = { ...proxy.resources.ephemeralStorage };
    out.resources = resources;
  }
  return out;
}
