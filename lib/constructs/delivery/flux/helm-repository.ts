import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SOURCE_API_VERSION, metadataOf, type ObjectMetaProps } from './object-fields.ts';

export interface HelmRepositoryProps extends ObjectMetaProps {
  /** An https:// chart repository (OCI registries go through OCIRepository). */
  readonly url: string;
  readonly interval: string;
}

/** A Flux HelmRepository: the index of the Linkerd charts. */
export class HelmRepository extends Construct {
  constructor(scope: Construct, id: string, props: HelmRepositoryProps) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      apiVersion: SOURCE_API_VERSION,
      kind: 'HelmRepository',
      metadata: metadataOf(props),
      spec: { url: props.url, interval: props.interval },
    });
  }
}
