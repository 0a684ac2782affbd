// Finds secret material in what meshfleet would write to git: private keys (PEM, also base64-encoded),
// kubeconfigs carrying user credentials, and v1 Secrets with data. Credentials belong in a secret
// store and reach the cluster through External Secrets, SealedSecrets or SOPS; public certificates
// (trust anchors, CA bundles) are fine and not reported.
import { escapePointer } from './schema-registry.ts';
import { issueFor, type KubeObject, type ObjectIssue } from './validate-objects.ts';

/** A finding in a file that is not (only) an object, e.g. a values.yaml. `line` is 1-based. */
export interface FileIssue {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export type SecretIssue = ObjectIssue | FileIssue;

const DELIVER_INSTEAD = 'keep it in a secret store and deliver it with External Secrets, SealedSecrets or SOPS';

// RSA/EC/DSA/ENCRYPTED/OPENSSH/plain PKCS#8 and PGP private key blocks; never "CERTIFICATE".
const PRIVATE_KEY_BLOCK = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/;
// A long run of base64 (line breaks allowed, as in wrapped YAML); decoded and scanned again.
const BASE64_RUN = /[A-Za-z0-9+/]{60,}(?:[\r\n]+[A-Za-z0-9+/]+)*={0,2}/g;
const KUBECONFIG_KIND = /^\s*kind:\s*["']?Config["']?\s*$|"kind"\s*:\s*"Config"/m;
const KUBECONFIG_SECTIONS = /^\s*users:\s*$/m;
const KUBECONFIG_CLUSTERS = /^\s*clusters:\s*$/m;
const KUBECONFIG_CREDENTIAL = /^\s*(?:-\s*)?["']?(token|client-key-data|password)["']?\s*:\s*(.*)$/gm;
const KUBECONFIG_USER_CREDENTIALS = ['token', 'client-key-data', 'password'];

/** Objects only: every issue names an object and a JSON pointer inside it. */
export function scanForSecrets(objects: readonly KubeObject[]): ObjectIssue[];
/** Objects and file texts (path → content): file findings come as FileIssue with a line number. */
export function scanForSecrets(objects: readonly KubeObject[], fileTexts: Readonly<Record<string, string>> | ReadonlyMap<string, string>): SecretIssue[];
export function scanForSecrets(
  objects: readonly KubeObject[],
  fileTexts?: Readonly<Record<string, string>> | ReadonlyMap<string, string>,
): SecretIssue[] {
  const issues: SecretIssue[] = [];
  for (const object of objects) {
    const report = (path: string, message: string) => issues.push(issueFor(object, path, message));
    if (object.apiVersion === 'v1' && object.kind === 'Secret') reportSecretData(object, report);
    walk(object, '', report);
  }
  if (fileTexts) {
    const entries = fileTexts instanceof Map ? [...fileTexts.entries()] : Object.entries(fileTexts);
    for (const [file, text] of entries) {
      for (const finding of findingsInText(text)) issues.push({ file, line: finding.line, message: finding.message });
    }
  }
  return issues;
}

function reportSecretData(object: KubeObject, report: (path: string, message: string) => void): void {
  for (const field of ['data', 'stringData'] as const) {
    const entries = object[field];
    if (!isRecord(entries)) continue;
    for (const [key, value] of Object.entries(entries)) {
      if (value === '' || value === null || value === undefined) continue;
      report(`/${field}/${escapePointer(key)}`, `Secret with ${field} in the output: ${DELIVER_INSTEAD}`);
    }
  }
}

function walk(node: unknown, path: string, report: (path: string, message: string) => void): void {
  if (typeof node === 'string') {
    for (const finding of findingsInText(node)) report(path, finding.message);
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((item, index) => walk(item, `${path}/${index}`, report));
    return;
  }
  if (!isRecord(node)) return;
  reportKubeconfigUsers(node, path, report);
  for (const [key, value] of Object.entries(node)) walk(value, `${path}/${escapePointer(key)}`, report);
}

/** A kubeconfig embedded as structure (not text): `users[].user.{token,client-key-data,password}`. */
function reportKubeconfigUsers(node: Record<string, unknown>, path: string, report: (path: string, message: string) => void): void {
  if (!Array.isArray(node.users) || !('clusters' in node || node.kind === 'Config')) return;
  node.users.forEach((entry, index) => {
    const user = isRecord(entry) ? entry.user : undefined;
    if (!isRecord(user)) return;
    for (const credential of KUBECONFIG_USER_CREDENTIALS) {
      if (typeof user[credential] === 'string' && user[credential] !== '') {
        report(`${path}/users/${index}/user/${credential}`, `kubeconfig with a user ${credential}: ${DELIVER_INSTEAD}`);
      }
    }
  });
}

interface TextFinding {
  readonly line: number;
  readonly message: string;
}

function findingsInText(text: string, viaBase64 = false): TextFinding[] {
  const findings: TextFinding[] = [];
  const encoded = viaBase64 ? 'base64-encoded ' : '';

  const privateKey = PRIVATE_KEY_BLOCK.exec(text);
  if (privateKey) {
    findings.push({ line: lineOf(text, privateKey.index), message: `${encoded}private key (${privateKey[0]}): ${DELIVER_INSTEAD}` });
  }

  if (KUBECONFIG_KIND.test(text) || (KUBECONFIG_SECTIONS.test(text) && KUBECONFIG_CLUSTERS.test(text))) {
    for (const match of text.matchAll(KUBECONFIG_CREDENTIAL)) {
      const value = match[2]!.trim().replace(/^["']|["']$/g, '');
      if (value === '' || value === 'null' || value === '~') continue;
      // A template placeholder ("{{ .token }}") is filled in-cluster by External Secrets, not here.
      if (/^\{\{[^}]*\}\}$/.test(value)) continue;
      findings.push({ line: lineOf(text, match.index), message: `${encoded}kubeconfig with a user ${match[1]}: ${DELIVER_INSTEAD}` });
    }
  }

  if (!viaBase64 && text.length >= 60) {
    for (const run of text.matchAll(BASE64_RUN)) {
      const decoded = Buffer.from(run[0], 'base64').toString('latin1');
      // Only text-like payloads can hold PEM or kubeconfig; skip binary noise quickly.
      if (!decoded.includes('-----BEGIN') && !decoded.includes('users')) continue;
      const line = lineOf(text, run.index);
      for (const finding of findingsInText(decoded, true)) findings.push({ line, message: finding.message });
    }
  }
  return findings;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
