// The starting point of an upgrade: the previous output folder, taken as installed and converged.
// Its facts are read back from its files (index.json, manifests/, routes/, values/); a step of the
// new output is unchanged when every file it applies is byte-identical to the previous one.
import type { UpstreamChart } from '../compat/upstream-values.ts';
import type { KubeObject } from '../model/kube-object.ts';
import { chartWaits, GATEWAY_API_GROUPS } from './component-waits.ts';
import { factKey } from './facts.ts';
import { objectWaits } from './object-waits.ts';
import { readDocument, readDocuments } from './previous-yaml.ts';
import type { UpgradeStart } from './simulate.ts';
import type { RolloutModel } from './steps.ts';

export interface Upgrade extends UpgradeStart {
  /** Clusters of the previous output that the fleet no longer has. */
  readonly removedClusters: readonly string[];
  /** Clusters the previous output did not have. */
  readonly addedClusters: readonly string[];
  /** Steps of the new output whose files differ from the previous output's. */
  readonly changedSteps: readonly string[];
}

interface PreviousCluster {
  readonly name: string;
  readonly folder: string;
  readonly gatewayAPI: unknown;
}

const CHART_NAMESPACES: Readonly<Record<UpstreamChart, string>> = {
  'linkerd-crds': 'linkerd',
  'linkerd-control-plane': 'linkerd',
  'linkerd-multicluster': 'linkerd-multicluster',
};

/**
 * What an upgrade reads of the new output: its index.json, and whether a file is byte-identical to
 * the previous output's (plan compares each file as it is made, and keeps none).
 */
export interface NextOutput {
  readonly index: string | undefined;
  unchanged(path: string): boolean;
}

/** undefined when `previous` holds no meshfleet output (no index.json). */
export function upgradeFrom(model: RolloutModel, previous: ReadonlyMap<string, string>, next: NextOutput): Upgrade | undefined {
  const before = clustersOf(previous.get('index.json'));
  if (!before) return undefined;
  const after = new Map((clustersOf(next.index) ?? []).map((c) => [c.name, c]));
  const facts = new Set<string>();
  // Each previous cluster's files (its folder is <environment>/<name>), in the folder's order: one pass over the folder.
  const filesOf = new Map(before.map((c) => [c.folder, [] as [rest: string, text: string][]]));
  for (const [path, text] of previous) {
    const end = path.indexOf('/', path.indexOf('/') + 1);
    if (end > 0) filesOf.get(path.slice(0, end))?.push([path.slice(end + 1), text]);
  }
  for (const cluster of before) {
    for (const [rest, text] of filesOf.get(cluster.folder)!) {
      if (/^(manifests|routes)\/[^/]+\.yaml$/.test(rest) && !rest.endsWith('/kustomization.yaml')) {
        for (const document of readDocuments(text)) {
          const object = document as KubeObject | null;
          if (object?.kind) for (const p of objectWaits(object, cluster.name).provides) facts.add(factKey(p.fact));
        }
      }
      const chart = /^values\/(linkerd-[a-z-]+)\.yaml$/.exec(rest)?.[1] as UpstreamChart | undefined;
      if (chart && chart in CHART_NAMESPACES) {
        for (const p of chartWaits(chart, (readDocument(text) ?? {}) as Record<string, unknown>, CHART_NAMESPACES[chart], cluster.name).provides) facts.add(factKey(p.fact));
      }
    }
    if ((cluster.gatewayAPI as { source?: unknown } | undefined)?.source) {
      for (const group of GATEWAY_API_GROUPS) facts.add(factKey({ kind: 'crd', name: group, cluster: cluster.name }));
    }
  }
  // What the new output no longer provides is gone (pruned, or its cluster removed).
  const provided = new Set(model.steps.flatMap((s) => s.units.flatMap((u) => u.provides.map((p) => factKey(p.fact)))));
  for (const key of facts) if (!provided.has(key)) facts.delete(key);

  const previousByName = new Map(before.map((c) => [c.name, c]));
  const unchanged = new Set<string>();
  const changedSteps: string[] = [];
  for (const step of model.steps) {
    const was = previousByName.get(step.cluster);
    let same = Boolean(was);
    if (same && step.component.kind === 'gateway-api') same = JSON.stringify(was!.gatewayAPI) === JSON.stringify(after.get(step.cluster)?.gatewayAPI);
    else if (same) {
      const files = new Set(step.units.map((u) => u.file));
      same = [...files].every((f) => next.unchanged(f));
    }
    if (same) unchanged.add(step.id);
    else changedSteps.push(step.id);
  }
  const names = new Set(model.clusters.map((c) => c.name));
  return {
    facts,
    unchanged,
    changedSteps,
    removedClusters: before.map((c) => c.name).filter((n) => !names.has(n)),
    addedClusters: model.clusters.map((c) => c.name).filter((n) => !previousByName.has(n)),
  };
}

function clustersOf(text: string | undefined): PreviousCluster[] | undefined {
  if (!text) return undefined;
  try {
    const index = JSON.parse(text) as { environments?: { name: string; clusters?: { name: string; gatewayAPI?: unknown }[] }[] };
    return (index.environments ?? []).flatMap((env) => (env.clusters ?? []).map((c) => ({ name: c.name, folder: `${env.name}/${c.name}`, gatewayAPI: c.gatewayAPI })));
  } catch {
    return undefined;
  }
}
