import { Construct } from 'constructs';
import { credentialsStoreProblem, linkApiServerProblem, sealedKubeconfigProblem } from '../../model/link-values.ts';
import { assertValue } from '../assert-props.ts';
import { goTemplateLiteral } from '../go-template.ts';
import { storeKindOf } from '../secret-store.ts';
import { SealedSecret } from '../../../imports/bitnami.com.ts';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetTemplateEngineVersion,
} from '../../../imports/external-secrets.io.ts';
import type { CredentialsSpec } from '../../model/types.ts';
import { LINKERD_NAMESPACE } from '../../compat/linkerd-names.ts';
import {
  CLUSTER_DOMAIN_ANNOTATION,
  CLUSTER_NAME_LABEL,
  credentialsSecretName,
  KUBECONFIG_KEY,
  MIRROR_SECRET_TYPE,
  MULTICLUSTER_NAMESPACE,
  remoteAccessServiceAccount,
  remoteKeyFor,
  TRUST_DOMAIN_ANNOTATION,
} from '../../compat/multicluster-names.ts';

export const DEFAULT_REMOTE_KEY_PREFIX = 'linkerd-multicluster';

export interface LinkCredentialsProps {
  readonly source: string;
  readonly target: { readonly name: string; readonly apiServer?: string; readonly clusterDomain: string };
  readonly trustDomain: string;
  readonly credentials: CredentialsSpec;
}

/**
 * The two copies of a Link's credentials on the source, as link-gen emits them: one in the
 * multicluster namespace for the service mirror, one in the Linkerd namespace (labelled and
 * annotated) for the destination controller's remote discovery and federation. They hold a live
 * token, so meshfleet never writes them as plain Secrets.
 */
export class LinkCredentials extends Construct {
  constructor(scope: Construct, id: string, props: LinkCredentialsProps) {
    super(scope, id);
    const { target, credentials } = props;
    const name = credentialsSecretName(target.name);
    const copies = [
      { id: 'Multicluster', namespace: MULTICLUSTER_NAMESPACE, labels: undefined, annotations: undefined },
      {
        id: 'Linkerd',
        namespace: LINKERD_NAMESPACE,
        labels: { [CLUSTER_NAME_LABEL]: target.name },
        annotations: { [TRUST_DOMAIN_ANNOTATION]: props.trustDomain, [CLUSTER_DOMAIN_ANNOTATION]: target.clusterDomain },
      },
    ];

    if (credentials.type === 'externalSecret') {
      assertValue(credentialsStoreProblem(credentials), this.node.path);
      assertValue(linkApiServerProblem(credentials, target.name, target.apiServer), this.node.path);
      // Both present: the two rules above threw otherwise.
      const store = credentials.store!;
      const apiServer = target.apiServer!;
      const key = remoteKeyFor(credentials.remoteKeyPrefix ?? DEFAULT_REMOTE_KEY_PREFIX, target.name, props.source);
      for (const copy of copies) {
        new ExternalSecret(this, copy.id, {
          metadata: { name, namespace: copy.namespace },
          spec: {
            refreshInterval: credentials.refreshInterval ?? '1h',
            secretStoreRef: {
              name: store.name,
              kind: storeKindOf(store) as ExternalSecretSpecSecretStoreRefKind,
            },
            target: {
              name,
              creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
              template: {
                type: MIRROR_SECRET_TYPE,
                engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
                ...(copy.labels ? { metadata: { labels: copy.labels, annotations: copy.annotations } } : {}),
                data: { [KUBECONFIG_KEY]: kubeconfigTemplate(target.name, apiServer, remoteAccessServiceAccount(props.source)) },
              },
            },
            data: [
              { secretKey: 'token', remoteRef: { key, property: 'token' } },
              { secretKey: 'ca', remoteRef: { key, property: 'ca.crt' } },
            ],
          },
        });
      }
    } else if (credentials.type === 'sealedSecret') {
      const sealed = credentials.sealedKubeconfigs[`${props.source}/${target.name}`];
      assertValue(sealedKubeconfigProblem(credentials, props.source, target.name), this.node.path);
      for (const copy of copies) {
        new SealedSecret(this, copy.id, {
          // Cluster-wide scope: the same sealed data opens in both namespaces.
          metadata: { name, namespace: copy.namespace, annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } },
          spec: {
            encryptedData: { [KUBECONFIG_KEY]: sealed },
            template: {
              type: MIRROR_SECRET_TYPE,
              metadata: { name, namespace: copy.namespace, ...(copy.labels ? { labels: copy.labels, annotations: copy.annotations } : {}) },
            },
          },
        });
      }
    }
    // credentials.type === 'external': the Secrets are provided out of band; index.json names them.
  }
}

/**
 * A kubeconfig for the target's API server, filled in-cluster by External Secrets (template engine
 * v2: Go text/template) from the token and CA of the target's remote-access ServiceAccount. The
 * server URL is the one value here that is not meshfleet's own: it is made a literal for the
 * template engine (a `{{` in it would otherwise run in the External Secrets controller) and quoted
 * when YAML would read it as more than a plain string.
 */
export function kubeconfigTemplate(cluster: string, server: string, user: string): string {
  server = goTemplateLiteral(/^[A-Za-z0-9._~:/?=&%@\[\]-]+$/.test(server) && !/^[\[@%]/.test(server) ? server : JSON.stringify(server));
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${cluster}`,
    '  cluster:',
    `    server: ${server}`,
    '    certificate-authority-data: {{ .ca | b64enc }}',
    'contexts:',
    `- name: ${cluster}`,
    '  context:',
    `    cluster: ${cluster}`,
    `    user: ${user}`,
    `current-context: ${cluster}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    '    token: {{ .token }}',
    '',
  ].join('\n');
}
