import { Construct } from 'constructs';
import { storeKindOf } from '../secret-store.ts';
import {
  PushSecret,
  PushSecretSpecDeletionPolicy,
  PushSecretSpecSecretStoreRefsKind,
  PushSecretSpecUpdatePolicy,
} from '../../../imports/external-secrets.io.ts';
import { MULTICLUSTER_NAMESPACE, remoteAccessTokenSecret, remoteKeyFor } from '../../compat/multicluster-names.ts';

export interface RemoteAccessPublisherProps {
  /** This (target) cluster. */
  readonly target: string;
  /** The source cluster whose remote-access token is published. */
  readonly source: string;
  readonly store: { readonly name: string; readonly kind?: 'SecretStore' | 'ClusterSecretStore' };
  readonly remoteKeyPrefix: string;
  /** @default "1h" */
  readonly refreshInterval?: string;
}

/**
 * On the target: publishes the token and CA of the source's remote-access ServiceAccount to the
 * secret store, where the source's ExternalSecret picks them up. No token passes through git.
 */
export class RemoteAccessPublisher extends Construct {
  constructor(scope: Construct, id: string, props: RemoteAccessPublisherProps) {
    super(scope, id);
    const remoteKey = remoteKeyFor(props.remoteKeyPrefix, props.target, props.source);
    new PushSecret(this, 'Resource', {
      metadata: { name: `remote-access-${props.source}`, namespace: MULTICLUSTER_NAMESPACE },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        updatePolicy: PushSecretSpecUpdatePolicy.REPLACE,
        deletionPolicy: PushSecretSpecDeletionPolicy.DELETE,
        secretStoreRefs: [
          {
            name: props.store.name,
            kind: storeKindOf(props.store) as PushSecretSpecSecretStoreRefsKind,
          },
        ],
        selector: { secret: { name: remoteAccessTokenSecret(props.source) } },
        data: [
          { match: { secretKey: 'token', remoteRef: { remoteKey, property: 'token' } } },
          { match: { secretKey: 'ca.crt', remoteRef: { remoteKey, property: 'ca.crt' } } },
        ],
      },
    });
  }
}
