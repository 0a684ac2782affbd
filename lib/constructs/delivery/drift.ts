// Fields of Linkerd's objects that something other than the delivery engine writes, so the engine
// must not call them drift (docs/reference/gitops-delivery.md#drift). One table, rendered for both engines: Argo CD
// ignoreDifferences (group without version) and Flux driftDetection.ignore.

export interface DriftRule {
  /** API group without version: Argo CD matches `group` literally, "admissionregistration.k8s.io/v1" never matches. */
  readonly group: string;
  readonly kind: string;
  /** Argo CD: jq path expressions, which can reach every list element. */
  readonly jqPathExpressions: readonly string[];
  /** Flux: JSON pointers (no wildcards: one per webhook of the configuration). */
  readonly jsonPointers: readonly string[];
  /** Why the field changes outside Git. */
  readonly reason: string;
}

/**
 * cert-manager's CA injector writes `caBundle` into the webhook configurations (the values set
 * `injectCaFrom`), so Git never holds it. Each Linkerd webhook configuration has one webhook.
 */
export const WEBHOOK_CA_BUNDLE: readonly DriftRule[] = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].map((kind) => ({
  group: 'admissionregistration.k8s.io',
  kind,
  jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
  jsonPointers: ['/webhooks/0/clientConfig/caBundle'],
  reason: 'cert-manager injects the webhook CA (injectCaFrom)',
}));
