// API versions and shared shapes of the Flux objects meshfleet emits. Like the Argo CD kinds they
// are plain ApiObjects (see argocd/application.ts), validated against the CRD schemas before writing.
import type { ClusterDelivery } from '../../../resolve/delivery.ts';

export const SOURCE_API_VERSION = 'source.toolkit.fluxcd.io/v1';
export const HELM_API_VERSION = 'helm.toolkit.fluxcd.io/v2';
export const KUSTOMIZE_API_VERSION = 'kustomize.toolkit.fluxcd.io/v1';

export interface SourceRef {
  readonly kind: 'GitRepository' | 'HelmRepository' | 'OCIRepository';
  readonly name: string;
  readonly namespace?: string;
}

export interface KubeConfigRef {
  readonly secretRef: { readonly name: string; readonly key?: string };
}

/** The kubeConfig reference for a cluster one Flux drives remotely; undefined when Flux runs in it. */
export function kubeConfigOf(delivery: ClusterDelivery): KubeConfigRef | undefined {
  const kubeConfig = delivery.flux.kubeConfig;
  return kubeConfig ? { secretRef: { name: kubeConfig.secretName, ...(kubeConfig.key ? { key: kubeConfig.key } : {}) } } : undefined;
}

export interface DependsOn {
  readonly name: string;
  readonly namespace?: string;
}

export interface ObjectMetaProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function metadataOf(props: ObjectMetaProps): { name: string } & Record<string, unknown> {
  return {
    name: props.name,
    namespace: props.namespace,
    labels: props.labels ? { ...props.labels } : undefined,
    annotations: props.annotations ? { ...props.annotations } : undefined,
  };
}
