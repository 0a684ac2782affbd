// One sample of each kind of secret the detector knows, shared by the detector test, the synth
// tests (every delivery) and the fuzz test. Keys are generated per run and tokens are assembled
// from pieces, so no secret (or anything a repository scanner would take for one) is committed.
import { generateKeyPairSync } from 'node:crypto';
import { findSecretMaterial } from '../../lib/model/secret-material.ts';

export interface SecretSample {
  readonly label: string;
  /** The kind the detector reports. */
  readonly kind: string;
  readonly text: string;
}

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
const ed25519 = generateKeyPairSync('ed25519').privateKey;
const pem = (text: string | Buffer) => text.toString();
const body = (armoured: string) => armoured.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

/** Deterministic filler of `n` characters from `alphabet`, so tokens have the right shape. */
function filler(n: number, alphabet = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', seed = 7): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[(i * 31 + seed * 17) % alphabet.length];
  return out;
}
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const armour = (label: string, text: string) => `-----BEGIN ${label}-----\n${text}\n-----END ${label}-----\n`;

const pkcs8 = pem(ec.export({ format: 'pem', type: 'pkcs8' }));
const sec1 = pem(ec.export({ format: 'pem', type: 'sec1' }));
const pkcs1 = pem(rsa.export({ format: 'pem', type: 'pkcs1' }));
const encrypted = pem(ec.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'test-only' }));
const edPkcs8 = pem(ed25519.export({ format: 'pem', type: 'pkcs8' }));
const jwt = [
  Buffer.from('{"alg":"RS256","kid":"x"}').toString('base64url'),
  Buffer.from('{"iss":"kubernetes/serviceaccount","sub":"system:serviceaccount:linkerd-multicluster:x"}').toString('base64url'),
  filler(86, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'),
].join('.');

const kubeconfigYaml = `apiVersion: v1
kind: Config
clusters:
- name: us-1
  cluster:
    server: https://us-1.example.com
contexts:
- name: us-1
  context: { cluster: us-1, user: u }
current-context: us-1
users:
- name: u
  user:
    token: ${filler(40, 'abcdefghijklmnopqrstuvwxyz0123456789', 3)}
`;
const kubeconfigObject = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'us-1', cluster: { server: 'https://us-1.example.com' } }],
  users: [{ name: 'u', user: { token: filler(40, 'abcdefghijklmnopqrstuvwxyz0123456789', 5) } }],
};

export const SECRET_SAMPLES: readonly SecretSample[] = [
  { label: 'a PKCS#8 PEM key', kind: 'private key', text: pkcs8 },
  { label: 'an EC (SEC1) PEM key', kind: 'EC private key', text: sec1 },
  { label: 'an RSA (PKCS#1) PEM key', kind: 'RSA private key', text: pkcs1 },
  { label: 'an encrypted PKCS#8 PEM key', kind: 'ENCRYPTED private key', text: encrypted },
  { label: 'an OpenSSH PEM key', kind: 'OPENSSH private key', text: armour('OPENSSH PRIVATE KEY', Buffer.from(`openssh-key-v1\0${filler(80)}`, 'latin1').toString('base64')) },
  { label: 'a DSA PEM key', kind: 'DSA private key', text: armour('DSA PRIVATE KEY', body(pkcs1)) },
  { label: 'a PGP private key block', kind: 'PGP private key block', text: armour('PGP PRIVATE KEY BLOCK', `\n${filler(120)}\n=AbCd`) },
  { label: 'a PuTTY key', kind: 'PuTTY private key', text: `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\n${filler(44)}\n` },
  { label: 'a headerless PKCS#8 body', kind: 'headerless PKCS#8 private key', text: `key: ${body(pkcs8)}\n` },
  { label: 'a headerless Ed25519 PKCS#8 body', kind: 'headerless PKCS#8 private key', text: `key: "${body(edPkcs8)}"\n` },
  { label: 'a headerless PKCS#1 body, wrapped in a block scalar', kind: 'headerless PKCS#1 private key', text: `key: |\n  ${body(pkcs1).match(/.{1,64}/g)!.join('\n  ')}\n` },
  { label: 'a headerless SEC1 body', kind: 'headerless SEC1 EC private key', text: `key: ${body(sec1)}\n` },
  { label: 'a headerless encrypted PKCS#8 body', kind: 'headerless encrypted PKCS#8 private key', text: `key: ${body(encrypted)}\n` },
  { label: 'a kubeconfig token (YAML block)', kind: 'kubeconfig user token', text: kubeconfigYaml },
  { label: 'a kubeconfig token (one-line JSON)', kind: 'kubeconfig user token', text: JSON.stringify(kubeconfigObject) },
  { label: 'a kubeconfig token (YAML flow)', kind: 'kubeconfig user token', text: `{kind: Config, clusters: [{name: us-1}], users: [{name: u, user: {token: ${filler(32, 'abcdef0123456789')}}}]}` },
  { label: 'a kubeconfig client key', kind: 'kubeconfig user client-key-data', text: kubeconfigYaml.replace(/token: .*/, `client-key-data: ${filler(40, 'abcdefghij')}`) },
  { label: 'a kubeconfig password', kind: 'kubeconfig user password', text: kubeconfigYaml.replace(/token: .*/, 'username: admin\n    password: "correct horse battery"') },
  { label: 'an AWS access key id', kind: 'AWS access key id', text: `AWS_ACCESS_KEY_ID: ${'AK' + 'IA' + filler(16, UPPER)}` },
  { label: 'an AWS secret access key', kind: 'AWS secret access key', text: `aws_secret_access_key = ${filler(40, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/', 11)}` },
  { label: 'a GCP service-account key file', kind: 'private key', text: JSON.stringify({ type: 'service_account', private_key_id: filler(40, 'abcdef0123456789'), private_key: pkcs8 }) },
  { label: 'a GCP private_key without armour', kind: 'GCP service-account private key', text: `{"type":"service_account","private_key":"${filler(120)}"}` },
  { label: 'an Azure storage connection string', kind: 'Azure storage account key', text: `DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${filler(86, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/')}==;EndpointSuffix=core.windows.net` },
  { label: 'an Azure SAS URL', kind: 'Azure SAS signature', text: `https://x.blob.core.windows.net/c?sv=2022-11-02&ss=b&sig=${filler(43, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}%3D` },
  { label: 'a GitHub token', kind: 'GitHub token', text: `${'gh' + 'p_'}${filler(36, undefined, 1)}` },
  { label: 'another GitHub token', kind: 'GitHub token', text: `https://x:${'gh' + 's_'}${filler(36, undefined, 2)}@github.com/org/repo` },
  { label: 'a GitHub fine-grained token', kind: 'GitHub fine-grained token', text: `${'github' + '_pat_'}${filler(82, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_')}` },
  { label: 'a GitLab token', kind: 'GitLab token', text: `${'gl' + 'pat-'}${filler(20)}` },
  { label: 'a Slack bot token', kind: 'Slack token', text: `${'xo' + 'xb-'}123456789012-123456789012-${filler(24)}` },
  { label: 'a Slack webhook', kind: 'Slack webhook URL', text: `https://${'hooks.slack' + '.com/services/'}T0123ABCD/B0123ABCD/${filler(24)}` },
  { label: 'a JWT bearer token', kind: 'JWT bearer token', text: `Authorization: Bearer ${jwt}` },
];

/** Kinds found in a text, in order. */
export function secretKinds(text: string): string[] {
  return findSecretMaterial(text).map((f) => f.kind);
}
