// Names other systems expect (Linkerd charts, cert-manager conventions), computed in one place.
export const LINKERD_NAMESPACE = 'linkerd';

/** Identity of the identity issuer certificate: identity.<linkerd ns>.<trust domain>. */
export function identityIssuerName(trustDomain: string): string {
  return `identity.${LINKERD_NAMESPACE}.${trustDomain}`;
}

/** A workload's mesh identity: <sa>.<ns>.serviceaccount.identity.<linkerd ns>.<trust domain>. */
export function serviceAccountIdentityFor(serviceAccount: string, namespace: string, trustDomain: string): string {
  return `${serviceAccount}.${namespace}.serviceaccount.identity.${LINKERD_NAMESPACE}.${trustDomain}`;
}

/** Every workload of a namespace, as a MeshTLSAuthentication identity (the `*` prefix is a wildcard). */
export function namespaceIdentityFor(namespace: string, trustDomain: string): string {
  return serviceAccountIdentityFor('*', namespace, trustDomain);
}

/** Any meshed client, as a MeshTLSAuthentication identity. */
export const ANY_MESH_IDENTITY = '*';

/** The Secret the control plane chart reads with identity.issuer.scheme kubernetes.io/tls. */
export const IDENTITY_ISSUER_SECRET = 'linkerd-identity-issuer';

/** The three admission webhooks of linkerd-control-plane: values key → cert-manager Certificate name. */
export const WEBHOOKS = [
  { valuesKey: 'proxyInjector', certificate: 'linkerd-proxy-injector' },
  { valuesKey: 'profileValidator', certificate: 'linkerd-sp-validator' },
  { valuesKey: 'policyValidator', certificate: 'linkerd-policy-validator' },
] as const;

/** With externalSecret: true the chart expects Secret <certificate>-k8s-tls for each webhook. */
export function webhookSecretName(certificate: string): string {
  return `${certificate}-k8s-tls`;
}
