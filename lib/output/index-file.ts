// index.json: what was rendered for the fleet, per environment and cluster (trust, versions,
// charts, links, policy, routes, GitOps entry points). Read by people, by `meshfleet lint` and by
// the next run (lib/output/previous-index.ts).
import { credentialsSecretName, federatedServiceName, MULTICLUSTER_NAMESPACE, remoteAccessServiceAccount } from '../compat/multicluster-names.ts';
import { LINKERD_NAMESPACE } from '../compat/linkerd-names.ts';
import { exportLabels, federationLabels } from '../constructs/multicluster/service-exports.ts';
import { environmentDelivery } from '../resolve/delivery.ts';
import type { ClusterMulticlusterView } from '../resolve/links.ts';
import type { ClusterPolicyView } from '../resolve/policy.ts';
import type { ResolvedCluster, ResolvedFleet } from '../resolve/resolve.ts';
import { manifestsPath, meshChartPath, routesPath, valuesFilePath } from './cluster-layout.ts';
import type { RenderedCluster } from './rendered-cluster.ts';
import { clusterIndexView, indexViewPieces, type ClusterView } from './previous-index.ts';

/** The GitOps files index.json lists (lib/rollout/gitops-files.ts makes them). */
export interface IndexedGitops {
  /** Fleet-wide files (gitops/…). */
  readonly fleetFiles: readonly string[];
  /** Per environment delivered by an engine: the engine, the file that starts it, and its files. */
  readonly environments: ReadonlyMap<string, { readonly engine: string; readonly entry: string; readonly files: readonly string[] }>;
}

/**
 * A cluster's entry in index.json as its text there (clusterIndexEntry), and whether that text stood
 * clean of secret material alone (standsClean), as the thread that made it found.
 */
export interface ClusterEntry {
  readonly text: string;
  readonly clean: boolean;
  /** The text's UTF-8 bytes, when the entry is held so (taken from the incremental cache). */
  readonly bytes?: Uint8Array;
  /** What the next run reads of it (previous-index.ts clusterIndexView), when it was made so. */
  readonly view?: ClusterView;
}

/** A cluster's entry with its environment. */
export interface IndexEntry {
  readonly environment: string;
  readonly entry: ClusterEntry;
}

/**
 * index.json as text, or as UTF-8 bytes in pieces, in order (an entry held as bytes is never made
 * text, ~130 ms of a 1000-cluster re-synth's main thread, nor copied: the pieces are written as they
 * are, StagedTree.write), each made when first asked for; and its
 * outline: the same with `{}` in place of each cluster's entry (what the secret scan reads of it when
 * every entry stood clean: secret-scan.ts piecesClean).
 */
export interface IndexText {
  readonly text: string;
  pieces(): Uint8Array[];
  readonly outline: string;
  /** What the next run reads of it (previous-index.ts indexViewPieces), when every entry has its view. */
  view(): Uint8Array[] | undefined;
}

/** Where a cluster's entry stands in index.json: environments[].clusters[], four levels of two spaces. */
const ENTRY_INDENT = ' '.repeat(8);
/** An environment's empty list of clusters as JSON.stringify(…, null, 2) writes it; only an environment has a "clusters" key. */
const NO_CLUSTERS = `\n${' '.repeat(6)}"clusters": []`;

/**
 * index.json, byte for byte JSON.stringify(index, null, 2) of the whole: the rest of it is
 * stringified with every environment's list of clusters empty, and each list filled with its
 * clusters' entries (made on the threads that rendered them, or taken from the incremental cache
 * with an unchanged cluster), in fleet order.
 */
