// The Argo CD Application of one component of a cluster, as data: app-of-apps writes it as an
// Application, the ApplicationSet carries the same pieces in its generator elements.
import type { Component, MeshComponent } from '../components.ts';
import { FILES_VALUE } from '../../../model/mesh-chart.ts';
import { gates, syncWaveOf } from '../phases.ts';
import { repoPath, type ClusterDelivery, type EnvironmentDelivery, type ResolvedRepo } from '../../../resolve/delivery.ts';
import { RESOURCES_FINALIZER, SYNC_WAVE_ANNOTATION, type ApplicationProps, type ApplicationSource, type SyncPolicy } from './application.ts';

/** The `ref` of the Git source whose files Helm sources read as `$values/…`. */
export const VALUES_REF = 'values';

export interface ComponentContext {
  readonly fleet: string;
  readonly cluster: string;
  readonly environment: EnvironmentDelivery;
  readonly clusterDelivery: ClusterDelivery;
  /**
   * Argo CD syncs on its own (app-of-apps). Off for ApplicationSet RollingSync, which syncs step by
   * step itself. @default true
   */
  readonly automated?: boolean;
}

/** Label of a component whose health must not hold the rest of its cluster (it waits on another cluster). */
export const GATES_LABEL = 'meshfleet.dev/gates';

export function applicationName(cluster: string, component: Pick<Component, 'name'>): string {
  return `${cluster}-${component.name}`;
}

export function componentLabels(ctx: Pick<ComponentContext, 'fleet' | 'cluster'> & { environment: string }, component: Pick<Component, 'name' | 'phase'>): Record<string, string> {
  return {
    'meshfleet.dev/fleet': ctx.fleet,
    'meshfleet.dev/environment': ctx.environment,
    'meshfleet.dev/cluster': ctx.cluster,
    'meshfleet.dev/component': component.name,
    'meshfleet.dev/phase': component.phase,
    // Read by the Application health check (argocd-settings.ts): its health holds no later wave.
    ...(gates(component.phase) ? {} : { [GATES_LABEL]: 'false' }),
  };
}

/** Argo CD's repoURL for a Helm repository: OCI registries are named without their scheme. */
export function argoHelmRepoURL(helmRepository: string): string {
  return helmRepository.replace(/^oci:\/\//, '');
}

export function gitRevision(repo: ResolvedRepo): string {
  return repo.revision.value;
}

/** A directory include glob for these file names. */
function globOf(files: readonly string[]): string {
  return files.length === 1 ? files[0] : `{${files.join(',')}}`;
}

/** A mesh part: its chart (from Git or a chart repository, its templates selected by `files`), or its manifests. */
function meshSource(component: MeshComponent, git: { repoURL: string; targetRevision: string }, repo: ResolvedRepo): ApplicationSource {
  const chart = component.chart;
  if (chart) {
    const helm = { releaseName: component.name, ...(component.files ? { valuesObject: { [FILES_VALUE]: [...component.files] } } : {}) };
    return chart.from === 'git'
      ? { ...git, path: repoPath(repo, chart.path), helm }
      : { repoURL: argoHelmRepoURL(chart.repository), chart: chart.name, targetRevision: chart.version, helm };
  }
  return component.files
    ? // Part of the objects only: the same files as plain manifests (kustomization.yaml left out).
      { ...git, path: repoPath(repo, component.manifestsPath), directory: { include: globOf(component.files) } }
    : { ...git, path: repoPath(repo, component.chartPath) };
}

export function componentApplication(component: Component, ctx: ComponentContext): ApplicationProps {
  const env = ctx.environment;
  const repo = env.repo;
  const git = { repoURL: repo.url, targetRevision: gitRevision(repo) };
  let sources: ApplicationSource[];
  switch (component.kind) {
    case 'upstream-chart':
      sources = [
        {
          repoURL: argoHelmRepoURL(env.helmRepository),
          chart: component.chart,
          targetRevision: component.version,
          helm: { releaseName: component.chart, valueFiles: [`$${VALUES_REF}/${repoPath(repo, component.valuesFile)}`] },
        },
        { ...git, ref: VALUES_REF },
      ];
      break;
    case 'mesh':
      sources = [meshSource(component, git, repo)];
      break;
    case 'gateway-api':
      sources = [
        component.source.kind === 'upstream'
          ? { repoURL: component.source.repoURL, targetRevision: component.source.ref, path: component.source.path }
          : { ...git, path: repoPath(repo, component.source.path) },
      ];
      break;
  }

  const protectsCrds = component.crds !== 'none';
  const syncOptions = [
    ...(component.createNamespace ? ['CreateNamespace=true'] : []),
    // Client-side apply stores the whole object in an annotation, which a large CRD overflows.
    ...(component.crds === 'large' ? ['ServerSideApply=true'] : []),
    // Its CRs' CRDs come from another Application, so a dry run before they exist would fail.
    ...(component.usesForeignCrds ? ['SkipDryRunOnMissingResource=true'] : []),
    // Otherwise a sync writes the ignored fields back and cert-manager writes them again.
    ...(component.drift.length ? ['RespectIgnoreDifferences=true'] : []),
  ];
  const syncPolicy: SyncPolicy = {
    // CRDs are never pruned: removing one deletes every object of its kind in the cluster.
    ...(ctx.automated ?? true ? { automated: { prune: !protectsCrds, selfHeal: true } } : {}),
    ...(syncOptions.length ? { syncOptions } : {}),
    // Waits for CRDs and Secrets that other Applications are still creating.
    retry: { limit: 10, backoff: { duration: '15s', factor: 2, maxDuration: '5m' } },
  };
  const destination = { ...ctx.clusterDelivery.argocd.destination, namespace: component.namespace };

  return {
    name: applicationName(ctx.cluster, component),
    namespace: env.argocd.namespace,
    labels: componentLabels({ fleet: ctx.fleet, cluster: ctx.cluster, environment: env.environment }, component),
    annotations: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(component.phase)) },
    // Without the finalizer, deleting the Application (or the cluster from the fleet) leaves CRDs in place.
    finalizers: protectsCrds ? [] : [RESOURCES_FINALIZER],
    spec: {
      project: ctx.clusterDelivery.argocd.project,
      destination,
      ...(sources.length === 1 ? { source: sources[0] } : { sources }),
      syncPolicy,
      ...(component.drift.length
        ? { ignoreDifferences: component.drift.map((rule) => ({ group: rule.group, kind: rule.kind, jqPathExpressions: [...rule.jqPathExpressions] })) }
        : {}),
    },
  };
}
