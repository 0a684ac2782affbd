import { Construct } from 'constructs';
import type { Locator } from '../model/diagnostics.ts';
import {
  FLEET_API_VERSION,
  FLEET_KIND,
  type ClusterSpec,
  type EgressNetworkSpec,
  type FederatedServiceSpec,
  type FleetDeliverySpec,
  type FleetDocument,
  type FleetSpec,
  type LinkSpec,
  type MeshServiceSpec,
  type NamespaceSpec,
  type ServiceExportSpec,
} from '../model/types.ts';
import type { KubeObject } from '../model/kube-object.ts';
import { assertDnsLabel } from './asserts.ts';
import { Cluster, settingsSpec, type ClusterProps, type MeshSettings } from './cluster.ts';
import type { Delivery } from './delivery.ts';
import { Environment, type EnvironmentProps } from './environment.ts';
import { FleetApp } from './fleet-app.ts';
import { FleetEntry, type FleetEntryList } from './fleet-entry.ts';
import { LinkTopology, type Credentials, type LinkMode } from './multicluster.ts';
import { AppDeclarations, egressNetworkSpec, meshServiceSpec, namespaceSpec, type EgressNetworkProps, type MeshServiceProps, type NamespaceProps } from './policy.ts';
import { nameOf, namesOf, type ICluster, type IEnvironment } from './refs.ts';
import { describePlace, formatLocation, userCallSite, type SourceLocation } from './source-location.ts';
import type { AnchorIssuer, TrustAnchor } from './trust.ts';
import { phraseFixForTypeScript } from './typescript-fixes.ts';
import type { AcknowledgementSpec, TrustRotationSpec, UpgradeSettings } from '../model/types.ts';

export interface AppProps {
  /** The clusters the application runs on; the builder runs once for each. */
  readonly clusters: readonly (ICluster | string)[];
  /** Namespace of the objects that set none. @default none: every object names its own */
  readonly namespace?: string;
}

/** Builds an application's objects for one cluster (named `cluster`), in `scope` (a cdk8s Chart). */
export type AppBuilder = (scope: FleetApp, cluster: string) => void;

export interface FleetProps {
  readonly trustAnchor: TrustAnchor;
  /** @default "cluster.local" */
  readonly trustDomain?: string;
  /** @default AnchorIssuer.secret("linkerd-trust-anchor") */
  readonly anchorIssuer?: AnchorIssuer;
  /** A trust anchor rotation in progress: its stage and the anchor being retired (docs/operations/rotate-trust-anchor.md). @default none */
  readonly trustRotation?: TrustRotationSpec;
  /** Lifetime of each cluster's identity issuer. @default 48h, renewed 25h before expiry */
  readonly identityIssuer?: { readonly duration?: string; readonly renewBefore?: string };
  /** Settings every cluster starts from. */
  readonly defaults?: MeshSettings;
  /** Where Link credentials come from. @default Credentials.externalSecret() with the anchor's store */
  readonly credentials?: Credentials;
  /** GitOps delivery: engine, repository, chart major. @default Delivery.none() */
  readonly delivery?: Delivery;
  /** Namespaces the delivery engines run in. @default argocd: "argocd", flux: "flux-system" */
  readonly deliveryNamespaces?: FleetDeliverySpec['namespaces'];
  /** Checks on Linkerd version changes: allowDowngrade (docs/operations/upgrade-linkerd.md). @default none */
  readonly upgrades?: UpgradeSettings;
  /** Warnings the team accepts (spec.acknowledge): only counted in the summary, and `--strict` passes. @default none */
  readonly acknowledge?: readonly AcknowledgementSpec[];
}

/** A service whose members in several clusters form one `<name>-federated` service. */
export interface FederatedServiceProps extends Omit<FederatedServiceSpec, 'clusters'> {
  /** The clusters whose Service is a member. */
  readonly clusters: readonly (ICluster | string)[];
}

/** A service exported from one cluster to the clusters linked to it. */
export interface ServiceExportProps extends Omit<ServiceExportSpec, 'cluster' | 'consumers'> {
  /** The cluster the service runs on. */
  readonly cluster: ICluster | string;
  /** The clusters expected to use it (checked against the links). @default every linked cluster */
  readonly consumers?: readonly (ICluster | string)[];
}

/** An entry of a document list, and where the user's code made it. */
interface Placed<Spec> {
  readonly spec: Spec;
  readonly source: string;
}

const FLEET = Symbol.for('meshfleet.Fleet');

/**
 * The TypeScript front door: builds the same fleet document as a fleet.yaml would. Errors found
 * later name the document path, the user's line that made the entry and the construct.
 */
export class Fleet extends Construct {
  /**
   * True for a Fleet made by any copy of meshfleet, like Construct.isConstruct: the compiled CLI
   * loads fleets that import meshfleet's sources (apps/main.ts) or another install of it.
   */
  static isFleet(x: unknown): x is Fleet {
    return typeof x === 'object' && x !== null && FLEET in x;
  }

