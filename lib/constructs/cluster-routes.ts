import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AppNamespace } from './policy/app-namespace.ts';
import { linkerdGatewayAPI } from '../compat/gateway-api.ts';
import type { ResolvedCluster } from '../resolve/resolve.ts';
import { MeshRoutes } from './routes/mesh-routes.ts';
import { MeshServices } from './routes/mesh-services.ts';

export interface ClusterRoutesProps {
  readonly cluster: ResolvedCluster;
  readonly fleetName: string;
  /** Namespaces the cluster's mesh chart already creates (application namespaces). @default none */
  readonly meshNamespaces?: readonly string[];
}

/**
 * A cluster's traffic objects: declared Services and mesh routes, in the applications' namespaces.
 * They are kept out of the mesh chart on purpose: GitOps applies them last (after the control plane,
 * once the namespaces exist), and a missing application namespace cannot block the identity issuer.
 */
export class ClusterRoutes extends Chart {
  /** Whether the cluster has anything to write here. */
  static needed(cluster: ResolvedCluster): boolean {
    return cluster.routes.length > 0 || cluster.services.some((s) => s.spec.selector);
  }

  constructor(scope: Construct, id: string, props: ClusterRoutesProps) {
    super(scope, id, {
      labels: { 'meshfleet.dev/fleet': props.fleetName, 'meshfleet.dev/cluster': props.cluster.name },
      disableResourceNameHashes: true,
    });
    const { cluster } = props;
    // A route or Service in a namespace nothing else creates would fail to apply: create it here,
    // kept on uninstall and never pruned like the mesh chart's application namespaces.
    const declared = [...cluster.routes.map((r) => r.spec.namespace), ...cluster.services.filter((s) => s.spec.selector).map((s) => s.spec.namespace)];
    const missing = [...new Set(declared)].filter((ns) => !(props.meshNamespaces ?? []).includes(ns)).sort();
    if (missing.length) {
      const namespaces = new Construct(this, 'Namespaces');
      for (const name of missing) new AppNamespace(namespaces, name, { name });
    }
    if (cluster.services.some((s) => s.spec.selector)) {
      new MeshServices(this, 'Services', { services: cluster.services.map((s) => s.spec) });
    }
    if (cluster.routes.length) {
      new MeshRoutes(this, 'Routes', { routes: cluster.routes.map((r) => r.spec), linkerd: linkerdGatewayAPI(cluster.release) });
    }
  }
}
