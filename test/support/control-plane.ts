// Control-plane settings shared by the values tests of both suites.

/** A Kubernetes version each Linkerd release supports, for fleets in tests. */
export const KUBERNETES_FOR: Readonly<Record<string, string>> = { '2.18': '1.31', '2.19': '1.33', '2.20': '1.33', 'edge-26.8.3': '1.34' };

/** Every proxy and cluster setting that reaches linkerd-control-plane values, set at once. */
export function fullProxySettings(doc: any): void {
  doc.spec.defaults.ha = true;
  doc.spec.defaults.cni = true;
  doc.spec.defaults.proxy = {
    logLevel: 'warn,linkerd=info',
    logFormat: 'json',
    nativeSidecar: true,
    opaquePorts: [25, '4000-4010'],
    defaultInboundPolicy: 'audit',
    resources: { cpu: { request: '10m', limit: '1' }, memory: { request: '20Mi', limit: '250Mi' }, ephemeralStorage: { limit: '1Gi' } },
  };
}
