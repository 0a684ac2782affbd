import { Construct } from 'constructs';
import type { Locator } from '../model/diagnostics.ts';
import {
  FLEET_API_VERSION,
  FLEET_KIND,
  type ClusterSettings,
  type ClusterSpec,
  type FleetDocument,
  type FleetSpec,
} from '../model/types.ts';
import { Cluster, assertDnsLabel, type ClusterProps } from './cluster.ts';
import { Environment } from './environment.ts';
import { FleetEntry, type FleetEntryList } from './fleet-entry.ts';
import type { AnchorIssuer, TrustAnchor } from './trust.ts';

export interface FleetProps {
  readonly trustAnchor: TrustAnchor;
  /** @default "cluster.local" */
  readonly trustDomain?: string;
  /** @default AnchorIssuer.secret("linkerd-trust-anchor") */
  readonly anchorIssuer?: AnchorIssuer;
  /** Lifetime of each cluster's identity issuer. @default 48h, renewed 25h before expiry */
  readonly identityIssuer?: { readonly duration?: string; readonly renewBefore?: string };
  /** Settings every cluster starts from. */
  readonly defaults?: ClusterSettings;
}

/**
 * The TypeScript front door: builds the same fleet document as a fleet.yaml would. Errors found
 * later name the document path and the construct that wrote it.
 */
export class Fleet extends Construct {
  readonly fleetName: string;
  private readonly environments: Environment[] = [];
  private readonly clusters: Cluster[] = [];
  // Separate scopes, so a cluster and an environment may share a name.
  private readonly environmentScope: Construct;
  private readonly clusterScope: Construct;
  /** Scope for the fleet's routes: `new HttpRoute(fleet.routes, 'checkout', {...})`. */
  readonly routes: Construct;
  /** Scope for the fleet's service declarations: `new MeshService(fleet.services, 'db', {...})`. */
  readonly services: Construct;

  constructor(scope: Construct, id: string, private readonly props: FleetProps) {
    super(scope, id);
    assertDnsLabel(id, 'fleet name', this.node.path);
    this.fleetName = id;
    this.environmentScope = new Construct(this, 'environments');
    this.clusterScope = new Construct(this, 'clusters');
    // Own scopes, so a route, a service declaration and a cluster may share a name.
    this.routes = new Construct(this, 'routes');
    this.services = new Construct(this, 'services');
  }

  addEnvironment(name: string, settings: ClusterSettings = {}): Environment {
    const environment = new Environment(this.environmentScope, name, settings);
    this.environments.push(environment);
    return environment;
  }

  addCluster(name: string, props: ClusterProps): Cluster {
    const cluster = new Cluster(this.clusterScope, name, props);
    this.clusters.push(cluster);
    return cluster;
  }

  toDocument(): FleetDocument {
    const p = this.props;
    const document: FleetDocument = {
      apiVersion: FLEET_API_VERSION,
      kind: FLEET_KIND,
      metadata: { name: this.fleetName },
      spec: {
        trust: {
          anchor: p.trustAnchor.source,
          domain: p.trustDomain,
          issuer: p.anchorIssuer?.spec,
          identityIssuer: p.identityIssuer,
        },
        defaults: p.defaults,
        environments: this.environments.length
          ? Object.fromEntries(this.environments.map((e) => [e.name, e.toSpec()]))
          : undefined,
        clusters: this.clusters.map((c): ClusterSpec => c.toSpec()),
        ...this.entries(),
      },
    };
    // Drop undefined fields so the document equals the one parsed from YAML.
    return JSON.parse(JSON.stringify(document)) as FleetDocument;
  }

  /**
   * Routes, services, links and federated services created anywhere below the fleet, as document
   * lists in construct order (empty lists left out, as a fleet file would).
   */
  private entries(): Pick<FleetSpec, FleetEntryList> {
    const lists: Partial<Record<FleetEntryList, unknown[]>> = {};
    for (const entry of this.node.findAll().filter(FleetEntry.isFleetEntry)) (lists[entry.list] ??= []).push(entry.toSpec());
    return lists as Pick<FleetSpec, FleetEntryList>;
  }

  /** Maps a document path to the construct that wrote it. */
  readonly locate: Locator = (path) => {
    const entry = /^\/spec\/(routes|services|links|federatedServices)\/(\d+)/.exec(path);
    if (entry) {
      const found = this.node.findAll().filter(FleetEntry.isFleetEntry).filter((e) => e.list === entry[1])[Number(entry[2])];
      return `construct ${found?.node.path ?? this.node.path}`;
    }
    const cluster = /^\/spec\/clusters\/(\d+)/.exec(path);
    if (cluster) return `construct ${this.clusters[Number(cluster[1])]?.node.path ?? this.node.path}`;
    const environment = /^\/spec\/environments\/([^/]+)/.exec(path);
    if (environment) {
      const found = this.environments.find((e) => e.name === environment[1]);
      return `construct ${found?.node.path ?? this.node.path}`;
    }
    return `construct ${this.node.path} (props)`;
  };
}
