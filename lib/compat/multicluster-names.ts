// Names, labels and defaults of Linkerd multicluster that other components look for (docs/reference/multicluster.md).
import { serviceAccountIdentityFor } from './linkerd-names.ts';

export const MULTICLUSTER_NAMESPACE = 'linkerd-multicluster';
export const MIRROR_SECRET_TYPE = 'mirror.linkerd.io/remote-kubeconfig';
export const KUBECONFIG_KEY = 'kubeconfig';
export const CLUSTER_NAME_LABEL = 'multicluster.linkerd.io/cluster-name';
export const TRUST_DOMAIN_ANNOTATION = 'multicluster.linkerd.io/trust-domain';
export const CLUSTER_DOMAIN_ANNOTATION = 'multicluster.linkerd.io/cluster-domain';
export const EXPORT_LABEL = 'mirror.linkerd.io/exported';
export const FEDERATED_LABEL = 'mirror.linkerd.io/federated';

/** Export label values: mirrored through the gateway, or discovered remotely over a flat network. */
export const EXPORT_VALUES = { gateway: 'true', 'remote-discovery': 'remote-discovery' } as const;
export const FEDERATED_MEMBER = 'member';

export const GATEWAY_DEFAULTS = {
  name: 'linkerd-gateway',
  port: 4143,
  serviceType: 'LoadBalancer',
  probe: { path: '/ready', port: 4191, seconds: 3 },
} as const;

/** The gateway's mesh identity, which the source's proxies verify: <sa>.<ns>.serviceaccount.identity.<linkerd ns>.<trust domain>. */
export function gatewayIdentityFor(trustDomain: string, gatewayName: string = GATEWAY_DEFAULTS.name): string {
  return serviceAccountIdentityFor(gatewayName, MULTICLUSTER_NAMESPACE, trustDomain);
}

export function credentialsSecretName(target: string): string {
  return `cluster-credentials-${target}`;
}

/** One remote-access ServiceAccount per source on the target, so a source's access can be revoked alone. */
export function remoteAccessServiceAccount(source: string): string {
  return `linkerd-service-mirror-remote-access-${source}`;
}

/** The chart creates a token Secret named after each remote-access ServiceAccount. */
export function remoteAccessTokenSecret(source: string): string {
  return `${remoteAccessServiceAccount(source)}-token`;
}

export function remoteKeyFor(prefix: string, target: string, source: string): string {
  return `${prefix}/${target}/${source}`;
}

export function mirroredServiceName(service: string, cluster: string): string {
  return `${service}-${cluster}`;
}

export function federatedServiceName(service: string): string {
  return `${service}-federated`;
}
