// Gateway API as data (docs/reference/gateway-api.md): what each upstream bundle serves per channel, what it needs
// from Kubernetes, what its safe-upgrades admission policy lets through, and what each Linkerd release
// reads from it. Code asks these tables; no version `if`s elsewhere. test/compat/gateway-api.test.ts
// checks the bundle rows against the upstream CRD files (the upstream suite, npm run test:upstream).
import { compareVersions, inRange, type LinkerdRelease, type VersionRange } from './linkerd-releases.ts';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export const GATEWAY_API_REPOSITORY = 'https://github.com/kubernetes-sigs/gateway-api';
export type GatewayAPIChannel = 'standard' | 'experimental';
export const GATEWAY_API_CHANNELS: readonly GatewayAPIChannel[] = ['standard', 'experimental'];

/** A Gateway API bundle: version and channel. */
export interface GatewayAPIBundleRef {
  /** Upstream bundle version without the "v". @example "1.2.1" */
  readonly version: string;
  /** The bundle's channel. */
  readonly channel: GatewayAPIChannel;
}

/** The route kinds meshfleet writes (Linkerd reads these for mesh traffic, GAMMA). */
export type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TCPRoute' | 'TLSRoute';
export const ROUTE_KINDS: readonly RouteKind[] = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'];

/** Kind → API versions served (group gateway.networking.k8s.io only). */
export type ServedKinds = Readonly<Record<string, readonly string[]>>;

export interface KubernetesRequirement {
  /** Lowest Kubernetes minor version that accepts this part of the bundle. */
  readonly kubernetes: string;
  /** What needs it, for messages. */
  readonly what: string;
  /** The requirement comes from the safe-upgrades admission policy, not from a CRD. */
  readonly admissionPolicy?: boolean;
}

export interface GatewayAPIBundle {
  /** "1.2.1": the upstream tag without its "v". */
  readonly version: string;
  readonly serves: Readonly<Record<GatewayAPIChannel, ServedKinds>>;
  /**
   * From v1.5 the bundle ships the safe-upgrades ValidatingAdmissionPolicy. Once installed it denies
   * experimental CRDs over standard ones and any CRD whose bundle-version is below this, per channel
   * of the installed bundle.
   */
  readonly safeUpgradesFloor?: Readonly<Record<GatewayAPIChannel, string>>;
  /** What the bundle needs from the cluster's Kubernetes (both channels alike). */
  readonly requires?: readonly KubernetesRequirement[];
}

const VAP_NEEDS_KUBERNETES: KubernetesRequirement = {
  kubernetes: '1.30',
  what: 'its safe-upgrades ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1)',
  admissionPolicy: true,
};
// Kubernetes offers CEL's IP library to CRD validation rules one release after adding it.
const TLSROUTE_CEL_NEEDS_KUBERNETES: KubernetesRequirement = { kubernetes: '1.31', what: "TLSRoute's CEL validation rules (isIP)" };

// Rows written from the CRD files (served versions only); the test re-derives them.
const CORE = { Gateway: ['v1', 'v1beta1'], GatewayClass: ['v1', 'v1beta1'], HTTPRoute: ['v1', 'v1beta1'] };

