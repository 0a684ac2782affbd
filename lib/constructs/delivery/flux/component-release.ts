import { Construct } from 'constructs';
import type { UpstreamChartComponent } from '../components.ts';
import type { DependsOn, KubeConfigRef, ObjectMetaProps } from './object-fields.ts';
import type { KubeObject } from '../../../model/kube-object.ts';
import type { HelmRelease, HelmReleaseProps } from './helm-release.ts';
import type { OCIRepositoryProps } from './oci-repository.ts';
import { releaseConstructs, releaseObjects, type ReleaseParts } from './release-parts.ts';
import { isOci } from './source-names.ts';

export interface ComponentReleaseProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly component: UpstreamChartComponent;
  readonly helmRepository: string;
  /** The HelmRepository to take the chart from (unused for oci:// repositories). */
  readonly helmSourceName: string;
  readonly interval: string;
  readonly dependsOn: readonly DependsOn[];
  readonly kubeConfig?: KubeConfigRef;
  /** The values file this release's values come from (relative to the repository), for readers. */
  readonly valuesFile: string;
}

/**
 * An upstream Linkerd chart as a HelmRelease. Its values are the generated values file's, inline:
 * a HelmRelease cannot read a file from Git (valuesFrom takes ConfigMaps and Secrets), and inline
 * values make every values change a spec change that Flux, and whoever waits for it, sees.
 */
export class ComponentRelease extends Construct {
  readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: ComponentReleaseProps) {
    super(scope, id);
    this.release = releaseConstructs(this, componentReleaseParts(props));
  }
}

/** The objects of ComponentRelease, without its constructs (a cluster's GitOps files, as synth writes them). */
export function componentReleaseObjects(props: ComponentReleaseProps): KubeObject[] {
  return releaseObjects(componentReleaseParts(props));
}

/** The release, and the OCIRepository it reads its chart from when the repository is an OCI registry. */
function componentReleaseParts(props: ComponentReleaseProps): ReleaseParts {
  const { component } = props;
  const meta: ObjectMetaProps = {
    name: props.name,
    namespace: props.namespace,
    labels: props.labels,
    annotations: { 'meshfleet.dev/values-file': props.valuesFile },
  };
  let oci: OCIRepositoryProps | undefined;
  let chartSource: Pick<HelmReleaseProps, 'chart' | 'chartRef'>;
  if (isOci(props.helmRepository)) {
    oci = {
      name: props.name,
      namespace: props.namespace,
      labels: props.labels,
      url: `${props.helmRepository}/${component.chart}`,
      tag: component.version,
      interval: props.interval,
    };
    chartSource = { chartRef: { kind: 'OCIRepository', name: oci.name } };
  } else {
    chartSource = { chart: { chart: component.chart, version: component.version, sourceRef: { kind: 'HelmRepository', name: props.helmSourceName } } };
  }
  const release: HelmReleaseProps = {
    ...meta,
    ...chartSource,
    interval: props.interval,
    releaseName: component.chart,
    targetNamespace: component.namespace,
    storageNamespace: component.storageNamespace,
    createNamespace: component.createNamespace,
    dependsOn: props.dependsOn,
    kubeConfig: props.kubeConfig,
    values: component.values,
    driftIgnore: component.drift.map((rule) => ({ paths: [...rule.jsonPointers], target: { group: rule.group, kind: rule.kind } })),
  };
  return oci ? { oci, release } : { release };
}
