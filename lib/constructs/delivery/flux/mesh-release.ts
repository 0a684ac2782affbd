import { Construct } from 'constructs';
import type { MeshComponent } from '../components.ts';
import { FILES_VALUE } from '../../../model/mesh-chart.ts';
import type { DependsOn, KubeConfigRef, ObjectMetaProps } from './object-fields.ts';
import type { KubeObject } from '../../../model/kube-object.ts';
import type { HelmReleaseProps } from './helm-release.ts';
import type { OCIRepositoryProps } from './oci-repository.ts';
import { releaseConstructs, releaseObjects, type ReleaseParts } from './release-parts.ts';
import { isOci } from './source-names.ts';

export interface MeshReleaseProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** A mesh part delivered as a chart (component.chart set). */
  readonly component: MeshComponent;
  /** The GitRepository of the environment's repository (chart from Git). */
  readonly gitSourceName: string;
  /** The chart's folder in that repository, for a chart from Git. */
  readonly gitChartPath: string;
  /** The HelmRepository of the packaged charts (https:// chart repositories). */
  readonly helmSourceName: string;
  readonly interval: string;
  readonly dependsOn: readonly DependsOn[];
  readonly kubeConfig?: KubeConfigRef;
  /** Ready only once its objects are (off for a part that may wait on another cluster). */
  readonly wait: boolean;
}

/**
 * A part of a cluster's mesh as a HelmRelease of its mesh/ chart: from the Git folder (a new chart
 * artifact when Chart.yaml's version changes, which meshfleet moves with the content), from a chart
 * repository at the chart's version, or from an OCI registry through an OCIRepository at that tag.
 * The release renders the templates its `files` value selects.
 */
export class MeshRelease extends Construct {
  constructor(scope: Construct, id: string, props: MeshReleaseProps) {
    super(scope, id);
    releaseConstructs(this, meshReleaseParts(props));
  }
}

/** The objects of MeshRelease, without its constructs (a cluster's GitOps files, as synth writes them). */
export function meshReleaseObjects(props: MeshReleaseProps): KubeObject[] {
  return releaseObjects(meshReleaseParts(props));
}

/** The release, and the OCIRepository it reads its chart from when the chart is in an OCI registry. */
function meshReleaseParts(props: MeshReleaseProps): ReleaseParts {
  const { component } = props;
  const chart = component.chart!;
  const meta: ObjectMetaProps = { name: props.name, namespace: props.namespace, labels: props.labels, annotations: { 'meshfleet.dev/chart': `${chart.name}-${chart.version}` } };
  let oci: OCIRepositoryProps | undefined;
  let chartSource: Pick<HelmReleaseProps, 'chart' | 'chartRef'>;
  if (chart.from === 'git') {
    chartSource = { chart: { chart: `./${props.gitChartPath}`, sourceRef: { kind: 'GitRepository', name: props.gitSourceName }, reconcileStrategy: 'ChartVersion' } };
  } else if (isOci(chart.repository)) {
    oci = { name: props.name, namespace: props.namespace, labels: props.labels, url: `${chart.repository}/${chart.name}`, tag: chart.version, interval: props.interval };
    chartSource = { chartRef: { kind: 'OCIRepository', name: oci.name } };
  } else {
    chartSource = { chart: { chart: chart.name, version: chart.version, sourceRef: { kind: 'HelmRepository', name: props.helmSourceName } } };
  }
  const release: HelmReleaseProps = {
    ...meta,
    ...chartSource,
    interval: props.interval,
    releaseName: component.name,
    targetNamespace: component.namespace,
    storageNamespace: component.storageNamespace,
    dependsOn: props.dependsOn,
    kubeConfig: props.kubeConfig,
    values: component.files ? { [FILES_VALUE]: [...component.files] } : {},
    wait: props.wait,
  };
  return oci ? { oci, release } : { release };
}
