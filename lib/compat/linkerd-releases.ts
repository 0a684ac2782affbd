// Linkerd release lines as data (docs/reference/linkerd-releases.md). Code asks this table; no version `if`s elsewhere.

export interface VersionRange {
  /** Lowest supported, inclusive ("1.31"). */
  readonly min: string;
  /** Highest supported, inclusive ("1.35"). */
  readonly max: string;
}

/** A row of the release table; `valuesSet` is narrowed in LinkerdRelease to the names the table holds. */
interface ReleaseRow {
  /** The name users write: "2.20" for a stable line, "edge-26.8.3" for an edge tag. */
  readonly version: string;
  /** The edge tag the release was cut from. */
  readonly edgeTag: string;
  /** Helm chart version in the edge repository (edge-YY.M.X → 20YY.M.X). */
  readonly chartVersion: string;
  /** Name of this release's upstream values set: schemas/linkerd-values/<valuesSet>.json. */
  readonly valuesSet: string;
  /** Kubernetes minor versions the release supports (its release notes). */
  readonly kubernetes: VersionRange;
  /**
   * The `kubeVersion` all three of its charts declare in Chart.yaml, verbatim: Helm refuses to render
   * them for a lower Kubernetes, whatever the release notes say (a test reads the packaged charts).
   */
  readonly chartKubeVersion: string;
  /** Defects of its upstream charts that meshfleet works around (README, "Upstream chart quirks"). */
  readonly chartQuirks: readonly ChartQuirk[];
  // Gateway API support per release (range, recommended bundle, route versions read) lives in gateway-api.ts.
  /** The linkerd-crds chart's own default for installGatewayAPI (we always render false explicitly). */
  readonly installGatewayAPIDefault: boolean;
  /** The chart's default for proxy.nativeSidecar. */
  readonly nativeSidecarDefault: boolean;
  /** The Link API its multicluster extension reads (declarative links, one controller per Link). */
  readonly linkApiVersion: string;
  /** The policy kinds its linkerd-crds chart serves, at the apiVersion meshfleet writes. */
  readonly policyApis: PolicyApis;
}

/**
 * A defect of an upstream chart at one version, and the values meshfleet adds so the chart renders.
 * Code applies the values the row carries; it never tests a version itself.
 */
export interface ChartQuirk {
  readonly chart: 'linkerd-crds' | 'linkerd-control-plane' | 'linkerd-multicluster';
  /** Where it is, upstream (file and tag). */
  readonly template: string;
  /** What breaks, and when. */
  readonly breaks: string;
  /** What meshfleet does instead, and what that costs. */
  readonly avoidedBy: string;
  /** Keys meshfleet sets on every `controllers[]` entry of linkerd-multicluster. */
  readonly controllerEntryValues?: Readonly<Record<string, unknown>>;
  /** The chart renders no PodDisruptionBudget per Link controller, even with HA. */
  readonly noControllerPdb?: true;
}

/**
 * linkerd-multicluster 2025.4.4 (edge-25.4.4): the per-Link controller PDB passes the `controllers[]`
 * entry, not the root context, to a partial that reads `.Values`. Fixed upstream by edge-25.10.7.
 */
const CONTROLLER_PDB_CONTEXT: ChartQuirk = {
  chart: 'linkerd-multicluster',
  template: 'multicluster/charts/linkerd-multicluster/templates/controller/pdb.yaml at edge-25.4.4',
  breaks:
    'calls `include "partials.annotations.created-by" .` inside `range .Values.controllers`; the partial reads ' +
    '`.Values.cliVersion` of the entry and helm template fails ("nil pointer evaluating interface {}.cliVersion") ' +
    'whenever a controller PDB is on: top-level enablePodAntiAffinity, which values-ha.yaml sets, turns it on ' +
    'unless the entry says otherwise',
  avoidedBy:
    'each controllers[] entry sets enablePodAntiAffinity: false, so no PDB is rendered per Link controller on ' +
    'this release (the controllers run active/passive on a Lease; a drain costs a lease handover); the gateway ' +
    'and local service mirror PDBs stay. Upgrade to Linkerd 2.19 for per-Link PDBs',
  controllerEntryValues: { enablePodAntiAffinity: false },
  noControllerPdb: true,
};

