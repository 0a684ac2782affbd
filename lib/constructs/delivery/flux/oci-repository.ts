import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { NamedObjectProps } from '../../object-json.ts';
import { SOURCE_API_VERSION, metadataOf, type ObjectMetaProps } from './object-fields.ts';

/** The layer of an OCI artifact that holds a Helm chart. */
export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

export interface OCIRepositoryProps extends ObjectMetaProps {
  /** oci://registry/path/<chart> */
  readonly url: string;
  readonly tag: string;
  readonly interval: string;
}

/**
 * A Flux OCIRepository for one chart version: Flux's preferred way to a chart in an OCI registry
 * (HelmRepository type oci is in maintenance), read by a HelmRelease through chartRef.
 */
export class OCIRepository extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: OCIRepositoryProps) {
    super(scope, id);
    this.name = props.name;
    new ApiObject(this, 'Resource', ociRepositoryObject(props));
  }
}

/** The OCIRepository's object, as the construct defines it (plainObjectJson renders it without one). */
export function ociRepositoryObject(props: OCIRepositoryProps): NamedObjectProps {
  return {
    apiVersion: SOURCE_API_VERSION,
    kind: 'OCIRepository',
    metadata: metadataOf(props),
    spec: {
      url: props.url,
      ref: { tag: props.tag },
      interval: props.interval,
      layerSelector: { mediaType: HELM_CHART_LAYER, operation: 'copy' },
    },
  };
}
