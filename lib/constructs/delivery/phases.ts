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
  /** linkerd-multicluster: needs the control plane; brings the Link CRD and the remote-access token Secrets. */
  'multicluster',
  /** Links (need the Link CRD) and remote-access PushSecrets (need the token Secrets of linkerd-multicluster). */
  'links',
  /** Routes and policy: need their CRDs and the control plane. */
  'routes',
  /**
   * Link credentials: ExternalSecrets waiting for the token each target cluster pushes. Delivered
   * right after linkerd-multicluster, in a step whose health holds nothing (see NON_GATING_PHASES).
   */
  'link-credentials',
] as const;

export type Phase = (typeof PHASES)[number];

/**
 * Phases that may wait on another cluster: nothing of the cluster waits for them (Flux: no dependsOn
 * and `wait: false`; Argo CD: the Application health check reports them Healthy once synced, and
 * RollingSync puts them in a last step), so a peer that is not there yet holds only its own links.
 */
export const NON_GATING_PHASES: ReadonlySet<Phase> = new Set(['link-credentials']);

/** A phase delivered right after another one rather than after the phase before it in the list. */
const DELIVERED_AFTER: Partial<Record<Phase, Phase>> = { 'link-credentials': 'multicluster' };

export function gates(phase: Phase): boolean {
  return !NON_GATING_PHASES.has(phase);
}

/** The phase whose components a phase's components wait for, among those present; undefined for none. */
export function phaseBefore(phase: Phase, present: ReadonlySet<Phase>): Phase | undefined {
  const limit = DELIVERED_AFTER[phase] ? PHASES.indexOf(DELIVERED_AFTER[phase]!) + 1 : PHASES.indexOf(phase);
  for (let i = limit - 1; i >= 0; i--) if (present.has(PHASES[i]) && gates(PHASES[i])) return PHASES[i];
  return undefined;
}

/** Argo CD sync wave of a phase: its position, so waves read in the order above. */
export function syncWaveOf(phase: Phase): number {
  const after = DELIVERED_AFTER[phase];
  return after ? syncWaveOf(after) + 1 : PHASES.indexOf(phase);
}
