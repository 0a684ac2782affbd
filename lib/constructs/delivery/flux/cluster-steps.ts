import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { channelOfSourcePath } from '../../../compat/gateway-api.ts';
import { previousPhaseComponents, type Component } from '../components.ts';
import { gates } from '../phases.ts';
import { repoPath, type ClusterDelivery, type EnvironmentDelivery } from '../../../resolve/delivery.ts';
import { kubeConfigOf, type SourceRef } from './object-fields.ts';
import type { KubeObject } from '../../../model/kube-object.ts';
import { plainObjectJson } from '../../object-json.ts';
import { Kustomization, kustomizationObject, type KustomizationProps } from './kustomization.ts';
import { gatewayAPISourceName } from './source-names.ts';

/** Annotation whose value changes with the content a step applies (see KustomizationProps.commonAnnotations). */
export const REVISION_ANNOTATION = 'meshfleet.dev/revision';

export interface ClusterStepsProps {
  readonly cluster: string;
  readonly environment: EnvironmentDelivery;
  readonly clusterDelivery: ClusterDelivery;
  readonly components: readonly Component[];
  readonly labels: (component: Component) => Readonly<Record<string, string>>;
  /** The GitRepository of the environment's repository. */
  readonly gitSource: string;
  /**
   * Folder (relative to charts-out/) that a component's step applies when it is not a folder of the
   * cluster's own output: an upstream chart's HelmRelease, a part of the mesh's manifests.
   */
  readonly stepFolder: (component: Component) => string;
}

/**
 * One Flux Kustomization per component of a cluster, chained with dependsOn in the order of
 * docs/reference/gitops-delivery.md. dependsOn links Kustomizations only, never a Kustomization to a HelmRelease, so
 * each upstream chart's HelmRelease is applied by a Kustomization of its own that waits for it.
 * Manifests go to the cluster through its kubeConfig; HelmReleases stay beside Flux and carry the
 * kubeConfig themselves.
 */
export class ClusterSteps extends Construct {
  constructor(scope: Construct, id: string, props: ClusterStepsProps) {
    super(scope, id);
    clusterStepKustomizations(props).forEach((kustomization, i) => new Kustomization(this, props.components[i].name, kustomization));
  }
}

/**
 * The objects of ClusterSteps, without its constructs: what synth writes to a cluster's
 * clusters/<name>.yaml (a thousand clusters' files need no construct tree).
 */
export function clusterStepsObjects(props: ClusterStepsProps): KubeObject[] {
  return clusterStepKustomizations(props).map((kustomization) => plainObjectJson(kustomizationObject(kustomization)));
}

/** The Kustomization of each component's step, in component order. */
function clusterStepKustomizations(props: ClusterStepsProps): KustomizationProps[] {
  const env = props.environment;
  const kubeConfig = kubeConfigOf(props.clusterDelivery);
  const gitSource: SourceRef = { kind: 'GitRepository', name: props.gitSource };
  return props.components.map((component) => {
    let sourceRef = gitSource;
    let path: string;
    let revision: string;
    switch (component.kind) {
      case 'gateway-api':
        if (component.source.kind === 'upstream') {
          sourceRef = { kind: 'GitRepository', name: gatewayAPISourceName(component.source) };
          path = component.source.path;
          revision = `${component.source.ref}-${channelOfSourcePath(component.source.path)}`;
        } else {
          path = repoPath(env.repo, component.source.path);
          revision = component.source.path.replace(/[^-._a-zA-Z0-9]/g, '_');
        }
        break;
      case 'mesh':
        path = repoPath(env.repo, component.files || component.chart ? props.stepFolder(component) : component.manifestsPath);
        revision = component.chartVersion;
        break;
      case 'upstream-chart':
        path = repoPath(env.repo, props.stepFolder(component));
        revision = `${component.version}-${valuesDigest(component.values)}`;
        break;
    }
    const protectsCrds = component.crds !== 'none';
    return {
      name: stepName(props.cluster, component),
      namespace: env.flux.namespace,
      labels: props.labels(component),
      interval: env.flux.interval,
      sourceRef,
      path: `./${path}`,
      prune: !protectsCrds,
      ...(protectsCrds ? { deletionPolicy: 'Orphan' as const } : {}),
      dependsOn: previousPhaseComponents(props.components, component).map((c) => ({ name: stepName(props.cluster, c) })),
      // A step that may wait for another cluster is Ready once applied, so it holds nothing.
      wait: gates(component.phase),
      // A HelmRelease lives beside Flux; only objects applied directly go to the cluster.
      kubeConfig: appliedByHelmRelease(component) ? undefined : kubeConfig,
      commonAnnotations: { [REVISION_ANNOTATION]: revision },
    };
  });
}

/** The step applies a HelmRelease (an upstream chart, or a mesh part delivered as the mesh chart). */
export function appliedByHelmRelease(component: Component): boolean {
  return component.kind === 'upstream-chart' || (component.kind === 'mesh' && component.chart !== undefined);
}

export function stepName(cluster: string, component: Pick<Component, 'name'>): string {
  return `${cluster}-${component.name}`;
}

function valuesDigest(values: unknown): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 12);
}
