// Turns a schema-valid fleet document into resolved clusters: environment overlays merged (rules in
// lib/model/merge.ts), built-in defaults filled, Linkerd versions pinned to a release of the compat
// table, computed names filled. What cannot be resolved becomes a diagnostic, never an exception.
import { linkerdRelease, knownLinkerdVersions, type LinkerdRelease } from '../compat/linkerd-releases.ts';
import { resolveDelivery, type FleetDelivery } from './delivery.ts';
import { error, pointer, show, type Diagnostic } from '../model/diagnostics.ts';
import { mergeLayers, originOf, type Merged } from '../model/merge.ts';
import { readTrustAnchor, resolveRotation, type ResolvedRotation, type TrustAnchor } from '../model/trust-anchor.ts';
import { policyContext, policyOf, type PolicyContext, type ResolvedPolicy } from './policy.ts';
import { expandLinks, federatedServicesOf, multiclusterViews, serviceExportsOf, type ClusterMulticlusterView, type ResolvedFederatedService, type ResolvedLink, type ResolvedServiceExport } from './links.ts';
import { resolveGatewayAPI, type ResolvedGatewayAPI, type VendoredBundle } from './gateway-api.ts';
import { selectRoutesAndServices, type ResolvedRoute, type ResolvedServiceDeclaration } from './routes.ts';
export type { ResolvedGatewayAPI, GatewayAPISource } from './gateway-api.ts';
export type { ResolvedRoute, ResolvedServiceDeclaration } from './routes.ts';
import type {
  AnchorIssuerSpec,
  CredentialsSpec,
  GatewaySettings,
  MulticlusterSettings,
  ClusterSettings,
  ControlPlaneSettings,
  FleetDocument,
  ProxySettings,
} from '../model/types.ts';

export const DEFAULT_TRUST_DOMAIN = 'cluster.local';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_ANCHOR_ISSUER: AnchorIssuerSpec = { type: 'secret', name: 'linkerd-trust-anchor' };

export interface ResolvedTrust {
  readonly anchor: TrustAnchor;
  /** The trust anchor rotation in progress, if any (spec.trust.rotation). */
  readonly rotation?: ResolvedRotation;
  readonly domain: string;
  readonly issuer: AnchorIssuerSpec;
  readonly identityIssuer: { readonly duration: string; readonly renewBefore: string };
}

export type { ResolvedFederatedService, ResolvedLink, ResolvedServiceExport } from './links.ts';

export interface ResolvedCluster {
  readonly name: string;
  readonly environment: string;
  readonly network: string;
  readonly podCIDR?: string;
  readonly serviceCIDR?: string;
  readonly apiServer?: string;
  /** The version as the user wrote it ("2.20", "edge-26.8.3"). */
  readonly linkerdVersion: string;
  readonly release: LinkerdRelease;
  readonly kubernetes: string;
  readonly clusterDomain: string;
  readonly ha: boolean;
  readonly cni: boolean;
  readonly proxy: ProxySettings;
  readonly controlPlane: ControlPlaneSettings;
  readonly gateway: GatewaySettings;
  readonly multicluster: MulticlusterSettings;
  /** How the cluster gets its Gateway API CRDs, with defaults applied; GitOps reads `source`. */
  readonly gatewayAPI: ResolvedGatewayAPI;
  /** The fleet's routes that apply to this cluster, in document order. */
  readonly routes: readonly ResolvedRoute[];
  /** The fleet's service protocol declarations that apply to this cluster. */
  readonly services: readonly ResolvedServiceDeclaration[];
  /** JSON pointer of the cluster entry in the fleet document. */
  readonly path: string;
  /** Merged settings with the origin of each value, for messages. */
  readonly settings: Merged;
}

export interface ResolvedEnvironment {
  readonly name: string;
  readonly clusters: readonly ResolvedCluster[];
}

export type RefusedCluster = Pick<ResolvedCluster, 'name' | 'network' | 'podCIDR' | 'path'>;

