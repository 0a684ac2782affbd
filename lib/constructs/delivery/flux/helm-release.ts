import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { NamedObjectProps } from '../../object-json.ts';
import { HELM_API_VERSION, metadataOf, type DependsOn, type KubeConfigRef, type ObjectMetaProps, type SourceRef } from './object-fields.ts';

export interface HelmReleaseProps extends ObjectMetaProps {
  readonly interval: string;
  readonly releaseName: string;
  /** Namespace of the release's objects (and of Helm's release Secret unless storageNamespace says). */
  readonly targetNamespace: string;
  /** Namespace of Helm's release Secret. @default targetNamespace */
  readonly storageNamespace?: string;
  /**
   * A chart from a HelmRepository (version: a semver range), or from a GitRepository (chart: its
   * folder in the repository, version unused; a new chart artifact per reconcileStrategy)…
   */
  readonly chart?: { readonly chart: string; readonly version?: string; readonly sourceRef: SourceRef; readonly reconcileStrategy?: 'ChartVersion' | 'Revision' };
  /** …or an OCIRepository that holds exactly the chart. */
  readonly chartRef?: SourceRef;
  /** Create targetNamespace when it does not exist yet. @default false */
  readonly createNamespace?: boolean;
  readonly dependsOn?: readonly DependsOn[];
  /** @default the cluster Flux runs in */
  readonly kubeConfig?: KubeConfigRef;
  readonly values: Readonly<Record<string, unknown>>;
  /** Helm waits until the release's objects are ready before the release is Ready. @default true */
  readonly wait?: boolean;
  /** Fields written outside Git, not drift (JSON pointers per target kind). */
  readonly driftIgnore?: readonly { readonly paths: readonly string[]; readonly target: { readonly group: string; readonly kind: string } }[];
}

/**
 * A Flux HelmRelease (helm.toolkit.fluxcd.io/v2). Drift detection is on, so Flux repairs manual
 * changes the way Argo CD's selfHeal does; failed installs and upgrades are retried.
 */
export class HelmRelease extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: HelmReleaseProps) {
    super(scope, id);
    this.name = props.name;
    new ApiObject(this, 'Resource', helmReleaseObject(props));
  }
}

/** The HelmRelease's object, as the construct defines it (plainObjectJson renders it without one). */
export function helmReleaseObject(props: HelmReleaseProps): NamedObjectProps {
  return {
    apiVersion: HELM_API_VERSION,
    kind: 'HelmRelease',
    metadata: metadataOf(props),
    spec: {
      interval: props.interval,
      releaseName: props.releaseName,
      targetNamespace: props.targetNamespace,
      storageNamespace: props.storageNamespace ?? props.targetNamespace,
      ...(props.chart ? { chart: { spec: { ...props.chart, interval: props.interval } } } : {}),
      ...(props.chartRef ? { chartRef: props.chartRef } : {}),
      ...(props.kubeConfig ? { kubeConfig: props.kubeConfig } : {}),
      ...(props.dependsOn?.length ? { dependsOn: props.dependsOn } : {}),
      install: { createNamespace: props.createNamespace ?? false, ...(props.wait === false ? { disableWait: true } : {}), remediation: { retries: 3 } },
      upgrade: { ...(props.wait === false ? { disableWait: true } : {}), remediation: { retries: 3 } },
      driftDetection: { mode: 'enabled', ...(props.driftIgnore?.length ? { ignore: props.driftIgnore } : {}) },
      values: props.values,
    },
  };
}
