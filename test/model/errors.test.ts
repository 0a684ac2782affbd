// Bad input: every problem is reported at once, each with the JSON pointer of the field, the value
// and a fix.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFleetYaml } from '../../lib/model/load-yaml.ts';
import { errorsOf, FIXTURES, fleetDocument, plan } from '../support/fleet.ts';

const privateKeyPem = () =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

describe('fleet document errors', () => {
  it('accepts the base document', () => {
    expect(errorsOf(fleetDocument())).toStrictEqual([]);
  });

  it('names an unknown field and lists the allowed ones', () => {
    const d = plan(fleetDocument((doc) => (doc.spec.clusters[0].linkrd = '2.20'))).diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0].path).toBe('/spec/clusters/0/linkrd');
    expect(d[0].message).toBe('unknown field "linkrd"');
    expect(d[0].fix).toContain('linkerd');
  });

  it('rejects a cluster name that is not a DNS label, showing the value', () => {
    expect(errorsOf(fleetDocument((doc) => (doc.spec.clusters[1].name = 'Prod_EU')))).toStrictEqual([
      ['/spec/clusters/1/name', '"Prod_EU" is not valid'],
    ]);
    const d = plan(fleetDocument((doc) => (doc.spec.clusters[1].name = 'Prod_EU'))).diagnostics[0];
    expect(d.fix).toContain('DNS label');
  });

  it('finds a private key anywhere in the input and says where', () => {
    const key = privateKeyPem();
    const doc = fleetDocument((d) => {
      d.spec.trust.anchor.pem = d.spec.trust.anchor.pem + key;
      d.spec.defaults.controlPlane = { values: { identity: { issuer: { tls: { keyPEM: key } } } } };
    });
    const fingerprint = /contains secret material: private key \(sha256:[0-9a-f]{8}\)$/;
    expect(errorsOf(doc)).toStrictEqual([
      ['/spec/defaults/controlPlane/values/identity/issuer/tls/keyPEM', expect.stringMatching(fingerprint)],
      ['/spec/trust/anchor/pem', expect.stringMatching(fingerprint)],
    ]);
  });

  it('rejects a trust anchor file holding a private key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-anchor-'));
    writeFileSync(join(dir, 'anchor.pem'), readFileSync(join(FIXTURES, 'second-anchor.crt'), 'utf8') + privateKeyPem());
    const d = plan(fleetDocument((doc) => (doc.spec.trust.anchor = { file: join(dir, 'anchor.pem') })));
    expect(d.diagnostics.map((x) => [x.path, x.message])).toStrictEqual([
      ['/spec/trust/anchor/file', expect.stringMatching(/^the trust anchor contains secret material: private key at .*anchor\.pem:\d+ \(sha256:[0-9a-f]{8}\)$/)],
    ]);
    rmSync(dir, { recursive: true });
  });

  it('reads a trust anchor file relative to the fleet file', () => {
    // plan() reads from apps/, where the example anchor lives.
    expect(errorsOf(fleetDocument((doc) => (doc.spec.trust.anchor = { file: 'trust/anchor.crt' })))).toStrictEqual([]);
    expect(errorsOf(fleetDocument((doc) => (doc.spec.trust.anchor = { file: 'trust/missing.crt' })))[0][0]).toBe('/spec/trust/anchor/file');
  });

  it('rejects a trust anchor that is not a CA', () => {
    const pem = readFileSync(join(FIXTURES, 'not-a-ca.crt'), 'utf8');
    expect(errorsOf(fleetDocument((doc) => (doc.spec.trust.anchor = { pem })))).toStrictEqual([
      ['/spec/trust/anchor/pem', 'certificate 1 (CN=not-a-ca.example) is not a CA certificate'],
    ]);
  });

  it('rejects an expired trust anchor (clock moved past notAfter)', () => {
    const later = new Date('2040-01-01T00:00:00Z');
    const errors = errorsOf(fleetDocument(), later);
    expect(errors).toHaveLength(1);
    expect(errors[0][0]).toBe('/spec/trust/anchor/pem');
    expect(errors[0][1]).toMatch(/^certificate 1 \(CN=root.linkerd.cluster.local\) expired on 2036-/);
  });

  it('accepts a bundle of two anchors during a rotation', () => {
    const second = readFileSync(join(FIXTURES, 'second-anchor.crt'), 'utf8');
    const result = plan(fleetDocument((doc) => (doc.spec.trust.anchor.pem += second)));
    expect(result.diagnostics).toStrictEqual([]);
    expect(result.fleet!.trust.anchor.certificates.map((c) => c.subject)).toStrictEqual([
      'CN=root.linkerd.cluster.local',
      'CN=root-2.linkerd.cluster.local',
    ]);
  });

  it('rejects an unknown Linkerd version at the layer that set it', () => {
    expect(errorsOf(fleetDocument((doc) => (doc.spec.environments.prod.linkerd = '2.17')))).toStrictEqual([
      ['/spec/environments/prod/linkerd', 'unknown Linkerd version "2.17"'],
    ]);
  });

  it('rejects a duplicate cluster name, pointing at the second one', () => {
    expect(errorsOf(fleetDocument((doc) => (doc.spec.clusters[1].name = 'a')))).toStrictEqual([
      ['/spec/clusters/1/name', 'duplicate cluster name "a" (also /spec/clusters/0)'],
    ]);
  });

  it('rejects an environment override of a cluster that does not exist', () => {
    expect(errorsOf(fleetDocument((doc) => (doc.spec.environments.prod.clusters = { c: { ha: true } })))).toStrictEqual([
      ['/spec/environments/prod/clusters/c', 'environment "prod" overrides cluster "c", which does not exist'],
    ]);
  });

  it('rejects a cluster in an undeclared environment', () => {
    expect(errorsOf(fleetDocument((doc) => (doc.spec.clusters[0].environment = 'qa')))).toStrictEqual([
      ['/spec/clusters/0/environment', 'environment "qa" is not declared'],
    ]);
  });

  it('rejects a Kubernetes version outside the Linkerd release range', () => {
    expect(errorsOf(fleetDocument((doc) => (doc.spec.clusters[0].kubernetes = '1.30')))).toStrictEqual([
      ['/spec/clusters/0/kubernetes', 'Linkerd 2.20 supports Kubernetes 1.31–1.35, not 1.30'],
    ]);
  });

  it('rejects control plane values the upstream chart does not have, and keys meshfleet owns', () => {
    const doc = fleetDocument((d) => {
      d.spec.defaults.controlPlane = { values: { proxyInit: { image: { name: 'x' } }, identityTrustDomain: 'x' } };
    });
    expect(errorsOf(doc).slice(0, 2)).toStrictEqual([
      ['/spec/defaults/controlPlane/values/proxyInit/image', 'linkerd-control-plane 2026.6.3 has no value "proxyInit.image"'],
      ['/spec/defaults/controlPlane/values/identityTrustDomain', 'meshfleet sets "identityTrustDomain" itself'],
    ]);
    // proxyInit.image still exists in 2.19: the same override is fine there.
    const on219 = fleetDocument((d) => {
      d.spec.defaults.linkerd = '2.19';
      d.spec.defaults.controlPlane = { values: { proxyInit: { image: { name: 'x' } } } };
    });
    expect(errorsOf(on219)).toStrictEqual([]);
  });

  it('rejects bad CIDRs and overlapping pod and service ranges', () => {
    const doc = fleetDocument((d) => {
      d.spec.clusters[0].podCIDR = '10.1.0.300/16';
      d.spec.clusters[1].serviceCIDR = '10.2.128.0/17';
    });
    expect(errorsOf(doc)).toStrictEqual([
      ['/spec/clusters/0/podCIDR', '"10.1.0.300/16" is not a CIDR'],
      ['/spec/clusters/1/serviceCIDR', 'service CIDR 10.2.128.0/17 overlaps pod CIDR 10.2.0.0/16'],
    ]);
  });

  it('reports all schema errors at once', () => {
    const doc = fleetDocument((d) => {
      d.metadata.name = 'Test';
      d.spec.clusters[0].ha = 'yes';
      d.spec.clusters[1].proxy = { logFormat: 'xml', opaquePorts: [70000] };
      delete d.spec.trust;
    });
    expect(errorsOf(doc).map(([path]) => path)).toStrictEqual([
      '/metadata/name',
      '/spec/trust',
      '/spec/clusters/0/ha',
      '/spec/clusters/1/proxy/logFormat',
      '/spec/clusters/1/proxy/opaquePorts/0',
    ]);
  });

  it('gives YAML positions for paths and rejects duplicate keys', () => {
    const loaded = parseFleetYaml('apiVersion: meshfleet.dev/v1alpha1\nkind: Fleet\nkind: Fleet\n', 'f.yaml');
    expect(loaded.diagnostics).toHaveLength(1);
    expect(loaded.diagnostics[0].message).toMatch(/f.yaml is not valid YAML at line 3/);
    const ok = parseFleetYaml('apiVersion: meshfleet.dev/v1alpha1\nspec:\n  clusters:\n    - name: X\n', 'f.yaml');
    expect(ok.locate('/spec/clusters/0/name')).toBe('f.yaml:4:13');
  });

  it('refuses nesting deeper than a fleet needs before the YAML composer can run out of stack, with the position', () => {
    const loaded = parseFleetYaml(`apiVersion: meshfleet.dev/v1alpha1\nspec: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'f.yaml');
    expect(loaded.diagnostics.map((d) => d.message)).toStrictEqual(['f.yaml nests lists or maps more than 64 levels deep at line 2, column 70']);
  });

  it('names the first alias of an alias bomb', () => {
    const levels = Array.from({ length: 6 }, (_, i) => `  l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(', ')}]`);
    const loaded = parseFleetYaml(['metadata:', '  l0: &l0 [lol]', ...levels].join('\n'), 'f.yaml');
    expect(loaded.diagnostics.map((d) => d.message)).toStrictEqual(['f.yaml: Excessive alias count indicates a resource exhaustion attack (first alias at line 3, column 12)']);
  });
});
