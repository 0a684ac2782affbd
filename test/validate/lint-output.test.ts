// `meshfleet lint <output folder>` on the example output (charts-out/, regenerated with the repository):
// fresh output passes; each planted defect fails with its file and place.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/main.ts';

const CHARTS_OUT = new URL('../../charts-out/', import.meta.url).pathname;

async function lint(...args: string[]) {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  const code = await runCli(['lint', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** A copy of the example output to plant a defect in. */
function outputCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'meshfleet-lint-output-')), 'charts-out');
  cpSync(CHARTS_OUT, dir, { recursive: true });
  return dir;
}

const PEM_KEY = ['-----BEGIN EC PRIVATE KEY-----', 'MHcCAQEEIDbeefbeefbeefbeefbeefbeefbeefbeefbeefbeefbeefbeefoAoGCCqGSM49', '-----END EC PRIVATE KEY-----'].join('\n');

describe('meshfleet lint <output folder>', () => {
  it('passes on the example output, each cluster checked with its own Linkerd and Gateway API bundle', async () => {
    const result = await lint(CHARTS_OUT);
    expect(result.stdout).toMatch(/^meshfleet lint: all valid: \d+ document\(s\) in \d+ file\(s\), each cluster's Linkerd and Gateway API bundle from index\.json\n$/);
    expect(result.code).toBe(0);
  });

  it('reads the bundle from index.json: a cluster said to run the standard channel has no schema for its TCPRoute', async () => {
    const dir = outputCopy();
    const indexFile = join(dir, 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { environments: { clusters: { name: string; gatewayAPI: { channel: string } }[] }[] };
    const devCluster = index.environments.flatMap((environment) => environment.clusters).find((cluster) => cluster.name === 'dev-1')!;
    expect(devCluster.gatewayAPI.channel).toBe('experimental');
    devCluster.gatewayAPI.channel = 'standard';
    writeFileSync(indexFile, JSON.stringify(index));
    const result = await lint(dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('dev/dev-1/routes/routes.yaml');
    expect(result.stdout).toContain('no schema for gateway.networking.k8s.io/v1alpha2 TCPRoute');
    rmSync(dir, { recursive: true });
  });

  it.each([
    [
      'a kustomization resource that does not exist',
      (dir: string) => rmSync(join(dir, 'dev/dev-1/manifests/policy.yaml')),
      /dev\/dev-1\/manifests\/kustomization\.yaml:\d+:\d+: document 1: \/resources\/\d: policy\.yaml does not exist next to this kustomization\.yaml/,
    ],
    [
      'a manifest the kustomization does not list',
      (dir: string) => writeFileSync(join(dir, 'dev/dev-1/routes/extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: shop }\n'),
      /routes\/kustomization\.yaml:\d+:\d+: document 1: \/resources: extra\.yaml is in this folder but not listed in resources/,
    ],
    [
      'a Chart.yaml version that is not SemVer',
      (dir: string) => {
        const chart = join(dir, 'dev/dev-1/mesh/Chart.yaml');
        writeFileSync(chart, readFileSync(chart, 'utf8').replace(/version: "0\.1\.\d+"/, 'version: "0.1"'));
      },
      /dev\/dev-1\/mesh\/Chart\.yaml:\d+:\d+: document 1: \/version: must be a SemVer 2 version/,
    ],
    [
      'an upstream values key the chart version does not have',
      (dir: string) => appendFileSync(join(dir, 'prod/eu-1/values/linkerd-control-plane.yaml'), 'proxyInjectorr:\n  replicas: 2\n'),
      /prod\/eu-1\/values\/linkerd-control-plane\.yaml:\d+:\d+: document 1: \/proxyInjectorr: linkerd-control-plane 2026\.6\.3 has no value proxyInjectorr/,
    ],
    [
      'a private key in an upstream values file',
      (dir: string) => appendFileSync(join(dir, 'dev/dev-1/values/linkerd-crds.yaml'), `# ${PEM_KEY.split('\n').join('\n# ')}\n`),
      /dev\/dev-1\/values\/linkerd-crds\.yaml:\d+: .*private key/i,
    ],
    [
      'a Secret with a PEM private key in a manifest',
      (dir: string) =>
        appendFileSync(
          join(dir, 'dev/dev-1/manifests/policy.yaml'),
          `---\napiVersion: v1\nkind: Secret\nmetadata: { name: leaked, namespace: shop }\ntype: Opaque\nstringData:\n  tls.key: |\n    ${PEM_KEY.split('\n').join('\n    ')}\n`,
        ),
      /dev\/dev-1\/manifests\/policy\.yaml:\d+: .*private key \(sha256:[0-9a-f]{8}\): secret material/,
    ],
    [
      'an object Linkerd 2.20\'s admission webhook refuses (cluster eu-1)',
      (dir: string) =>
        appendFileSync(
          join(dir, 'prod/eu-1/manifests/policy.yaml'),
          '---\napiVersion: policy.linkerd.io/v1alpha1\nkind: NetworkAuthentication\nmetadata: { name: bad, namespace: shop }\nspec:\n  networks: [{ cidr: 10.1.1.0/24, except: [10.1.2.0/24] }]\n',
        ),
      /prod\/eu-1\/manifests\/policy\.yaml:\d+:\d+: document \d+: NetworkAuthentication shop\/bad: \/spec\/networks\/0\/except\/0: cidr '10\.1\.1\.0\/24' does not include exception/,
    ],
  ])('fails on %s', async (_, plant, expected) => {
    const dir = outputCopy();
    plant(dir);
    const result = await lint(dir);
    expect(result.stdout).toMatch(expected);
    expect(result.code).toBe(1);
    rmSync(dir, { recursive: true });
  });
});
