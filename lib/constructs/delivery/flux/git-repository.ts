import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SOURCE_API_VERSION, metadataOf, type ObjectMetaProps } from './object-fields.ts';

export interface GitRepositoryProps extends ObjectMetaProps {
  /** http(s):// or ssh:// */
  readonly url: string;
  readonly ref: { readonly branch: string } | { readonly tag: string } | { readonly commit: string };
  readonly interval: string;
  /** Secret in the same namespace with the repository's credentials. @default none (public) */
  readonly secretRef?: string;
}

/** A Flux GitRepository: the repository where charts-out/ is committed, or an upstream one. */
export class GitRepository extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: GitRepositoryProps) {
    super(scope, id);
    this.name = props.name;
    new ApiObject(this, 'Resource', {
      apiVersion: SOURCE_API_VERSION,
      kind: 'GitRepository',
      metadata: metadataOf(props),
      spec: { url: props.url, ref: props.ref, interval: props.interval, ...(props.secretRef ? { secretRef: { name: props.secretRef } } : {}) },
    });
  }
}
