// Linkerd's access policies: the values of a Server's `accessPolicy`, the `config.linkerd.io/default-inbound-policy`
// annotation and the control plane's `proxy.defaultInboundPolicy` (linkerd2 policy-controller
// `index::DefaultPolicy`, which the admission webhook parses; the CRD says only `type: string`).
export const ACCESS_POLICIES = ['all-authenticated', 'all-unauthenticated', 'cluster-authenticated', 'cluster-unauthenticated', 'deny', 'audit'] as const;

export type AccessPolicy = (typeof ACCESS_POLICIES)[number];

/** Values a Server's `proxyProtocol` deserializes from (`ProxyProtocol` in the policy k8s API). */
export const PROXY_PROTOCOLS = ['unknown', 'HTTP/1', 'HTTP/2', 'gRPC', 'opaque', 'TLS'] as const;
