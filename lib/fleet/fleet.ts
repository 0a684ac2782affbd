import { Construct } from 'constructs';
import type { Locator } from '../model/diagnostics.ts';
import {
  FLEET_API_VERSION,
  FLEET_KIND,
  type ClusterSettings,
  type ClusterSpec,
  type FleetDeliverySpec,
  type FleetDocument,
} from '../model/types.ts';
import { Cluster, assertDnsLabel, type ClusterProps } from './cluster.ts';
import { Environment, type EnvironmentProps } from './environment.ts';
import { LinkTopology, type Credentials, type LinkMode } from './multicluster.ts';
import type { AnchorIssuer, TrustAnchor } from './trust.ts';
import type { FederatedServiceSpec, LinkSpec, ServiceExportSpec } from '../model/types.ts';

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
  /** Where Link credentials come from. @default Credentials.externalSecret() with the anchor's store */
  readonly credentials?: Credentials;
  /** GitOps delivery: engine, repository, rollout order, chart major. @default engine "none" */
  readonly delivery?: FleetDeliverySpec;
}

/**
 * The TypeScript front door: builds the same fleet document as a fleet.yaml would. Errors found
 * later name the document path and the construct that wrote it.
 */
export class Fleet extends Construct {
  readonly fleetName: string;
  private readonly environments: Environment[] = [];
  private readonly clusters: Cluster[] = [];
  private readonly links: LinkSpec[] = [];
  private readonly federatedServices: FederatedServiceSpec[] = [];
  private readonly services: ServiceExportSpec[] = [];
  // Separate scopes, so a cluster and an environment may share a name.
  private readonly environmentScope: Construct;
  private readonly clusterScope: Construct;

  constructor(scope: Construct, id: string, private readonly props: FleetProps) {
    super(scope, id);
    assertDnsLabel(id, 'fleet name', this.node.path);
    this.fleetName = id;
    this.environmentScope = new Construct(this, 'environments');
    this.clusterScope = new Construct(this, 'clusters');
  }

  addEnvironment(name: string, settings: EnvironmentProps = {}): Environment {
    const environment = new Environment(this.environmentScope, name, settings);
    this.environments.push(environment);
    return environment;
  }

  addCluster(name: string, props: ClusterProps): Cluster {
    const cluster = new Cluster(this.clusterScope, name, props, (target, mode) => this.addLink(name, target, mode));
    this.clusters.push(cluster);
    return cluster;
  }

  /** `from` mirrors the services of `to` (lists: every pair). */
  addLink(from: string | readonly string[], to: string | readonly string[], mode: LinkMode): this {
    return this.addLinks(LinkTopology.pairs(from, to, mode));
  }

  addLinks(...topologies: readonly LinkTopology[]): this {
    for (const t of topologies) this.links.push(t.spec);
    return this;
  }

  /** Members in these clusters form `<name>-federated`. */
  federateService(service: FederatedServiceSpec): this {
    this.federatedServices.push({ ...service, clusters: [...service.clusters] });
    return this;
  }

  /** A service the fleet should know: its export labels go to index.json, and links are checked against it. */
  exportService(service: ServiceExportSpec): this {
    this.services.push({ ...service, ...(service.consumers ? { consumers: [...service.consumers] } : {}) });
    return this;
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
        links: this.links.length ? this.links : undefined,
        federatedServices: this.federatedServices.length ? this.federatedServices : undefined,
        services: this.services.length ? this.services : undefined,
        credentials: p.credentials?.spec,
        delivery: p.delivery,
      },
    };
    // Drop undefined fields so the document equals the one parsed from YAML.
    return JSON.parse(JSON.stringify(document)) as FleetDocument;
  }

  /** Maps a document path to the construct that wrote it. */
  readonly locate: Locator = (path) => {
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