export const GATEWAY_API_BUNDLES: readonly GatewayAPIBundle[] = [
  {
    version: '1.0.0',
    serves: {
      standard: { ...CORE, ReferenceGrant: ['v1alpha2', 'v1beta1'] },
      experimental: { ...CORE, BackendTLSPolicy: ['v1alpha2'], GRPCRoute: ['v1alpha2'], ReferenceGrant: ['v1alpha2', 'v1beta1'], TCPRoute: ['v1alpha2'], TLSRoute: ['v1alpha2'], UDPRoute: ['v1alpha2'] },
    },
  },
  {
    version: '1.1.1',
    serves: {
      standard: { ...CORE, GRPCRoute: ['v1'], ReferenceGrant: ['v1beta1'] },
      experimental: { ...CORE, BackendLBPolicy: ['v1alpha2'], BackendTLSPolicy: ['v1alpha3'], GRPCRoute: ['v1', 'v1alpha2'], ReferenceGrant: ['v1alpha2', 'v1beta1'], TCPRoute: ['v1alpha2'], TLSRoute: ['v1alpha2'], UDPRoute: ['v1alpha2'] },
    },
  },
  {
    version: '1.2.1',
    serves: {
      standard: { ...CORE, GRPCRoute: ['v1'], ReferenceGrant: ['v1beta1'] },
      experimental: { ...CORE, BackendLBPolicy: ['v1alpha2'], BackendTLSPolicy: ['v1alpha3'], GRPCRoute: ['v1'], ReferenceGrant: ['v1beta1'], TCPRoute: ['v1alpha2'], TLSRoute: ['v1alpha2'], UDPRoute: ['v1alpha2'] },
    },
  },
  {
    version: '1.3.0',
    serves: {
      standard: { ...CORE, GRPCRoute: ['v1'], ReferenceGrant: ['v1beta1'] },
      experimental: { ...CORE, BackendTLSPolicy: ['v1alpha3'], GRPCRoute: ['v1'], ReferenceGrant: ['v1beta1'], TCPRoute: ['v1alpha2'], TLSRoute: ['v1alpha2'], UDPRoute: ['v1alpha2'] },
    },
  },
  {
    version: '1.4.1',
    serves: {
      standard: { ...CORE, BackendTLSPolicy: ['v1'], GRPCRoute: ['v1'], ReferenceGrant: ['v1beta1'] },
      experimental: { ...CORE, BackendTLSPolicy: ['v1', 'v1alpha3'], GRPCRoute: ['v1'], ReferenceGrant: ['v1beta1'], TCPRoute: ['v1alpha2'], TLSRoute: ['v1alpha2', 'v1alpha3'], UDPRoute: ['v1alpha2'] },
    },
  },
  {
    version: '1.5.1',
    serves: {
      standard: { ...CORE, BackendTLSPolicy: ['v1'], GRPCRoute: ['v1'], ListenerSet: ['v1'], ReferenceGrant: ['v1', 'v1beta1'], TLSRoute: ['v1'] },
      experimental: { ...CORE, BackendTLSPolicy: ['v1', 'v1alpha3'], GRPCRoute: ['v1'], ListenerSet: ['v1'], ReferenceGrant: ['v1', 'v1beta1'], TCPRoute: ['v1alpha2'], TLSRoute: ['v1', 'v1alpha2', 'v1alpha3'], UDPRoute: ['v1alpha2'] },
    },
    safeUpgradesFloor: { standard: '1.5.0', experimental: '1.5.0' },
    requires: [VAP_NEEDS_KUBERNETES, TLSROUTE_CEL_NEEDS_KUBERNETES],
  },
  {
    version: '1.6.1',
    serves: {
      standard: { ...CORE, BackendTLSPolicy: ['v1'], GRPCRoute: ['v1'], ListenerSet: ['v1'], ReferenceGrant: ['v1', 'v1beta1'], TCPRoute: ['v1'], TLSRoute: ['v1'], UDPRoute: ['v1'] },
      experimental: { ...CORE, BackendTLSPolicy: ['v1', 'v1alpha3'], GRPCRoute: ['v1'], ListenerSet: ['v1'], ReferenceGrant: ['v1', 'v1beta1'], TCPRoute: ['v1', 'v1alpha2'], TLSRoute: ['v1', 'v1alpha2', 'v1alpha3'], UDPRoute: ['v1', 'v1alpha2'] },
    },
    // The standard copy of v1.6.1's policy also refuses v1.5.x.
    safeUpgradesFloor: { standard: '1.6.0', experimental: '1.5.0' },
    requires: [VAP_NEEDS_KUBERNETES, TLSROUTE_CEL_NEEDS_KUBERNETES],
  },
];

/**
 * Route fields that appeared in a later bundle than their kind, as the first bundle of the table
 * (per channel) whose CRD has them. Only fields meshfleet can write are listed.
 */
export const ROUTE_FIELDS: readonly { readonly kind: RouteKind; readonly field: string; readonly since: Readonly<Record<GatewayAPIChannel, string>> }[] = [
  { kind: 'HTTPRoute', field: 'rules[].timeouts', since: { standard: '1.2.1', experimental: '1.0.0' } },
];

/** How a Linkerd release uses Gateway API. */
export interface LinkerdGatewayAPISupport {
  /** Bundle versions the release supports, and the one it recommends (the default of managed mode). */
  readonly bundles: VersionRange & { readonly recommended: string };
  /** The API version of each route kind the policy controller reads; other versions are invisible to it. */
  readonly reads: Readonly<Record<RouteKind, string>>;
  /** The release reads HTTPRoute `rules[].timeouts` (older ones only the timeout annotations). */
  readonly ruleTimeouts: boolean;
  /**
   * The release ignores routes that use fields beyond this bundle's spec (its API types are generated
   * from that bundle's experimental channel). Absent: no such limit is documented.
   */
  readonly fieldsUpTo?: string;
  /** The bundle the release's linkerd-crds chart installs with installGatewayAPI: true, if documented. */
  readonly chartBundle?: GatewayAPIBundleRef;
}

const LINKERD_READS: Readonly<Record<RouteKind, string>> = { HTTPRoute: 'v1', GRPCRoute: 'v1', TCPRoute: 'v1alpha2', TLSRoute: 'v1alpha2' };

