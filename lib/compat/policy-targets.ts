// What Linkerd's policy admission webhook lets an AuthorizationPolicy target besides a Server and its
// Namespace (linkerd2 policy-controller admission.rs, validate_policy_target): an HTTPRoute only of
// group policy.linkerd.io, a GRPCRoute only of group gateway.networking.k8s.io. Any other target is
// refused at apply time ("invalid targetRef kind"). docs/reference/routes-and-policy.md.
export const AUTHORIZABLE_ROUTE_GROUP = {
  HTTPRoute: 'policy.linkerd.io',
  GRPCRoute: 'gateway.networking.k8s.io',
} as const;