export function indexFile(fleet: ResolvedFleet, entries: readonly IndexEntry[], gitops: IndexedGitops): IndexText {
  const index = {
    fleet: fleet.name,
    trustDomain: fleet.trust.domain,
    trustAnchors: fleet.trust.anchor.certificates.map((c) => ({ subject: c.subject, sha256: c.fingerprint256, notAfter: c.validTo })),
    ...(fleet.trust.rotation ? { trustRotation: fleet.trust.rotation } : {}),
    ...(gitops.fleetFiles.length ? { gitops: { files: gitops.fleetFiles } } : {}),
    environments: fleet.environments.map((env) => ({
      name: env.name,
      ...(gitops.environments.has(env.name) ? { gitops: gitops.environments.get(env.name) } : {}),
      clusters: [],
    })),
  };
  const text = JSON.stringify(index, null, 2);
  const parts: (string | ClusterEntry)[] = [];
  const outline: string[] = [];
  let from = 0;
  for (const env of fleet.environments) {
    const at = text.indexOf(NO_CLUSTERS, from);
    if (at < 0) throw new Error(`index.json: no clusters list for environment ${env.name}`);
    const clusters = entries.filter((e) => e.environment === env.name).map((e) => e.entry);
    const head = text.slice(from, at + NO_CLUSTERS.length - 1);
    parts.push(head);
    outline.push(head);
    if (clusters.length) {
      // Each entry a part of its own: one join of the whole (~9 MB at 1000 clusters), not one per environment too.
      clusters.forEach((entry, i) => parts.push(i === 0 ? `\n${ENTRY_INDENT}` : `,\n${ENTRY_INDENT}`, entry));
      parts.push(`\n${' '.repeat(6)}`);
      outline.push(`\n${ENTRY_INDENT}${clusters.map(() => '{}').join(`,\n${ENTRY_INDENT}`)}\n${' '.repeat(6)}`);
    }
    from = at + NO_CLUSTERS.length - 1;
  }
  parts.push(text.slice(from), '\n');
  outline.push(text.slice(from), '\n');
  let joined: string | undefined;
  return {
    get text() {
      return (joined ??= parts.map((p) => (typeof p === 'string' ? p : p.text)).join(''));
    },
    pieces: () => {
      // The separators between entries repeat: one buffer each.
      const separators = new Map<string, Uint8Array>();
      const bytesOf = (text: string) => {
        let bytes = separators.get(text);
        if (bytes === undefined) separators.set(text, (bytes = Buffer.from(text)));
        return bytes;
      };
      return parts.map((p) => (typeof p === 'string' ? bytesOf(p) : (p.bytes ?? Buffer.from(p.text))));
    },
    outline: outline.join(''),
    view: () => {
      const views = fleet.environments.map((env) => entries.filter((e) => e.environment === env.name).map((e) => e.entry.view));
      return views.every((list) => list.every((view) => view !== undefined)) ? indexViewPieces(index, views as ClusterView[][]) : undefined;
    },
  };
}

/**
 * A cluster's entry in index.json as text at its place there (indexFile), and with `withView` its view
 * (previous-index.ts clusterIndexView: 12–30 µs a cluster), which only a run that records the
 * incremental cache keeps.
 */
export function clusterIndexEntry(fleet: ResolvedFleet, r: RenderedCluster, view: ClusterMulticlusterView, policy: ClusterPolicyView, withView = false): { readonly text: string; readonly view?: string } {
  const entry = {
    name: r.cluster.name,
    network: r.cluster.network,
    linkerd: r.cluster.linkerdVersion,
    kubernetes: r.cluster.kubernetes,
    ha: r.cluster.ha,
    upstreamCharts: Object.fromEntries(
      Object.keys(r.upstreamValues).map((chart) => [
        chart,
        { repository: environmentDelivery(fleet.delivery, r.cluster.environment).helmRepository, chart, version: r.cluster.release.chartVersion, values: valuesFilePath(r.folder, chart) },
      ]),
    ),
    gatewayAPI: gatewayAPIEntry(r.cluster),
    mesh: { chart: meshChartPath(r.folder), version: r.chartVersion, objects: r.counts.objects },
    ...multiclusterIndex(fleet, view),
    ...policyIndex(policy),
    manifests: manifestsPath(r.folder),
    ...routesEntry(r),
  };
  const text = oneByte(JSON.stringify(entry, null, 2).replaceAll('\n', `\n${ENTRY_INDENT}`));
  return withView ? { text, view: clusterIndexView(entry) } : { text };
}

