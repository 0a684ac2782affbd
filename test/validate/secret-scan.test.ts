import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scanForSecrets, type KubeObject } from '../../lib/validate/index.ts';

const DELIVER_INSTEAD = 'keep it in a secret store and deliver it with External Secrets, SealedSecrets or SOPS';

// Throwaway keys made per run: no private key file is ever committed.
const ecKeyPkcs8 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const ecKeySec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }).toString();
const rsaKeyPkcs1 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
const encryptedKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'test-only' })
  .toString();
const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
// Only the armour matters to the scanner; the body is not a real certificate or key.
const certificate = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIRAKfake\n-----END CERTIFICATE-----\n';
const opensshKey = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQfake\n-----END OPENSSH PRIVATE KEY-----\n';

function configMap(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'linkerd' }, data };
}

const kubeconfigWithToken = `apiVersion: v1
kind: Config
clusters:
- name: us-1
  cluster:
    server: https://us-1.example.com
    certificate-authority-data: ${Buffer.from(certificate).toString('base64')}
users:
- name: linkerd-service-mirror-remote-access-default
  user:
    token: eyJhbGciOiJSUzI1NiJ9.fake.token
contexts:
- name: us-1
  context: { cluster: us-1, user: linkerd-service-mirror-remote-access-default }
current-context: us-1
`;

