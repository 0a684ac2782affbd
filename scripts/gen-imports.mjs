// Regenerates imports/ with `cdk8s import` from the CRD files in ../shared/crds (offline, no network).
// One TypeScript module per API group, and the helper they share (imports/defined-entries.ts, written by
// imports-linear-filter.mjs); never edit imports/ by hand. Run: npm run gen:imports
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rewriteImports } from './imports-linear-filter.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const crds = join(repo, '..', 'shared', 'crds');

// API group → CRD files (relative to shared/crds) that make it up.
const GROUPS = {
  'cert-manager.io': [
    'cert-manager/cert-manager.io_certificates.yaml',
    'cert-manager/cert-manager.io_issuers.yaml',
    'cert-manager/cert-manager.io_clusterissuers.yaml',
  ],
  'external-secrets.io': [
    'external-secrets/external-secrets.io_externalsecrets.yaml',
    'external-secrets/external-secrets.io_pushsecrets.yaml',
  ],
  'trust.cert-manager.io': ['trust-manager/trust.cert-manager.io_bundles.yaml'],
  // The Link CRD is byte-identical from 2.18 to edge (shared/crds/linkerd/README.md).
  'multicluster.linkerd.io': ['linkerd/2.20/links.multicluster.linkerd.io.yaml'],
  'bitnami.com': ['sealed-secrets/bitnami.com_sealedsecrets.yaml'],
  // The policy kinds meshfleet emits. Their schemas are the same in every supported release (the
  // 2.19 → 2.20 diff is description typos only); which release serves which kind is in lib/compat.
  'policy.linkerd.io': [
    'linkerd/2.20/servers.policy.linkerd.io.yaml',
    'linkerd/2.20/authorizationpolicies.policy.linkerd.io.yaml',
    'linkerd/2.20/meshtlsauthentications.policy.linkerd.io.yaml',
    'linkerd/2.20/networkauthentications.policy.linkerd.io.yaml',
    'linkerd/2.20/httplocalratelimitpolicies.policy.linkerd.io.yaml',
    'linkerd/2.20/egressnetworks.policy.linkerd.io.yaml',
  ],
};

const work = mkdtempSync(join(tmpdir(), 'meshfleet-imports-'));
// `cdk8s import` records what it imported in cdk8s.yaml, with our temp paths: keep the file as it was.
const cdk8sConfig = join(repo, 'cdk8s.yaml');
const cdk8sConfigText = readFileSync(cdk8sConfig, 'utf8');
try {
  for (const [group, files] of Object.entries(GROUPS)) {
    const combined = join(work, `${group}.yaml`);
    writeFileSync(combined, files.map((f) => readFileSync(join(crds, f), 'utf8')).join('\n---\n'));
    execFileSync('npx', ['cdk8s', 'import', combined, '--output', join(repo, 'imports'), '--language', 'typescript'], {
      cwd: repo,
      stdio: 'inherit',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
  }
  rewriteImports(join(repo, 'imports'));
} finally {
  writeFileSync(cdk8sConfig, cdk8sConfigText);
  rmSync(work, { recursive: true, force: true });
}
