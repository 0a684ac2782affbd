import { Construct } from 'constructs';
import { storeKindOf } from './secret-store.ts';
import {
  Certificate,
  CertificateSpecPrivateKeyAlgorithm,
  CertificateSpecPrivateKeyRotationPolicy,
  CertificateSpecUsages,
  Issuer,
} from '../../imports/cert-manager.io.ts';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy } from '../../imports/external-secrets.io.ts';
import type { AnchorIssuerSpec } from '../model/types.ts';
import { IDENTITY_ISSUER_SECRET, identityIssuerName } from '../compat/linkerd-names.ts';

/** On the identity issuer Certificate during a rotation's reissue and restart stages: the anchor that signs it. */
export const SIGNED_BY_ANCHOR_ANNOTATION = 'meshfleet.dev/signed-by-anchor';

export interface IdentityIssuerProps {
  readonly namespace: string;
  readonly trustDomain: string;
  /** How the shared trust anchor signs this cluster's issuer; the anchor key never passes through here. */
  readonly anchorIssuer: AnchorIssuerSpec;
  /**
   * During a trust anchor rotation from the reissue stage on: the SHA-256 fingerprint of the anchor
   * that must sign the issuer now, written on the Certificate so the change is reviewed with it.
   * @default none
   */
  readonly signedByAnchor?: string;
  /** @default "48h" */
  readonly duration?: string;
  /** @default "25h" */
  readonly renewBefore?: string;
}

/**
 * The cluster's Linkerd identity issuer: a short-lived intermediate CA that cert-manager signs with
 * the fleet's shared trust anchor and renews, so every cluster chains to one root (multicluster needs
 * that) while a compromised cluster's issuer expires within days.
 */
export class IdentityIssuer extends Construct {
  constructor(scope: Construct, id: string, props: IdentityIssuerProps) {
    super(scope, id);
    const anchor = props.anchorIssuer;
    const ANCHOR = 'linkerd-trust-anchor';

    if (anchor.type === 'externalSecret') {
      // Copies the anchor's certificate and key from the secret store into the Secret the CA Issuer reads.
      new ExternalSecret(this, 'AnchorSecret', {
        metadata: { name: ANCHOR, namespace: props.namespace },
        spec: {
          refreshInterval: anchor.refreshInterval ?? '1h',
          secretStoreRef: {
            name: anchor.store.name,
            kind: storeKindOf(anchor.store) as ExternalSecretSpecSecretStoreRefKind,
          },
          target: {
            name: ANCHOR,
            creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
            template: { type: 'kubernetes.io/tls' },
          },
          data: [
            { secretKey: 'tls.crt', remoteRef: { key: anchor.remoteKey, property: anchor.certificateProperty ?? 'tls.crt' } },
            { secretKey: 'tls.key', remoteRef: { key: anchor.remoteKey, property: anchor.keyProperty ?? 'tls.key' } },
          ],
        },
      });
    }
    const issuerRef =
      anchor.type === 'clusterIssuer'
        ? { name: anchor.name, kind: 'ClusterIssuer', group: 'cert-manager.io' }
        : { name: ANCHOR, kind: 'Issuer', group: 'cert-manager.io' };
    if (anchor.type !== 'clusterIssuer') {
      new Issuer(this, 'AnchorIssuer', {
        metadata: { name: ANCHOR, namespace: props.namespace },
        spec: { ca: { secretName: anchor.type === 'secret' ? anchor.name : ANCHOR } },
      });
    }

    const name = identityIssuerName(props.trustDomain);
    new Certificate(this, 'Certificate', {
      metadata: {
        name: IDENTITY_ISSUER_SECRET,
        namespace: props.namespace,
        ...(props.signedByAnchor ? { annotations: { [SIGNED_BY_ANCHOR_ANNOTATION]: props.signedByAnchor } } : {}),
      },
      spec: {
        secretName: IDENTITY_ISSUER_SECRET,
        duration: props.duration ?? '48h',
        renewBefore: props.renewBefore ?? '25h',
        issuerRef,
        commonName: name,
        dnsNames: [name],
        isCa: true,
        privateKey: {
          algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA,
          size: 256,
          rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
        },
        usages: [CertificateSpecUsages.CERT_SIGN, CertificateSpecUsages.CRL_SIGN, CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.CLIENT_AUTH],
      },
    });
  }
}
