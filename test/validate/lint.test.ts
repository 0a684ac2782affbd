// meshfleet lint through runCli: what a user sees for their hand-written manifests, and the exit codes.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/main.ts';
import { CORPUS_DIR } from './corpus.ts';
import { capture } from '../support/cli.ts';

async function lint(...args: string[]) {
  const io = capture();
  const code = await runCli(['lint', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-lint-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: checkout
  namespace: shop
spec:
  parentRefs:
    - { group: core, kind: Service, name: checkout, port: 8080 }
  rules:
    - backendRefs:
        - name: checkout-v2
          port: 8080
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: checkout, namespace: shop }
spec:
  ports: [{ name: http, port: 8080, appProtocol: http }]
`;

describe('meshfleet lint', () => {
  it('accepts valid multi-document files and folders searched recursively, and exits 0', async () => {
    const dir = folder({ 'shop/checkout.yaml': `${SERVICE}---\n${ROUTE}---\n`, 'shop/nested/more.yml': ROUTE, 'README.md': '# not YAML' });
    const result = await lint(dir);
    expect(result).toStrictEqual({ code: 0, stdout: 'meshfleet lint: all valid: 3 document(s) in 2 file(s), Gateway API v1.2.1 standard, Linkerd 2.20\n', stderr: '' });
  });

  it('prints file:line:column, document, kind, namespace/name, JSON path and message for each problem, and exits 1', async () => {
    const broken = ROUTE.replace('    - backendRefs:', '    - filters:\n        - type: RequestRedirect\n          requestRedirect: { scheme: https }\n      backendRefs:').replace('          port: 8080\n', '');
    const dir = folder({ 'routes.yaml': `${SERVICE}---\n${broken}` });
    const result = await lint(join(dir, 'routes.yaml'));
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toStrictEqual([
      `${dir}/routes.yaml:16:7: document 2: HTTPRoute shop/checkout: /spec/rules/0: RequestRedirect filter must not be used together with backendRefs`,
      `${dir}/routes.yaml:20:11: document 2: HTTPRoute shop/checkout: /spec/rules/0/backendRefs/0: Must have port for Service reference`,
      'meshfleet lint: 1 invalid: 2 document(s) in 1 file(s), Gateway API v1.2.1 standard, Linkerd 2.20',
      '',
    ]);
  });

  it('validates against the Gateway API bundle and channel given', async () => {
    const cors = join(CORPUS_DIR, 'valid', 'httproute-cors.yaml');
    expect((await lint(cors)).code).toBe(1);
    expect((await lint(cors, '--gateway-api', '1.5.1'))).toMatchObject({ code: 0, stdout: expect.stringContaining('Gateway API v1.5.1 standard') });
    const named = join(CORPUS_DIR, 'valid', 'httproute-named-rules.yaml');
    expect((await lint(named, '--gateway-api', 'v1.2.1')).code).toBe(1);
    expect((await lint(named, '--gateway-api', 'v1.2.1', '--channel', 'experimental')).code).toBe(0);
  });

  it('validates Linkerd kinds against the release given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-lint-'));
    copyFileSync(join(CORPUS_DIR, 'invalid', 'link-gateway-port-number.yaml'), join(dir, 'link.yaml'));
    const result = await lint(dir, '--linkerd', 'edge-26.8.3');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('link.yaml:16:16: document 1: Link linkerd-multicluster/us-1: /spec/gatewayPort: must be string, got number 4143');
    expect(result.stdout).toContain('Linkerd edge-26.8.3');
  });

  it('reports YAML syntax errors and duplicate keys with their position', async () => {
    const dir = folder({ 'bad.yaml': `${SERVICE}---\nkind: Service\nkind: ConfigMap\n---\nmetadata: [unclosed\n` });
    const result = await lint(join(dir, 'bad.yaml'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/bad\.yaml:8:1: document 2: not valid YAML: Map keys must be unique/);
    expect(result.stdout).toMatch(/bad\.yaml:\d+:\d+: document 3: not valid YAML: /);
    expect(result.stdout).toContain('meshfleet lint: 2 invalid: 3 document(s) in 1 file(s)');
  });

  it('skips empty documents and reports documents that are not Kubernetes objects', async () => {
    const dir = folder({ 'mixed.yaml': `---\n# only a comment\n---\n${SERVICE}---\n- just\n- a list\n` });
    const result = await lint(join(dir, 'mixed.yaml'));
    expect(result.stdout).toContain('mixed.yaml:9:1: document 3: not a Kubernetes object: a mapping with apiVersion and kind is expected');
    expect(result.stdout).toContain('1 invalid: 2 document(s)');
  });

  it('reads YAML 1.1 as kubectl does: `on` is a boolean', async () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: flags, namespace: shop }\ndata:\n  enabled: on\n';
    const result = await lint(join(folder({ 'flags.yaml': configMap }), 'flags.yaml'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('flags.yaml:5:12: document 1: ConfigMap shop/flags: /data/enabled: must be string');
  });

  it('exits 2 on a wrong command line', async () => {
    const route = join(folder({ 'route.yaml': ROUTE }), 'route.yaml');
    for (const [args, message] of [
      [[], 'give at least one file or folder to lint'],
      [['/no/such/place'], 'no such file or folder: /no/such/place'],
      [[route, '--channel', 'beta'], '--channel must be standard or experimental, got beta'],
      [[route, '--gateway-api', '0.9.9'], 'no CRD schemas for Gateway API v0.9.9 standard'],
      [[route, '--linkerd', '2.99'], 'unknown Linkerd version 2.99'],
      // A pair the compat table forbids, refused with the allowed range.
      [[route, '--linkerd', '2.19', '--gateway-api', '1.3.0'], 'Linkerd 2.19 supports Gateway API v1.1.1–v1.2.1, not v1.3.0; pass --gateway-api 1.2.1 (recommended)'],
      [[route, '--linkerd', '2.20', '--gateway-api', 'v1.1.1'], 'Linkerd 2.20 supports Gateway API v1.2.1–v1.5.1, not v1.1.1'],
      [[route, '--verbose'], "Unknown option '--verbose'"],
      [[mkdtempSync(join(tmpdir(), 'meshfleet-lint-empty-'))], 'no .yaml or .yml files in'],
    ] as const) {
      const result = await lint(...args);
      expect({ args, code: result.code, message: result.stderr.includes(message) }).toStrictEqual({ args, code: 2, message: true });
      expect(result.stderr).toContain('usage: meshfleet lint');
    }
  });
});

describe('meshfleet lint: one message per oneOf/anyOf', () => {
  it('reports an invalid Gateway address once, naming the accepted forms', async () => {
    const gateway = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: app }
spec:
  gatewayClassName: x
  listeners: [{ name: http, port: 80, protocol: HTTP }]
  addresses: [{ type: IPAddress, value: "300.1.1.1" }]
`;
    const result = await lint(join(folder({ 'gw.yaml': gateway }), 'gw.yaml'));
    const problems = result.stdout.split('\n').filter((line) => line.includes('document 1'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('/spec/addresses/0: must be exactly one of: (1) type "IPAddress", value a valid ipv4 or a valid ipv6; (2) type not "IPAddress"');
  });
});