/**
 * ASCII text as a one-byte string. A name parsed out of the fleet file and since used as a property
 * key is a "thin" string in V8, and optimized code concatenating one (a Secret's name here) makes a
 * two-byte string though every character is ASCII, and so is all text made from it: in a
 * 1000-cluster synth index.json was then 17 MB in memory instead of 8.7 MB, and every copy of it
 * (the join, the write) twice the work (docs/performance.md, 2026-12-04). Other text is left as it is.
 */
export function oneByte(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length === text.length ? bytes.toString('latin1') : text;
}

/** The cluster's Servers, the ones that only audit (a rollout to finish), and its egress networks. */
function policyIndex(view: ClusterPolicyView) {
  if (!view.servers.length && !view.egressNetworks.length) return {};
  const names = (objects: readonly { namespace: string; name: string }[]) => objects.map((o) => `${o.namespace}/${o.name}`);
  return {
    policy: {
      servers: names(view.servers),
      audit: names(view.servers.filter((s) => s.accessPolicy === 'audit')),
      egressNetworks: names(view.egressNetworks),
    },
  };
}

/** What a cluster mirrors and publishes, and which Secrets its Links read (and who provides them). */
function multiclusterIndex(fleet: ResolvedFleet, view: ClusterMulticlusterView) {
  if (!view.outgoing.length && !view.incoming.length && !view.federatedServices.length && !view.exports.length) return {};
  const federated = new Set(view.federatedServices.map((f) => `${f.namespace}/${f.name}`));
  const providedBy = fleet.credentials.type;
  return {
    links: view.outgoing.map((l) => ({
      name: l.name,
      target: l.target,
      mode: l.mode,
      object: `linkerd-multicluster/${l.name}`,
      credentials: [MULTICLUSTER_NAMESPACE, LINKERD_NAMESPACE].map((ns) => ({ secret: `${ns}/${credentialsSecretName(l.target)}`, providedBy })),
    })),
    linkedFrom: view.incoming.map((l) => ({ source: l.source, mode: l.mode, serviceAccount: remoteAccessServiceAccount(l.source) })),
    gateway: view.incoming.some((l) => l.mode === 'gateway'),
    federatedServices: view.federatedServices.map((f) => ({ name: f.name, namespace: f.namespace, service: federatedServiceName(f.name), members: f.clusters })),
    // The labels each named service needs here: its export mode, and federation membership.
    exports: [
      ...view.exports.map((s) => ({ name: s.name, namespace: s.namespace, labels: exportLabels(s.export, federated.has(`${s.namespace}/${s.name}`)) })),
      ...view.federatedServices
        .filter((f) => !view.exports.some((s) => s.namespace === f.namespace && s.name === f.name))
        .map((f) => ({ name: f.name, namespace: f.namespace, labels: federationLabels() })),
    ],
  };
}

/** How GitOps gets the cluster's Gateway API CRDs: version, channel and source, applied server-side and never pruned. */
function gatewayAPIEntry(cluster: ResolvedCluster): Record<string, unknown> {
  const { mode, version, channel, source, migration } = cluster.gatewayAPI;
  return {
    mode,
    version,
    channel,
    ...(source ? { source, serverSideApply: true, prune: false } : {}),
    ...(migration ? { migration } : {}),
  };
}

function routesEntry(r: RenderedCluster): Record<string, unknown> {
  const files = r.counts.routeFiles;
  if (!Object.keys(files).length) return {};
  const count = (name: string) => files[name] ?? 0;
  return { routes: { manifests: routesPath(r.folder), routes: count('routes.yaml'), services: count('services.yaml') } };
}