/**
 * apiVersion of each policy kind meshfleet emits; a kind the release's CRDs lack is absent (a test
 * checks this table against the CRDs each release ships: the upstream suite).
 */
export interface PolicyApis {
  /** v1beta3 is the first Server version with `accessPolicy`. */
  readonly server: string;
  readonly authorizationPolicy: string;
  readonly meshTLSAuthentication: string;
  readonly networkAuthentication: string;
  /** Linkerd 2.17 on. */
  readonly httpLocalRateLimitPolicy?: string;
  /** Linkerd 2.17 on. */
  readonly egressNetwork?: string;
}

/** Every supported release (2.18 on) serves the same policy APIs. */
const POLICY_APIS_SINCE_2_17: PolicyApis = {
  server: 'policy.linkerd.io/v1beta3',
  authorizationPolicy: 'policy.linkerd.io/v1alpha1',
  meshTLSAuthentication: 'policy.linkerd.io/v1alpha1',
  networkAuthentication: 'policy.linkerd.io/v1alpha1',
  httpLocalRateLimitPolicy: 'policy.linkerd.io/v1alpha1',
  egressNetwork: 'policy.linkerd.io/v1alpha1',
};

export const HELM_REPOSITORY = 'https://helm.linkerd.io/edge';

// `as const`: the TypeScript API derives its LinkerdVersion type from the rows, so tsc refuses any other.
const RELEASE_TABLE = [
  {
    version: '2.18',
    edgeTag: 'edge-25.4.4',
    chartVersion: '2025.4.4',
    valuesSet: '2.18',
    kubernetes: { min: '1.22', max: '1.32' },
    chartKubeVersion: '>=1.23.0-0',
    chartQuirks: [CONTROLLER_PDB_CONTEXT],
    installGatewayAPIDefault: true,
    nativeSidecarDefault: false,
    linkApiVersion: 'multicluster.linkerd.io/v1alpha3',
    policyApis: POLICY_APIS_SINCE_2_17,
  },
  {
    version: '2.19',
    edgeTag: 'edge-25.10.7',
    chartVersion: '2025.10.7',
    valuesSet: '2.19',
    kubernetes: { min: '1.22', max: '1.35' },
    chartKubeVersion: '>=1.23.0-0',
    chartQuirks: [],
    installGatewayAPIDefault: false,
    nativeSidecarDefault: false,
    linkApiVersion: 'multicluster.linkerd.io/v1alpha3',
    policyApis: POLICY_APIS_SINCE_2_17,
  },
  {
    version: '2.20',
    edgeTag: 'edge-26.6.3',
    chartVersion: '2026.6.3',
    valuesSet: '2.20',
    kubernetes: { min: '1.31', max: '1.35' },
    chartKubeVersion: '>=1.31.0-0',
    chartQuirks: [],
    installGatewayAPIDefault: false,
    nativeSidecarDefault: true,
    linkApiVersion: 'multicluster.linkerd.io/v1alpha3',
    policyApis: POLICY_APIS_SINCE_2_17,
  },
  {
    version: 'edge-26.8.3',
    edgeTag: 'edge-26.8.3',
    chartVersion: '2026.8.3',
    valuesSet: 'edge-26.8.3',
    kubernetes: { min: '1.31', max: '1.36' },
    chartKubeVersion: '>=1.31.0-0',
    chartQuirks: [],
    installGatewayAPIDefault: false,
    nativeSidecarDefault: true,
    linkApiVersion: 'multicluster.linkerd.io/v1alpha3',
    policyApis: POLICY_APIS_SINCE_2_17,
  },
] as const satisfies readonly ReleaseRow[];

