import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { NamedObjectProps } from '../../object-json.ts';
import { KUSTOMIZE_API_VERSION, metadataOf, type DependsOn, type KubeConfigRef, type ObjectMetaProps, type SourceRef } from './object-fields.ts';

export interface KustomizationProps extends ObjectMetaProps {
  readonly interval: string;
  readonly sourceRef: SourceRef;
  /** Folder in the source, "./…". */
  readonly path: string;
  /** Delete objects that leave the folder. Off for CRDs: deleting one deletes every object of its kind. */
  readonly prune: boolean;
  /** What happens to the applied objects when the Kustomization itself is deleted. @default Flux's: prune them when prune is on */
  readonly deletionPolicy?: 'Orphan';
  /** Ready only when every applied object is ready (HelmReleases included). @default true */
  readonly wait?: boolean;
  readonly dependsOn?: readonly DependsOn[];
  /** @default the cluster Flux runs in */
  readonly kubeConfig?: KubeConfigRef;
  /**
   * Annotations on every applied object. Changing them changes the Kustomization's spec, so whoever
   * waits for it waits for this content (a generation Flux has not reconciled is not Ready).
   */
  readonly commonAnnotations?: Readonly<Record<string, string>>;
}

/** A Flux Kustomization (kustomize.toolkit.fluxcd.io/v1); it applies server-side. */
export class Kustomization extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: KustomizationProps) {
    super(scope, id);
    this.name = props.name;
    new ApiObject(this, 'Resource', kustomizationObject(props));
  }
}

/** The Kustomization's object, as the construct defines it (plainObjectJson renders it without one). */
export function kustomizationObject(props: KustomizationProps): NamedObjectProps {
  return {
    apiVersion: KUSTOMIZE_API_VERSION,
    kind: 'Kustomization',
    metadata: metadataOf(props),
    spec: {
      interval: props.interval,
      sourceRef: props.sourceRef,
      path: props.path,
      prune: props.prune,
      ...(props.deletionPolicy ? { deletionPolicy: props.deletionPolicy } : {}),
      wait: props.wait ?? true,
      ...(props.dependsOn?.length ? { dependsOn: props.dependsOn } : {}),
      ...(props.kubeConfig ? { kubeConfig: props.kubeConfig } : {}),
      ...(props.commonAnnotations ? { commonMetadata: { annotations: { ...props.commonAnnotations } } } : {}),
    },
  };
}
