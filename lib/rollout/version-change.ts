// A change of Linkerd version, per cluster, against the previous output: the steps it takes in the
// order Linkerd's upgrade notes give (CRDs, control plane, multicluster, then the data plane restart
// no GitOps engine does), with what to check between them; and the rules synth enforces: no
// downgrade unless spec.upgrades.allowDowngrade, one release at a time (in the release table's
// order), and no link whose ends are further apart than before at any moment of the rollout.
import { LINKERD_RELEASES, linkerdRelease, type LinkerdRelease } from '../compat/linkerd-releases.ts';
import { error, type Diagnostic } from '../model/diagnostics.ts';
import type { PreviousIndex } from '../output/previous-index.ts';
import type { ResolvedFleet } from '../resolve/resolve.ts';

export interface VersionChangeStep {
  /** The component the engine applies (rollout step `<cluster>-<component>`), or "data-plane". */
  readonly component: string;
  readonly does: string;
  /** The command that says the step is done, before the next one. */
  readonly check: string;
}

export interface VersionChange {
  readonly cluster: string;
  readonly environment: string;
  readonly from: string;
  readonly to: string;
  readonly steps: readonly VersionChangeStep[];
}

interface PreviousCluster {
  readonly linkerd: string;
  readonly multicluster: boolean;
  readonly links: readonly string[];
}

/** Each cluster whose Linkerd version differs from the previous output's, in fleet order. */
export function linkerdVersionChanges(previous: PreviousIndex | undefined, fleet: ResolvedFleet): VersionChange[] {
  const before = previousClusters(previous);
  const changes: VersionChange[] = [];
  for (const cluster of fleet.clusters) {
    const was = before.get(cluster.name);
    if (!was || was.linkerd === cluster.linkerdVersion) continue;
    const from = linkerdRelease(was.linkerd);
    const chart = (r: LinkerdRelease | undefined, v: string) => (r ? `${r.chartVersion}` : `of ${v}`);
    const context = `--context ${cluster.name}`;
    const steps: VersionChangeStep[] = [
      { component: 'linkerd-crds', does: `linkerd-crds chart ${chart(from, was.linkerd)} → ${cluster.release.chartVersion}`, check: `kubectl ${context} wait --for condition=established --timeout=120s crd --all` },
      { component: 'linkerd-control-plane', does: `linkerd-control-plane chart ${chart(from, was.linkerd)} → ${cluster.release.chartVersion}`, check: `linkerd ${context} check` },
    ];
    if (was.multicluster || fleet.links.some((l) => l.source === cluster.name || l.target === cluster.name)) {
      steps.push({ component: 'linkerd-multicluster', does: `linkerd-multicluster chart → ${cluster.release.chartVersion}`, check: `linkerd ${context} multicluster check` });
    }
    steps.push({
      component: 'data-plane',
      does: 'restart meshed workloads so their proxies run the new version (no GitOps engine does this)',
      check: `kubectl ${context} rollout restart deployment,statefulset,daemonset --namespace <each meshed namespace> && linkerd ${context} check --proxy`,
    });
    changes.push({ cluster: cluster.name, environment: cluster.environment, from: was.linkerd, to: cluster.linkerdVersion, steps });
  }
  return changes;
}