/** The values sets (and CRD schema sets) of the supported releases: every such list derives from the table. */
export type LinkerdValuesSet = (typeof RELEASE_TABLE)[number]['valuesSet'];

export interface LinkerdRelease extends ReleaseRow {
  readonly valuesSet: LinkerdValuesSet;
}

export const LINKERD_RELEASES: readonly LinkerdRelease[] = RELEASE_TABLE;

/** Every name a user may write for a Linkerd version (a stable line or an edge tag), as a type. */
export type LinkerdVersion = (typeof RELEASE_TABLE)[number]['version' | 'edgeTag'];

/** The newest stable release: what `lint` checks against and `init` starts a fleet on by default. */
export const NEWEST_STABLE_LINKERD = [...LINKERD_RELEASES].reverse().find((release) => !release.version.startsWith('edge-'))!;

/** Every name a user may write for a Linkerd version, stable names and edge tags alike. */
export function knownLinkerdVersions(): string[] {
  const names = new Set<string>();
  for (const release of LINKERD_RELEASES) {
    names.add(release.version);
    names.add(release.edgeTag);
  }
  return [...names];
}

/**
 * The release for a version name. A stable line's edge tag ("edge-26.6.3") resolves to the stable
 * release ("2.20") because the charts are the same files.
 */
export function linkerdRelease(version: string): LinkerdRelease | undefined {
  return LINKERD_RELEASES.find((r) => r.version === version) ?? LINKERD_RELEASES.find((r) => r.edgeTag === version);
}

/** Compares dotted numeric versions ("1.31" vs "1.9"); a leading "v" is ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

// A fleet names few versions, compared once or more per cluster: each is split once.
const partsOfVersion = new Map<string, readonly number[]>();
const MAX_REMEMBERED_VERSIONS = 4096;

function versionParts(version: string): readonly number[] {
  let parts = partsOfVersion.get(version);
  if (parts === undefined) {
    parts = version.replace(/^v/, '').split('.').map(Number);
    if (partsOfVersion.size >= MAX_REMEMBERED_VERSIONS) partsOfVersion.clear();
    partsOfVersion.set(version, parts);
  }
  return parts;
}

/**
 * The lowest Kubernetes minor the release's charts render for ("1.23" from ">=1.23.0-0"): the higher of
 * the release notes' floor and the charts' kubeVersion.
 */
export function kubernetesFloor(release: LinkerdRelease): string {
  const match = /^>=\s*v?(\d+)\.(\d+)(\.\d+)?(-0)?$/.exec(release.chartKubeVersion.trim());
  if (!match) throw new Error(`compat table: kubeVersion ${release.chartKubeVersion} of ${release.version} is not ">=X.Y.Z-0"`);
  const chartFloor = `${match[1]}.${match[2]}`;
  return compareVersions(chartFloor, release.kubernetes.min) > 0 ? chartFloor : release.kubernetes.min;
}

/** The Kubernetes range meshfleet accepts for a release: its support range, raised to its charts' floor. */
export function supportedKubernetes(release: LinkerdRelease): VersionRange {
  return { min: kubernetesFloor(release), max: release.kubernetes.max };
}

export function inRange(version: string, range: VersionRange): boolean {
  return compareVersions(version, range.min) >= 0 && compareVersions(version, range.max) <= 0;
}

/** linkerd-control-plane's `egress.globalEgressNetworkNamespace` default (the same in every release above). */
export const DEFAULT_GLOBAL_EGRESS_NAMESPACE = 'linkerd-egress';

/** linkerd-control-plane's default `clusterNetworks` (the same in every release above). */
export const DEFAULT_CLUSTER_NETWORKS = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', 'fd00::/8'];

/** linkerd-control-plane's `proxy.ports.admin`: the proxy's admin server, which serves /ready (the same in every release above). */
export const DEFAULT_PROXY_ADMIN_PORT = 4191;
