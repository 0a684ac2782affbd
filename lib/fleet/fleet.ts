import { Construct } from 'constructs';
import type { Locator } from '../model/diagnostics.ts';
import {
  FLEET_API_VERSION,
  FLEET_KIND,
  type ClusterSettings,
  type ClusterSpec,
  type FleetDeliverySpec,
  type FleetDocument,
  type FleetSpec,
} from '../model/types.ts';
import { Cluster, assertDnsLabel, type ClusterProps } from './cluster.ts';
import { Environment, type EnvironmentProps } from './environment.ts';
import { LinkTopology, type Credentials, type LinkMode } from './multicluster.ts';
import { FleetEntry, type FleetEntryList } from './fleet-entry.ts';
import type { AnchorIssuer, TrustAnchor } from './trust.ts';
import type { AcknowledgementSpec, EgressNetworkSpec, FederatedServiceSpec, LinkSpec, MeshServiceSpec, NamespaceSpec, ServiceExportSpec } from '../model/types.ts';
import type { KubeObject } from '../output/kube-object.ts';
import { FleetApp } from '../constructs/workloads/fleet-app.ts';
import { AppDeclarations, meshServiceSpec, type EgressNetworkProps, type MeshServiceProps, type NamespaceProps } from './policy.ts';

export interface AppProps {
  /** The clusters the application runs on; the builder runs once for each. */
  readonly clusters: readonly string[];
  /** Namespace of the objects that set none. @default none: every object names its own */
  readonly namespace?: string;
}

/** Builds an application's objects for one cluster, in `scope` (a cdk8s Chart). */
export type AppBuilder = (scope: FleetApp, cluster: string) => void;

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
  /** Warnings the team accepts (spec.acknowledge): only counted in the summary, and `--strict` passes. @default none */
  readonly acknowledge?: readonly AcknowledgementSpec[];
}

/**
 * The TypeScript front door: builds the same fleet document as a fleet.yaml would. Errors found
 * later name the document path and the construct that wrote it.
 */
const FLEET = Symbol.for('meshfleet.Fleet');

export class Fleet extends Construct {
  /**
   * True for a Fleet made by any copy of meshfleet, like Construct.isConstruct: the compiled CLI
   * loads fleets that import meshfleet's sources (apps/main.ts) or another install of it.
   */
  static isFleet(x: unknown): x is Fleet {
    return typeof x === 'object' && x !== null && FLEET in x;
  }

  readonly fleetName: string;
  private readonly environments: Environment[] = [];
  private readonly clusters: Cluster[] = [];
  private readonly links: LinkSpec[] = [];
  private readonly federatedServices: FederatedServiceSpec[] = [];
  private readonly serviceExports: ServiceExportSpec[] = [];
  private readonly namespaces: NamespaceSpec[] = [];
  private readonly meshServices: { spec: MeshServiceSpec; source: string }[] = [];
  private readonly egressNetworks: EgressNetworkSpec[] = [];
  private readonly apps: FleetApp[] = [];
  private readonly appDeclarations = new AppDeclarations();
  // Separate scopes, so a cluster and an environment may share a name.
  private readonly environmentScope: Construct;
  private readonly clusterScope: Construct;
  private readonly appScope: Construct;
  /** Scope for the fleet's routes: `new HttpRoute(fleet.routes, 'checkout', {...})`. */
  readonly routes: Construct;
  /** Scope for the fleet's service declarations: `new ServiceDeclaration(fleet.services, 'db', {...})`. */
  readonly services: Construct;

  constructor(scope: Construct, id: string, private readonly props: FleetProps) {
    super(scope, id);
    Object.defineProperty(this, FLEET, { value: true });
    assertDnsLabel(id, 'fleet name', this.node.path);
    this.fleetName = id;
    this.environmentScope = new Construct(this, 'environments');
    this.clusterScope = new Construct(this, 'clusters');
    this.appScope = new Construct(this, 'apps');
    // Own scopes, so a route, a service declaration and a cluster may share a name.
    this.routes = new Construct(this, 'routes');
    this.services = new Construct(this, 'services');
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
    this.serviceExports.push({ ...service, ...(service.consumers ? { consumers: [...service.consumers] } : {}) });
    return this;
  }