describe('scanForSecrets', () => {
  it('finds a private key inside a nested string (Helm values embedded in an Argo CD Application)', () => {
    const application: KubeObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'linkerd-control-plane', namespace: 'argocd' },
      spec: { sources: [{ helm: { values: `identity:\n  issuer:\n    tls:\n      keyPEM: |\n${ecKeySec1.replace(/^/gm, '        ')}` } }] },
    };
    expect(scanForSecrets([application])).toStrictEqual([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        name: 'linkerd-control-plane',
        namespace: 'argocd',
        path: '/spec/sources/0/helm/values',
        message: `private key (-----BEGIN EC PRIVATE KEY-----): ${DELIVER_INSTEAD}`,
      },
    ]);
  });

  it.each([
    ['PKCS#8', ecKeyPkcs8, '-----BEGIN PRIVATE KEY-----'],
    ['RSA', rsaKeyPkcs1, '-----BEGIN RSA PRIVATE KEY-----'],
    ['encrypted', encryptedKey, '-----BEGIN ENCRYPTED PRIVATE KEY-----'],
    ['OpenSSH', opensshKey, '-----BEGIN OPENSSH PRIVATE KEY-----'],
  ])('recognises a %s private key', (_label, pem, armour) => {
    const issues = scanForSecrets([configMap('keys', { 'issuer.key': pem })]);
    expect(issues).toStrictEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'keys', namespace: 'linkerd', path: '/data/issuer.key', message: `private key (${armour}): ${DELIVER_INSTEAD}` },
    ]);
  });

  it('finds a base64-encoded private key (as in a Secret or an annotation)', () => {
    const encoded = Buffer.from(ecKeyPkcs8).toString('base64');
    const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'app', annotations: { 'example.com/key': encoded } } };
    expect(scanForSecrets([object])).toStrictEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'app', path: '/metadata/annotations/example.com~1key', message: `base64-encoded private key (-----BEGIN PRIVATE KEY-----): ${DELIVER_INSTEAD}` },
    ]);
  });

  it('ignores certificates and public keys (trust anchors, CA bundles, caBundle fields)', () => {
    const trustRoots = configMap('linkerd-identity-trust-roots', { 'ca-bundle.crt': certificate + certificate, 'public.pem': publicKey });
    const webhook: KubeObject = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'linkerd-policy-validator-webhook-config' },
      webhooks: [{ name: 'linkerd-policy-validator.linkerd.io', clientConfig: { caBundle: Buffer.from(certificate).toString('base64') } }],
    };
    expect(scanForSecrets([trustRoots, webhook])).toStrictEqual([]);
  });

  it('reports every data and stringData key of a v1 Secret, but not an empty Secret', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cluster-credentials-us-1', namespace: 'linkerd-multicluster' },
      type: 'mirror.linkerd.io/remote-kubeconfig',
      data: { kubeconfig: Buffer.from('not a kubeconfig').toString('base64') },
      stringData: { note: 'x' },
    };
    const tokenSecret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'linkerd-service-mirror-remote-access-default-token', namespace: 'linkerd-multicluster', annotations: { 'kubernetes.io/service-account.name': 'linkerd-service-mirror-remote-access-default' } },
      type: 'kubernetes.io/service-account-token',
    };
    const where = { apiVersion: 'v1', kind: 'Secret', name: 'cluster-credentials-us-1', namespace: 'linkerd-multicluster' };
    expect(scanForSecrets([secret, tokenSecret, { ...tokenSecret, data: {} }])).toStrictEqual([
      { ...where, path: '/data/kubeconfig', message: `Secret with data in the output: ${DELIVER_INSTEAD}` },
      { ...where, path: '/stringData/note', message: `Secret with stringData in the output: ${DELIVER_INSTEAD}` },
    ]);
  });

  it('finds a kubeconfig with a user token, as text and base64-encoded', () => {
    const plain = configMap('kubeconfig', { kubeconfig: kubeconfigWithToken });
    const encoded: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'encoded', namespace: 'linkerd' }, binaryData: { kubeconfig: Buffer.from(kubeconfigWithToken).toString('base64') } };
    expect(scanForSecrets([plain, encoded])).toStrictEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'kubeconfig', namespace: 'linkerd', path: '/data/kubeconfig', message: `kubeconfig with a user token: ${DELIVER_INSTEAD}` },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'encoded', namespace: 'linkerd', path: '/binaryData/kubeconfig', message: `base64-encoded kubeconfig with a user token: ${DELIVER_INSTEAD}` },
    ]);
  });

  it('finds kubeconfig credentials embedded as structure, and accepts exec-based users', () => {
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'us-1', cluster: { server: 'https://us-1.example.com' } }],
      users: [
        { name: 'exec-user', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws' } } },
        { name: 'key-user', user: { 'client-certificate-data': 'Y2VydA==', 'client-key-data': 'a2V5' } },
      ],
    };
    const object: KubeObject = { apiVersion: 'example.com/v1', kind: 'Holder', metadata: { name: 'h' }, spec: { kubeconfig } };
    expect(scanForSecrets([object])).toStrictEqual([
      { apiVersion: 'example.com/v1', kind: 'Holder', name: 'h', path: '/spec/kubeconfig/users/1/user/client-key-data', message: `kubeconfig with a user client-key-data: ${DELIVER_INSTEAD}` },
    ]);
  });

  it('does not treat a token-less kubeconfig or unrelated `token:` lines as credentials', () => {
    const execKubeconfig = kubeconfigWithToken.replace('    token: eyJhbGciOiJSUzI1NiJ9.fake.token\n', '    exec: { command: aws }\n');
    const unrelated = 'auth:\n  token: ""\npassword: hunter2\n'; // not kubeconfig-shaped
    expect(scanForSecrets([configMap('a', { kubeconfig: execKubeconfig, other: unrelated })])).toStrictEqual([]);
  });

  it('scans file texts and reports the line', () => {
    const values = `identity:\n  externalCA: false\n  issuer:\n    tls:\n      keyPEM: |\n${rsaKeyPkcs1.replace(/^/gm, '        ')}`;
    const files = new Map([
      ['prod/eu-1/values/linkerd-control-plane.yaml', values],
      ['prod/eu-1/manifests/configmap-linkerd-identity-trust-roots.yaml', `data:\n  ca-bundle.crt: |\n${certificate}`],
    ]);
    expect(scanForSecrets([], files)).toStrictEqual([
      { file: 'prod/eu-1/values/linkerd-control-plane.yaml', line: 6, message: `private key (-----BEGIN RSA PRIVATE KEY-----): ${DELIVER_INSTEAD}` },
    ]);
  });
});