export function versionChangeDiagnostics(previous: PreviousIndex | undefined, fleet: ResolvedFleet): Diagnostic[] {
  const before = previousClusters(previous);
  const out: Diagnostic[] = [];
  // Each cluster's release now and before, as places in the release table, found once: each link asks for both of its ends.
  const releases = new Map<string, { readonly now: number; readonly then: number | undefined }>();
  for (const cluster of fleet.clusters) {
    const was = before.get(cluster.name);
    const from = was ? orderOf(was.linkerd) : undefined;
    const to = orderOf(cluster.linkerdVersion)!;
    releases.set(cluster.name, { now: to, then: from });
    // A version this meshfleet's table does not know (a newer meshfleet wrote it) is not compared.
    if (from === undefined || was!.linkerd === cluster.linkerdVersion) continue;
    if (to < from && !fleet.upgrades.allowDowngrade) {
      out.push(error('MF7211', cluster.path, `Linkerd ${was!.linkerd} → ${cluster.linkerdVersion} on ${cluster.name} is a downgrade: Linkerd supports upgrades only (CRDs and stored objects do not go back)`, `keep ${cluster.name} at ${was!.linkerd}; to go back on purpose (after a failed upgrade, with the upgrade notes in hand) set spec.upgrades.allowDowngrade: true`));
    } else if (to > from + 1) {
      const next = LINKERD_RELEASES[from + 1].version;
      out.push(error('MF7212', cluster.path, `Linkerd ${was!.linkerd} → ${cluster.linkerdVersion} on ${cluster.name} skips ${LINKERD_RELEASES.slice(from + 1, to).map((r) => r.version).join(', ')}: Linkerd upgrades one release at a time`, `move ${cluster.name} to ${next} first (synth, deliver, check), then to ${cluster.linkerdVersion}`));
    }
  }
  // Skew across links: while an environment rolls out, each end of a link runs its old or its new
  // version; no combination may be further apart than the link's ends were before, beyond one release.
  const seen = new Set<string>();
  for (const link of fleet.links) {
    const source = releases.get(link.source)!;
    const target = releases.get(link.target)!;
    // Only a link with an end that moves (both known before) can be skewed: in most synths none does.
    if (source.then === undefined || target.then === undefined || (source.then === source.now && target.then === target.now)) continue;
    const key = [link.source, link.target].sort().join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    const ends = [
      { name: link.source, ...source },
      { name: link.target, ...target },
    ];
    const allowed = Math.max(1, Math.abs(ends[0].then! - ends[1].then!));
    const [a, b] = ends;
    let worst: { older: typeof a; oldV: number; newer: typeof a; newV: number } | undefined;
    for (const va of [a.then!, a.now]) {
      for (const vb of [b.then!, b.now]) {
        const gap = Math.abs(va - vb);
        if (gap <= allowed || (worst && gap <= worst.newV - worst.oldV)) continue;
        worst = va < vb ? { older: a, oldV: va, newer: b, newV: vb } : { older: b, oldV: vb, newer: a, newV: va };
      }
    }
    if (!worst) continue;
    const { older, oldV, newer, newV } = worst;
    out.push(
      error(
        'MF7213',
        link.path,
        `linked clusters ${a.name} and ${b.name} would run Linkerd ${LINKERD_RELEASES[oldV].version} and ${LINKERD_RELEASES[newV].version} during the rollout, ${newV - oldV} releases apart in the release table (allowed: ${allowed === 1 ? '1' : `${allowed}, as before`})`,
        `upgrade ${older.name} first (to ${LINKERD_RELEASES[Math.min(oldV + 1, LINKERD_RELEASES.length - 1)].version}), deliver it, then ${newer.name}`,
      ),
    );
  }
  return out;
}

function orderOf(version: string): number | undefined {
  const release = linkerdRelease(version);
  return release ? LINKERD_RELEASES.indexOf(release) : undefined;
}

function previousClusters(previous: PreviousIndex | undefined): Map<string, PreviousCluster> {
  const found = new Map<string, PreviousCluster>();
  const environments = Array.isArray(previous?.environments) ? (previous!.environments as unknown[]) : [];
  for (const env of environments) {
    const clusters = (env as { clusters?: unknown })?.clusters;
    for (const c of Array.isArray(clusters) ? clusters : []) {
      const entry = c as { name?: unknown; linkerd?: unknown; upstreamCharts?: Record<string, unknown>; links?: { target?: unknown }[] };
      if (typeof entry?.name !== 'string' || typeof entry.linkerd !== 'string') continue;
      found.set(entry.name, {
        linkerd: entry.linkerd,
        multicluster: Boolean(entry.upstreamCharts && 'linkerd-multicluster' in entry.upstreamCharts),
        links: Array.isArray(entry.links) ? entry.links.map((l) => String(l?.target)) : [],
      });
    }
  }
  return found;
}
