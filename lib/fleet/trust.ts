import type { AnchorIssuerSpec, TrustAnchorSource } from '../model/types.ts';

/** The fleet's shared trust anchor: public certificate(s) only. */
export class TrustAnchor {
  /** A PEM file, relative to the working folder (or absolute). */
  static fromFile(path: string): TrustAnchor {
    return new TrustAnchor({ file: path });
  }

  /** An inline PEM bundle (several certificates during a rotation). */
  static fromPem(pem: string): TrustAnchor {
    return new TrustAnchor({ pem });
  }

  private constructor(readonly source: TrustAnchorSource) {}
}

export interface ExternalSecretAnchorProps {
  /** Name of the SecretStore or ClusterSecretStore holding the anchor. */
  readonly store: string;
  /** @default "ClusterSecretStore" */
  readonly storeKind?: 'SecretStore' | 'ClusterSecretStore';
  readonly remoteKey: string;
  /** @default "tls.crt" */
  readonly certificateProperty?: string;
  /** @default "tls.key" */
  readonly keyProperty?: string;
  /** @default "1h" */
  readonly refreshInterval?: string;
}

/** How cert-manager gets to sign each cluster's identity issuer with the shared anchor. */
export class AnchorIssuer {
  /** External Secrets copies the anchor from a secret store into the cluster; a CA Issuer reads it. */
  static externalSecret(props: ExternalSecretAnchorProps): AnchorIssuer {
    return new AnchorIssuer({
      type: 'externalSecret',
      store: { name: props.store, ...(props.storeKind ? { kind: props.storeKind } : {}) },
      remoteKey: props.remoteKey,
      ...(props.certificateProperty ? { certificateProperty: props.certificateProperty } : {}),
      ...(props.keyProperty ? { keyProperty: props.keyProperty } : {}),
      ...(props.refreshInterval ? { refreshInterval: props.refreshInterval } : {}),
    });
  }

  /** A kubernetes.io/tls Secret with the anchor, put in place by other means (SealedSecrets, SOPS…). */
  static secret(name = 'linkerd-trust-anchor'): AnchorIssuer {
    return new AnchorIssuer({ type: 'secret', name });
  }

  /** An existing cert-manager ClusterIssuer (Vault, a PKI) that holds the anchor. */
  static clusterIssuer(name: string): AnchorIssuer {
    return new AnchorIssuer({ type: 'clusterIssuer', name });
  }

  private constructor(readonly spec: AnchorIssuerSpec) {}
}