export interface ResolvedFleet {
  readonly name: string;
  readonly trust: ResolvedTrust;
  readonly environments: readonly ResolvedEnvironment[];
  readonly clusters: readonly ResolvedCluster[];
  /**
   * Clusters the resolver refused (an error says why): references to them are not reported again,
   * and the rules that need only what the document says of them (pod ranges) still see them.
   */
  readonly refused: readonly RefusedCluster[];
  readonly links: readonly ResolvedLink[];
  readonly federatedServices: readonly ResolvedFederatedService[];
  readonly exports: readonly ResolvedServiceExport[];
  readonly credentials: CredentialsSpec;
  /** GitOps delivery per environment and cluster (delivery.ts). */
  readonly delivery: FleetDelivery;
  /** spec.upgrades: which version-change checks are lifted. */
  readonly upgrades: { readonly allowDowngrade: boolean };
  /** Namespaces, services with their callers, egress networks (see policy.ts). */
  readonly policy: ResolvedPolicy;
  /** Each cluster's links and federations, computed once for checks, rendering and the graph. */
  readonly views: ReadonlyMap<string, ClusterMulticlusterView>;
  /** Trust domain, pod CIDRs and link modes, as policy callers are resolved against them (policy.ts). */
  readonly policyContext: PolicyContext;
}

export interface ResolveOptions {
  /** Folder that relative file paths in the document are read from. */
  readonly baseDir: string;
  /** The clock for certificate expiry. @default new Date() */
  readonly now?: Date;
  /** Clusters refused before resolving (a schema mistake in their entry, reported already); not resolved. @default none */
  readonly refused?: readonly RefusedCluster[];
}

// Keys of a cluster entry that are identity, not settings; they are not merged. `delivery` (of an
// environment or a cluster) is resolved on its own by lib/resolve/delivery.ts.
const CLUSTER_IDENTITY_KEYS = new Set(['name', 'environment', 'network', 'podCIDR', 'serviceCIDR', 'apiServer', 'delivery']);

