import { Construct } from 'constructs';
import {
  Certificate,
  CertificateSpecPrivateKeyAlgorithm,
  CertificateSpecUsages,
  Issuer,
} from '../../imports/cert-manager.io.ts';
import { WEBHOOKS, webhookSecretName } from '../compat/linkerd-names.ts';

export interface WebhookCertificatesProps {
  readonly namespace: string;
}

/**
 * Serving certificates for the control plane's admission webhooks, made in-cluster by cert-manager
 * (a separate chain from workload identity). With them the chart renders no certificate of its own,
 * so a re-render gives the same bytes and Argo CD or Flux see no drift.
 */
export class WebhookCertificates extends Construct {
  /** values key ("proxyInjector") → `injectCaFrom` reference ("linkerd/linkerd-proxy-injector"). */
  readonly injectCaFrom: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: WebhookCertificatesProps) {
    super(scope, id);
    const ns = props.namespace;
    const privateKey = { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 };

    new Issuer(this, 'SelfSigned', {
      metadata: { name: 'linkerd-webhook-selfsigned', namespace: ns },
      spec: { selfSigned: {} },
    });
    new Certificate(this, 'IssuerCertificate', {
      metadata: { name: 'linkerd-webhook-issuer', namespace: ns },
      spec: {
        secretName: 'webhook-issuer-tls',
        commonName: `webhook.${ns}.cluster.local`,
        isCa: true,
        duration: '8760h',
        renewBefore: '720h',
        privateKey,
        issuerRef: { name: 'linkerd-webhook-selfsigned', kind: 'Issuer', group: 'cert-manager.io' },
        usages: [CertificateSpecUsages.CERT_SIGN, CertificateSpecUsages.CRL_SIGN],
      },
    });
    new Issuer(this, 'Issuer', {
      metadata: { name: 'webhook-issuer', namespace: ns },
      spec: { ca: { secretName: 'webhook-issuer-tls' } },
    });

    const injectCaFrom: Record<string, string> = {};
    for (const webhook of WEBHOOKS) {
      const host = `${webhook.certificate}.${ns}.svc`;
      new Certificate(this, webhook.certificate, {
        metadata: { name: webhook.certificate, namespace: ns },
        spec: {
          secretName: webhookSecretName(webhook.certificate),
          commonName: host,
          dnsNames: [host],
          duration: '24h',
          renewBefore: '1h',
          privateKey,
          issuerRef: { name: 'webhook-issuer', kind: 'Issuer', group: 'cert-manager.io' },
          usages: [CertificateSpecUsages.SERVER_AUTH],
        },
      });
      injectCaFrom[webhook.valuesKey] = `${ns}/${webhook.certificate}`;
    }
    this.injectCaFrom = injectCaFrom;
  }
}