  /** A namespace policies may use; meshfleet writes it (annotated) unless manage is false. */
  addNamespace(name: string, props: NamespaceProps = {}): this {
    assertDnsLabel(name, 'namespace', `${this.node.path}/namespaces`);
    this.namespaces.push({ name, ...props });
    return this;
  }

  /** A service, its ports and who may call it: the spec.policy.services entry. */
  addMeshService(name: string, props: MeshServiceProps): this {
    assertDnsLabel(name, 'service name', `${this.node.path}/services`);
    this.meshServices.push({ spec: meshServiceSpec(name, props), source: `construct ${this.node.path} (addMeshService ${name})` });
    return this;
  }

  /** An EgressNetwork: the spec.policy.egress entry. */
  addEgressNetwork(name: string, props: EgressNetworkProps): this {
    assertDnsLabel(name, 'egress network name', `${this.node.path}/egress`);
    this.egressNetworks.push({ name, ...props });
    return this;
  }

  /**
   * An application: `build` runs once per cluster with a cdk8s Chart to put the application's objects
   * in (they go to app-<name>.yaml in that cluster's mesh chart). MeshedWorkloads inside declare their
   * policy, exports and federation to this fleet, merged across clusters.
   */
  addApp(name: string, props: AppProps, build: AppBuilder): this {
    assertDnsLabel(name, 'application name', `${this.node.path}/apps`);
    const scope = new Construct(this.appScope, name);
    for (const cluster of props.clusters) {
      const app = new FleetApp(scope, cluster, { appName: name, cluster, namespace: props.namespace, declarations: this.appDeclarations });
      this.apps.push(app);
      build(app, cluster);
    }
    return this;
  }

  /** The objects of the applications on a cluster, one entry per application. */
  readonly appObjects = (cluster: string): { name: string; objects: KubeObject[] }[] =>
    this.apps.filter((a) => a.cluster === cluster).map((a) => ({ name: a.appName, objects: a.toJson() as KubeObject[] }));

  /** Mesh services as the document lists them: declared ones, then the applications' (merged). */
  private allMeshServices(): { spec: MeshServiceSpec; source: string }[] {
    return [...this.meshServices, ...this.appDeclarations.meshServices()];
  }

  toDocument(): FleetDocument {
    const p = this.props;
    const stray = this.apps.find((a) => !this.clusters.some((c) => c.name === a.cluster));
    if (stray) {
      throw new Error(`${stray.node.path}: application ${stray.appName} runs on cluster ${JSON.stringify(stray.cluster)}, which the fleet does not have. Fix: add the cluster with fleet.addCluster, or remove it from the application's clusters`);
    }
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
        federatedServices: nonEmpty([...this.federatedServices, ...this.appDeclarations.federatedServices()]),
        exports: nonEmpty([...this.serviceExports, ...this.appDeclarations.exports()]),
        credentials: p.credentials?.spec,
        delivery: p.delivery,
        namespaces: nonEmpty(this.namespaces),
        policy:
          this.allMeshServices().length || this.egressNetworks.length
            ? { services: nonEmpty(this.allMeshServices().map((s) => s.spec)), egress: nonEmpty(this.egressNetworks) }
            : undefined,
        ...this.entries(),
        acknowledge: p.acknowledge?.length ? p.acknowledge : undefined,
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
    const entry = /^\/spec\/(routes|services)\/(\d+)/.exec(path);
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
    const service = /^\/spec\/policy\/services\/(\d+)/.exec(path);
    if (service) return this.allMeshServices()[Number(service[1])]?.source ?? `construct ${this.node.path}`;
    return `construct ${this.node.path} (props)`;
  };
}

function nonEmpty<T>(list: readonly T[]): readonly T[] | undefined {
  return list.length ? list : undefined;
}
