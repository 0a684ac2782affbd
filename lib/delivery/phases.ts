// The order in which a cluster's parts must be applied (docs/reference/gitops-delivery.md). Argo CD sync waves and Flux
// dependsOn chains are both derived from this one list, so the two engines cannot disagree.

export const PHASES = [
  /** Gateway API CRDs: the control plane's policy controller reads HTTPRoute/GRPCRoute. */
  'gateway-api-crds',
  /** linkerd-crds: Server, AuthorizationPolicy, … */
  'linkerd-crds',
  /** The mesh/ chart: namespace, identity issuer and webhook certificates (cert-manager objects). */
  'issuer',
  /** linkerd-control-plane: needs the issuer and webhook Secrets that cert-manager made. */
  'control-plane',
  /** linkerd-multicluster: needs the control plane; brings the Link CRD. */
  'multicluster',
  /** Links and cluster credentials: need the Link CRD. */
  'links',
  /** Routes and policy: need their CRDs and the control plane. */
  'routes',
] as const;

export type Phase = (typeof PHASES)[number];

/** Argo CD sync wave of a phase: its position, so waves read in the order above. */
export function syncWaveOf(phase: Phase): number {
  return PHASES.indexOf(phase);
}