export function resolveFleet(doc: FleetDocument, options: ResolveOptions): { fleet?: ResolvedFleet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const spec = doc.spec;
  const { anchor, diagnostics: anchorDiagnostics } = readTrustAnchor(spec.trust.anchor, options.baseDir, options.now ?? new Date());
  diagnostics.push(...anchorDiagnostics);
  const rotated = anchor && spec.trust.rotation ? resolveRotation(spec.trust.rotation, anchor) : undefined;
  diagnostics.push(...(rotated?.diagnostics ?? []));

  const environmentNames = Object.keys(spec.environments ?? {});
  const selected = selectRoutesAndServices(spec);
  const vendorCache = new Map<string, VendoredBundle>();
  const clusters: ResolvedCluster[] = [];
  const refused: RefusedCluster[] = [...(options.refused ?? [])];
  const names = new Set<string>();
  spec.clusters.forEach((cluster, index) => {
    const path = `/spec/clusters/${index}`;
    // A second cluster of the same name is reported once (lib/check/document-rules.ts) and left out,
    // so nothing else reports it again as a clash on "its" cluster.
    if (names.has(cluster.name)) return;
    names.add(cluster.name);
    // Refused before resolving (options.refused, already in the list): its entry is not to be read.
    if (options.refused?.some((r) => r.path === path)) return;
    const refuse = (d: Diagnostic) => {
      diagnostics.push(d);
      refused.push({ name: cluster.name, network: cluster.network ?? cluster.name, podCIDR: cluster.podCIDR, path });
    };
    const environment = spec.environments?.[cluster.environment];
    const envPath = `/spec/environments${pointer(cluster.environment)}`;
    const settings = mergeLayers(
      [
        { value: spec.defaults, path: '/spec/defaults' },
        { value: environment && withoutKey(environment, 'clusters'), path: envPath },
        { value: cluster, path },
        { value: environment?.clusters?.[cluster.name], path: `${envPath}/clusters${pointer(cluster.name)}` },
      ],
      CLUSTER_IDENTITY_KEYS,
    );
    const merged = settings.value as ClusterSettings;
    const linkerdPath = originOf(settings, '/linkerd', path);
    if (merged.linkerd === undefined) {
      refuse(error('MF2002', `${path}/linkerd`, `cluster ${show(cluster.name)} has no Linkerd version`, 'set spec.defaults.linkerd, the environment\'s linkerd or the cluster\'s linkerd, e.g. "2.20"'));
      return;
    }
    const release = linkerdRelease(merged.linkerd);
    if (!release) {
      refuse(error('MF2003', linkerdPath, `unknown Linkerd version ${show(merged.linkerd)}`, `use one of: ${knownLinkerdVersions().join(', ')}`));
      return;
    }
    if (merged.kubernetes === undefined) {
      refuse(error('MF2004', `${path}/kubernetes`, `cluster ${show(cluster.name)} has no Kubernetes version`, 'set kubernetes (e.g. "1.33") in spec.defaults, the environment or the cluster: the compatibility checks need it'));
      return;
    }
    const { routes, services } = selected.get(cluster.name)!;
    const { gatewayAPI, diagnostics: gatewayDiagnostics } = resolveGatewayAPI({
      settings: merged.gatewayAPI,
      release,
      cluster,
      routeKinds: new Set(routes.map((r) => r.spec.kind)),
      baseDir: options.baseDir,
      origin: (settingPath) => originOf(settings, settingPath, path),
      vendorCache,
    });
    diagnostics.push(...gatewayDiagnostics);
    if (!gatewayAPI) {
      refused.push({ name: cluster.name, network: cluster.network ?? cluster.name, podCIDR: cluster.podCIDR, path });
      return;
    }
    clusters.push({
      name: cluster.name,
      environment: cluster.environment,
      network: cluster.network ?? cluster.name,
      podCIDR: cluster.podCIDR,
      serviceCIDR: cluster.serviceCIDR,
      apiServer: cluster.apiServer,
      linkerdVersion: merged.linkerd,
      release,
      kubernetes: merged.kubernetes,
      clusterDomain: merged.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
      ha: merged.ha ?? false,
      cni: merged.cni ?? false,
      proxy: merged.proxy ?? {},
      controlPlane: merged.controlPlane ?? {},
      gateway: merged.gateway ?? {},
      multicluster: merged.multicluster ?? {},
      gatewayAPI,
      routes,
      services,
      path,
      settings,
    });
  });

  const delivery = resolveDelivery(spec);

  // A broken trust anchor refuses nothing else: the rules still run (the fleet is not rendered,
  // since there are errors), so that independent mistakes show in the same run.
  const trustAnchor = anchor ?? { pem: '', certificates: [] };
  // Environments in the order they are declared; clusters keep their order within each.
  const environments = environmentNames.map((name) => ({ name, clusters: clusters.filter((c) => c.environment === name) }));
  const allClusters = environments.flatMap((e) => e.clusters);
  const links = expandLinks(spec.links);
  const federatedServices = federatedServicesOf(spec);
  const exports = serviceExportsOf(spec);
  const trustDomain = spec.trust.domain ?? DEFAULT_TRUST_DOMAIN;
  const fleet: ResolvedFleet = {
    name: doc.metadata.name,
    trust: {
      anchor: trustAnchor,
      ...(rotated?.rotation ? { rotation: rotated.rotation } : {}),
      domain: trustDomain,
      issuer: spec.trust.issuer ?? DEFAULT_ANCHOR_ISSUER,
      identityIssuer: {
        duration: spec.trust.identityIssuer?.duration ?? '48h',
        renewBefore: spec.trust.identityIssuer?.renewBefore ?? '25h',
      },
    },
    environments,
    clusters: allClusters,
    refused,
    links,
    federatedServices,
    exports,
    credentials: credentialsOf(spec),
    delivery,
    upgrades: { allowDowngrade: spec.upgrades?.allowDowngrade === true },
    policy: policyOf(spec),
    views: multiclusterViews({ clusters: allClusters, links, federatedServices, exports }),
    policyContext: policyContext({ trust: { domain: trustDomain }, clusters: allClusters, links }),
  };
  return { fleet, diagnostics };
}

function withoutKey<T extends object>(value: T, key: string): Partial<T> {
  const { [key]: _omitted, ...rest } = value as Record<string, unknown>;
  return rest as Partial<T>;
}

/** Link credentials default to External Secrets from the store the trust anchor already uses. */
function credentialsOf(spec: FleetDocument['spec']): CredentialsSpec {
  const given = spec.credentials ?? { type: 'externalSecret' };
  if (given.type !== 'externalSecret' || given.store) return given;
  const issuer = spec.trust.issuer;
  return issuer?.type === 'externalSecret' ? { ...given, store: issuer.store } : given;
}
