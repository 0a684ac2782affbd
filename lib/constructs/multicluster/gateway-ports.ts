// The ports of a cluster's multicluster gateway, seen from both ends: what the target's gateway
// Service exposes (linkerd-multicluster values) and what a source's Link dials. Both ends ask this
// file, so a Link always dials a port the target really opens.
import { DEFAULT_PROXY_ADMIN_PORT } from '../../compat/linkerd-releases.ts';
import type { ResolvedCluster } from '../../resolve/resolve.ts';
import { GATEWAY_DEFAULTS } from '../../compat/multicluster-names.ts';

/** The proxy annotation that moves its admin server (https://linkerd.io/2/reference/proxy-configuration/). */
export const ADMIN_PORT_ANNOTATION = 'config.linkerd.io/admin-port';

export interface GatewayPorts {
  readonly serviceType: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  /** What a source's Link dials: `gatewayPort` and `probeSpec.port` (for NodePort, the node ports). */
  readonly link: { readonly port: number; readonly probePort: number };
  /** The gateway Service's own ports (`gateway.port`, `gateway.probe.port`). */
  readonly service: { readonly port: number; readonly probePort: number };
  /** `gateway.nodePort` and `gateway.probe.nodePort`, for a NodePort Service. */
  readonly nodePorts?: { readonly port: number; readonly probePort: number };
  /**
   * The proxy admin port of the gateway pod when it must differ from the cluster's: the probe Service
   * port has no targetPort upstream, so the pod port must be where the admin server listens.
   */
  readonly adminPort?: number;
}

/**
 * What a Link's source reads of its target cluster, and nothing more: the source's rendering (and its
 * incremental input key, lib/synth/incremental.ts) depends on these fields of the target only.
 */
export type LinkTarget = Pick<ResolvedCluster, 'name' | 'clusterDomain' | 'apiServer' | 'gateway'>;

export function linkTargetOf(cluster: ResolvedCluster): LinkTarget {
  return { name: cluster.name, clusterDomain: cluster.clusterDomain, apiServer: cluster.apiServer, gateway: cluster.gateway };
}

/** What a source's Link dials on the target's gateway (GatewayPorts.link). */
export function linkPortsOf(target: LinkTarget): GatewayPorts['link'] {
  const gw = target.gateway;
  return { port: gw.port ?? GATEWAY_DEFAULTS.port, probePort: gw.probe?.port ?? GATEWAY_DEFAULTS.probe.port };
}

/**
 * The gateway ports of a target cluster. With a NodePort Service the port settings are the node ports
 * (what `linkerd multicluster link-gen` writes into a Link), and the Service keeps the proxy's own
 * inbound and admin ports; otherwise the Service ports are the settings themselves.
 */
export function gatewayPortsOf(cluster: ResolvedCluster): GatewayPorts {
  const gw = cluster.gateway;
  const serviceType = gw.serviceType ?? GATEWAY_DEFAULTS.serviceType;
  const link = linkPortsOf(cluster);
  const adminPort = proxyAdminPortOf(cluster);
  if (serviceType === 'NodePort') {
    return { serviceType, link, service: { port: GATEWAY_DEFAULTS.port, probePort: adminPort }, nodePorts: link };
  }
  return { serviceType, link, service: link, ...(link.probePort !== adminPort ? { adminPort: link.probePort } : {}) };
}

/** The cluster's proxy admin port: the chart default unless controlPlane.values moves it. */
function proxyAdminPortOf(cluster: ResolvedCluster): number {
  const admin = (cluster.controlPlane.values?.proxy as { ports?: { admin?: unknown } } | undefined)?.ports?.admin;
  return admin !== undefined && Number.isInteger(Number(admin)) ? Number(admin) : DEFAULT_PROXY_ADMIN_PORT;
}