  readonly fleetName: string;
  /** Where the user's code made the fleet. */
  readonly createdAt: SourceLocation | undefined;
  private readonly environments: Environment[] = [];
  private readonly clusters: Cluster[] = [];
  private readonly links: Placed<LinkSpec>[] = [];
  private readonly federatedServices: Placed<FederatedServiceSpec>[] = [];
  private readonly serviceExports: Placed<ServiceExportSpec>[] = [];
  private readonly namespaces: Placed<NamespaceSpec>[] = [];
  private readonly meshServices: Placed<MeshServiceSpec>[] = [];
  private readonly egressNetworks: Placed<EgressNetworkSpec>[] = [];
  private rolloutOrder?: Placed<string[]>;
  private readonly apps: FleetApp[] = [];
  private readonly appSites = new Map<FleetApp, SourceLocation | undefined>();
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
    this.createdAt = userCallSite();
    assertDnsLabel(id, 'fleet name', this.node.path);
    this.fleetName = id;
    this.environmentScope = new Construct(this, 'environments');
    this.clusterScope = new Construct(this, 'clusters');
    this.appScope = new Construct(this, 'apps');
    // Own scopes, so a route, a service declaration and a cluster may share a name.
    this.routes = new Construct(this, 'routes');
    this.services = new Construct(this, 'services');
  }

  addEnvironment(name: string, props: EnvironmentProps = {}): Environment {
    const environment = new Environment(this.environmentScope, name, props);
    this.environments.push(environment);
    return environment;
  }

  addCluster(name: string, props: ClusterProps): Cluster {
    const cluster = new Cluster(this.clusterScope, name, props, (target, mode) => this.addLink(name, target, mode));
    this.clusters.push(cluster);
    return cluster;
  }

  /** The order environments are rolled out in (the delivery's `rollout`); the rest follow in the order added. */
  setRolloutOrder(...environments: readonly (IEnvironment | string)[]): this {
    this.rolloutOrder = { spec: namesOf(environments), source: this.placeOf('setRolloutOrder') };
    return this;
  }

  /** `from` mirrors the services of `to` (lists: every pair). */
  addLink(from: ICluster | string | readonly (ICluster | string)[], to: ICluster | string | readonly (ICluster | string)[], mode: LinkMode): this {
    return this.addLinks(LinkTopology.pairs(from, to, mode));
  }

  addLinks(...topologies: readonly LinkTopology[]): this {
    const source = this.placeOf('addLinks');
    for (const t of topologies) this.links.push({ spec: t.spec, source });
    return this;
  }

  /** Members in these clusters form `<name>-federated`. */
  federateService(service: FederatedServiceProps): this {
    this.federatedServices.push({ spec: { ...service, clusters: namesOf(service.clusters) }, source: this.placeOf(`federateService ${service.name}`) });
    return this;
  }

  /** A service the fleet should know: its export labels go to index.json, and links are checked against it. */
  exportService(service: ServiceExportProps): this {
    const { consumers, ...rest } = service;
    const spec: ServiceExportSpec = { ...rest, cluster: nameOf(service.cluster), ...(consumers ? { consumers: namesOf(consumers) } : {}) };
    this.serviceExports.push({ spec, source: this.placeOf(`exportService ${service.name}`) });
    return this;
  }

  /** A namespace policies may use; meshfleet writes it (annotated) unless manage is false. */
  addNamespace(name: string, props: NamespaceProps = {}): this {
    assertDnsLabel(name, 'namespace', `${this.node.path}/namespaces`);
    this.namespaces.push({ spec: namespaceSpec(name, props), source: this.placeOf(`addNamespace ${name}`) });
    return this;
  }

  /** A service, its ports and who may call it: the spec.policy.services entry. */
  addMeshService(name: string, props: MeshServiceProps): this {
    assertDnsLabel(name, 'service name', `${this.node.path}/services`);
    this.meshServices.push({ spec: meshServiceSpec(name, props), source: this.placeOf(`addMeshService ${name}`) });
    return this;
  }

  /** An EgressNetwork: the spec.policy.egress entry. */
  addEgressNetwork(name: string, props: EgressNetworkProps): this {
    assertDnsLabel(name, 'egress network name', `${this.node.path}/egress`);
    this.egressNetworks.push({ spec: egressNetworkSpec(name, props), source: this.placeOf(`addEgressNetwork ${name}`) });
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
    const at = userCallSite();
    for (const cluster of namesOf(props.clusters)) {
      const app = new FleetApp(scope, cluster, { appName: name, cluster, namespace: props.namespace, declarations: this.appDeclarations });
      this.apps.push(app);
      this.appSites.set(app, at);
      build(app, cluster);
    }
    return this;
  }

  /** The objects of the applications on a cluster, one entry per application. */
  readonly appObjects = (cluster: string): { name: string; objects: KubeObject[] }[] =>
    this.apps.filter((a) => a.cluster === cluster).map((a) => ({ name: a.appName, objects: a.toJson() as KubeObject[] }));

  /** Each list as the document holds it: declared entries, then the applications' (merged). */
  private lists() {
    return {
      meshServices: [...this.meshServices, ...this.appDeclarations.meshServices()],
      exports: [...this.serviceExports, ...this.appDeclarations.exports()],
      federatedServices: [...this.federatedServices, ...this.appDeclarations.federatedServices()],
    };
  }

  toDocument(): FleetDocument {
    const p = this.props;
    const stray = this.apps.find((a) => !this.clusters.some((c) => c.name === a.cluster));
    if (stray) {
      // Found only now (a cluster may be added after the application): named at the addApp call.
      const at = this.appSites.get(stray);
      throw new Error(`${at ? `${formatLocation(at)}: ` : ''}${stray.node.path}: application ${stray.appName} runs on cluster ${JSON.stringify(stray.cluster)}, which the fleet does not have. Fix: add the cluster with fleet.addCluster, or remove it from the application's clusters`);
    }
    const { meshServices, exports, federatedServices } = this.lists();
    const delivery: FleetDeliverySpec | undefined =
      p.delivery || this.rolloutOrder || p.deliveryNamespaces
        ? { ...p.delivery?.spec, ...(this.rolloutOrder ? { rollout: this.rolloutOrder.spec } : {}), ...(p.deliveryNamespaces ? { namespaces: p.deliveryNamespaces } : {}) }
        : undefined;
    const document: FleetDocument = {
      apiVersion: FLEET_API_VERSION,
      kind: FLEET_KIND,
      metadata: { name: this.fleetName },
      spec: {
        trust: {
          anchor: p.trustAnchor.source,
          domain: p.trustDomain,
          issuer: p.anchorIssuer?.spec,
          rotation: p.trustRotation,
          identityIssuer: p.identityIssuer,
        },
        defaults: p.defaults && settingsSpec(p.defaults),
        environments: this.environments.length
          ? Object.fromEntries(this.environments.map((e) => [e.name, e.toSpec()]))
          : undefined,
        clusters: this.clusters.map((c): ClusterSpec => c.toSpec()),
        links: nonEmpty(this.links.map((l) => l.spec)),
        federatedServices: nonEmpty(federatedServices.map((f) => f.spec)),
        exports: nonEmpty(exports.map((e) => e.spec)),
        credentials: p.credentials?.spec,
        delivery,
        upgrades: p.upgrades,
        namespaces: nonEmpty(this.namespaces.map((n) => n.spec)),
        policy:
          meshServices.length || this.egressNetworks.length
            ? { services: nonEmpty(meshServices.map((s) => s.spec)), egress: nonEmpty(this.egressNetworks.map((e) => e.spec)) }
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

  /** A fleet method's call: the user's line that made the entry, and the fleet construct. */
  private placeOf(call: string): string {
    return describePlace(this.node.path, userCallSite(), call);
  }

  /** Maps a document path to the user's line and the construct that wrote it; phrases fixes for TypeScript. */
  readonly locate: Locator = Object.assign((path: string) => this.place(path), { phraseFix: phraseFixForTypeScript });

  private place(path: string): string {
    const fleet = describePlace(this.node.path, this.createdAt, 'props');
    const index = (list: string) => {
      const match = new RegExp(`^/spec/${list}/(\\d+)(?:/|$)`).exec(path);
      return match ? Number(match[1]) : undefined;
    };
    const of = (construct: { node: { path: string }; createdAt: SourceLocation | undefined } | undefined) =>
      construct ? describePlace(construct.node.path, construct.createdAt) : fleet;
    for (const list of ['routes', 'services'] as const) {
      const i = index(list);
      if (i !== undefined) return of(this.node.findAll().filter(FleetEntry.isFleetEntry).filter((e) => e.list === list)[i]);
    }
    const cluster = index('clusters');
    if (cluster !== undefined) return of(this.clusters[cluster]);
    const override = /^\/spec\/environments\/([^/]+)\/clusters\/([^/]+)/.exec(path);
    const environment = /^\/spec\/environments\/([^/]+)/.exec(path);
    if (environment) {
      const found = this.environments.find((e) => e.name === environment[1]);
      if (found && override) return describePlace(found.node.path, found.overrideAt(override[2]) ?? found.createdAt, `overrideCluster ${override[2]}`);
      return of(found);
    }
    if (/^\/spec\/delivery\/rollout(?:\/|$)/.test(path) && this.rolloutOrder) return this.rolloutOrder.source;
    const { meshServices, exports, federatedServices } = this.lists();
    const placed: [string, readonly Placed<unknown>[]][] = [
      ['policy/services', meshServices],
      ['policy/egress', this.egressNetworks],
      ['namespaces', this.namespaces],
      ['links', this.links],
      ['exports', exports],
      ['federatedServices', federatedServices],
    ];
    for (const [list, entries] of placed) {
      const i = index(list);
      if (i !== undefined) return entries[i]?.source ?? fleet;
    }
    return fleet;
  }
}

function nonEmpty<T>(list: readonly T[]): readonly T[] | undefined {
  return list.length ? list : undefined;
}