/** Keyed by LinkerdRelease.version; every release of linkerd-releases.ts has a row (tested). */
export const LINKERD_GATEWAY_API: Readonly<Record<string, LinkerdGatewayAPISupport>> = {
  '2.18': {
    bundles: { min: '1.1.1', max: '1.2.1', recommended: '1.2.1' },
    reads: LINKERD_READS,
    ruleTimeouts: false,
    chartBundle: { version: '1.1.1', channel: 'experimental' },
  },
  '2.19': { bundles: { min: '1.1.1', max: '1.2.1', recommended: '1.2.1' }, reads: LINKERD_READS, ruleTimeouts: false },
  '2.20': { bundles: { min: '1.2.1', max: '1.5.1', recommended: '1.2.1' }, reads: LINKERD_READS, ruleTimeouts: true, fieldsUpTo: '1.2.1' },
  'edge-26.8.3': { bundles: { min: '1.2.1', max: '1.5.1', recommended: '1.2.1' }, reads: LINKERD_READS, ruleTimeouts: true, fieldsUpTo: '1.5.1' },
};

/** What Linkerd 2.18's linkerd-crds installed itself: the starting point of the linkerd-legacy migration. */
export const LINKERD_LEGACY_BUNDLE: GatewayAPIBundleRef = LINKERD_GATEWAY_API['2.18'].chartBundle!;

export function linkerdGatewayAPI(release: LinkerdRelease): LinkerdGatewayAPISupport {
  const support = LINKERD_GATEWAY_API[release.version];
  if (!support) throw new Error(`no Gateway API row for Linkerd ${release.version} in lib/compat/gateway-api.ts`);
  return support;
}

export function gatewayAPIBundle(version: string): GatewayAPIBundle | undefined {
  return GATEWAY_API_BUNDLES.find((b) => b.version === version);
}

export function knownBundleVersions(): string[] {
  return GATEWAY_API_BUNDLES.map((b) => b.version);
}

/**
 * The table's bundle of the same minor version: patch releases of a minor change no served versions,
 * admission policy or Kubernetes needs, so a bundle known to be installed ("1.5.0") is judged by it.
 */
export function bundleOfMinor(version: string): GatewayAPIBundle | undefined {
  const minor = (v: string) => v.split('.').slice(0, 2).join('.');
  return GATEWAY_API_BUNDLES.find((b) => minor(b.version) === minor(version));
}

export function servedVersions(bundle: GatewayAPIBundle, channel: GatewayAPIChannel, kind: string): readonly string[] {
  return bundle.serves[channel][kind] ?? [];
}

export function bundleServes(version: string, channel: GatewayAPIChannel, kind: string, apiVersion: string): boolean {
  const bundle = gatewayAPIBundle(version);
  return bundle !== undefined && servedVersions(bundle, channel, kind).includes(apiVersion);
}

/** Table bundles (and channels) that serve kind at apiVersion within range, for "use instead" fixes. */
export function bundlesServing(kind: string, apiVersion: string, range?: VersionRange): GatewayAPIBundleRef[] {
  return GATEWAY_API_BUNDLES.filter((b) => !range || inRange(b.version, range)).flatMap((b) =>
    GATEWAY_API_CHANNELS.filter((channel) => servedVersions(b, channel, kind).includes(apiVersion)).map((channel) => ({ version: b.version, channel })),
  );
}

/** The first table bundle at or after `version` whose channel has `field` for kind, if the field is listed. */
export function routeFieldSince(kind: RouteKind, field: string, channel: GatewayAPIChannel): string | undefined {
  return ROUTE_FIELDS.find((f) => f.kind === kind && f.field === field)?.since[channel];
}

export function bundleHasRouteField(version: string, channel: GatewayAPIChannel, kind: RouteKind, field: string): boolean {
  const since = routeFieldSince(kind, field, channel);
  return since !== undefined && compareVersions(version, since) >= 0;
}

/** The lowest bundle version the installed bundle's safe-upgrades policy admits, if it has one. */
export function safeUpgradesFloor(installed: GatewayAPIBundleRef): string | undefined {
  return bundleOfMinor(installed.version)?.safeUpgradesFloor?.[installed.channel];
}

export function upstreamSourcePath(channel: GatewayAPIChannel): 'config/crd/standard' | 'config/crd/experimental' {
  return channel === 'standard' ? 'config/crd/standard' : 'config/crd/experimental';
}

/** The channel a folder of the upstream repository holds (the inverse of upstreamSourcePath). */
export function channelOfSourcePath(path: 'config/crd/standard' | 'config/crd/experimental'): GatewayAPIChannel {
  return path === 'config/crd/standard' ? 'standard' : 'experimental';
}
