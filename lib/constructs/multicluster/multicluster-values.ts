import { Construct } from 'constructs';
import { upstreamHaValues } from '../../compat/upstream-values.ts';
import { mergeLayers } from '../../model/merge.ts';
import type { ClusterMulticlusterView } from '../../resolve/links.ts';
import type { ResolvedCluster } from '../../resolve/resolve.ts';
import { LINKERD_NAMESPACE } from '../../compat/linkerd-names.ts';
import { ADMIN_PORT_ANNOTATION, gatewayPortsOf, linkPortsOf, type GatewayPorts, type LinkTarget } from './gateway-ports.ts';
import { GATEWAY_DEFAULTS, remoteAccessServiceAccount } from '../../compat/multicluster-names.ts';

export interface MulticlusterValuesProps {
  readonly cluster: ResolvedCluster;
  readonly view: ClusterMulticlusterView;
  readonly trustDomain: string;
  /** Every cluster of the fleet by name, to read what each outgoing Link dials (only its LinkTarget fields). */
  readonly clusters: ReadonlyMap<string, LinkTarget>;
}

/** HA Link controllers run active/passive through the Lease `service-mirror-write-<link>`. */
const HA_CONTROLLER_REPLICAS = 2;

/**
 * Values for the upstream linkerd-multicluster chart: the gateway only where a gateway link targets
 * this cluster, one remote-access ServiceAccount per source linking here, one declarative
 * controller per outgoing Link (gateway off for flat links).
 */
export class MulticlusterValues extends Construct {
  readonly values: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: MulticlusterValuesProps) {
    super(scope, id);
    const { cluster, view } = props;
    const gw = cluster.gateway;
    const gatewayEnabled = view.incoming.some((l) => l.mode === 'gateway');
    const sources = [...new Set(view.incoming.map((l) => l.source))];
    const controllerReplicas = cluster.multicluster.controllerReplicas ?? (cluster.ha ? HA_CONTROLLER_REPLICAS : undefined);
    // Chart quirks of this release (compat table) that add keys to every controllers[] entry.
    const quirkEntryValues = Object.assign({}, ...cluster.release.chartQuirks.map((q) => q.controllerEntryValues ?? {}));
    const ports = gatewayPortsOf(cluster);

    const owned = {
      linkerdNamespace: LINKERD_NAMESPACE,
      identityTrustDomain: props.trustDomain,
      gateway: {
        enabled: gatewayEnabled,
        ...(gatewayEnabled
          ? {
              ...gatewayServicePorts(ports),
              serviceType: ports.serviceType,
              probe: {
                path: gw.probe?.path ?? GATEWAY_DEFAULTS.probe.path,
                port: ports.service.probePort,
                ...(ports.nodePorts ? { nodePort: ports.nodePorts.probePort } : {}),
                seconds: gw.probe?.seconds ?? GATEWAY_DEFAULTS.probe.seconds,
              },
              ...(ports.adminPort !== undefined ? { deploymentAnnotations: { [ADMIN_PORT_ANNOTATION]: String(ports.adminPort) } } : {}),
              ...(gw.replicas !== undefined ? { replicas: gw.replicas } : {}),
              ...(gw.loadBalancerClass !== undefined ? { loadBalancerClass: gw.loadBalancerClass } : {}),
              ...(gw.loadBalancerSourceRanges !== undefined ? { loadBalancerSourceRanges: [...gw.loadBalancerSourceRanges] } : {}),
              ...(gw.serviceAnnotations !== undefined ? { serviceAnnotations: { ...gw.serviceAnnotations } } : {}),
            }
          : {}),
      },
      remoteMirrorServiceAccount: sources.length > 0,
      ...(sources.length ? { remoteMirrorServiceAccountName: sources.map(remoteAccessServiceAccount) } : {}),
      controllers: view.outgoing.map((link) => ({
        link: { ref: { name: link.name } },
        // The local probe-<link> Service listens where the Link's probeSpec.port says the probe goes.
        gateway: link.mode === 'flat' ? { enabled: false } : { probe: { port: linkPortsOf(props.clusters.get(link.target)!).probePort } },
        ...quirkEntryValues,
        ...(controllerReplicas !== undefined ? { replicas: controllerReplicas } : {}),
        ...(cluster.multicluster.logLevel ? { logLevel: cluster.multicluster.logLevel } : {}),
        ...(cluster.multicluster.logFormat ? { logFormat: cluster.multicluster.logFormat } : {}),
      })),
    };
    const ha = cluster.ha ? upstreamHaValues(cluster.release, 'linkerd-multicluster') : undefined;
    this.values = mergeLayers([
      { value: ha, path: '' },
      { value: owned, path: '' },
      { value: cluster.multicluster.values, path: '' },
    ]).value;
  }
}

/** `gateway.port`, and `gateway.nodePort` for a NodePort Service. */
function gatewayServicePorts(ports: GatewayPorts): { port: number; nodePort?: number } {
  return { port: ports.service.port, ...(ports.nodePorts ? { nodePort: ports.nodePorts.port } : {}) };
}
