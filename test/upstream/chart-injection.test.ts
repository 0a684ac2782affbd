// Hostile values that meshfleet accepts (they are valid for their field) render, through the real
// upstream chart of each release (helm template with the packaged .tgz and --kube-version), into
// exactly the objects they mean: the gateway Service gets the class, ranges and annotations given
// and nothing else (no externalIPs, no externalTrafficPolicy), and pod annotations arrive as the
// same strings. The refused hostile cases are in test/check/upstream-values.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { LINKERD_RELEASES } from '../../lib/compat/linkerd-releases.ts';
import { twoNetworkFleet } from '../multicluster/support.ts';
import { errorsOf, render } from '../support/fleet.ts';
import { runHelm } from '../support/tools.ts';
import { upstreamPath } from '../support/upstream.ts';

type Json = Record<string, any>;

// Each is valid for its field, and each would add or change YAML if the template wrote it raw.
const ANNOTATIONS = {
  'example.com/colon': 'a: b',
  'example.com/comment': 'x # not a comment',
  'example.com/quotes': `it's "quoted"`,
  'example.com/lines': 'line one\nexternalIPs: [6.6.6.6]',
  'example.com/json': '{"externalTrafficPolicy": "Local"}',
  'example.com/indicators': '- [*a, &b, !c, |d, >e, %f, @g]',
  'example.com/braces': '{ single } braces',
  'example.com/empty': '',
};
const SOURCE_RANGES = ['203.0.113.0/24', '2001:db8::/32'];
const CLASS = 'service.k8s.aws/nlb';
const PROBE_PATH = '/health-check_v2.0~x%2F';

function releaseFleet(release: (typeof LINKERD_RELEASES)[number]) {
  return twoNetworkFleet((doc) => {
    doc.spec.defaults.linkerd = release.version;
    doc.spec.defaults.kubernetes = release.kubernetes.max;
    Object.assign(doc.spec.clusters[2].gateway, { loadBalancerClass: CLASS, loadBalancerSourceRanges: SOURCE_RANGES, serviceAnnotations: ANNOTATIONS, probe: { path: PROBE_PATH } });
    doc.spec.clusters[2].controlPlane = { values: { podAnnotations: ANNOTATIONS } };
    doc.spec.clusters[2].multicluster = { values: { podAnnotations: ANNOTATIONS, gateway: { deploymentAnnotations: ANNOTATIONS } } };
  });
}

function helmTemplate(release: (typeof LINKERD_RELEASES)[number], chart: string, values: string, namespace: string): Json[] {
  const file = join(mkdtempSync(join(tmpdir(), 'meshfleet-inject-')), 'values.yaml');
  writeFileSync(file, values);
  const tgz = upstreamPath('upstream', 'linkerd-charts', release.version, `${chart}-${release.chartVersion}.tgz`);
  const out = runHelm(['template', chart, tgz, '-f', file, '--namespace', namespace, '--kube-version', release.kubernetes.max]);
  return parseAllDocuments(out).map((d) => d.toJS()).filter((o): o is Json => o !== null && typeof o === 'object');
}

describe.each(LINKERD_RELEASES.map((r) => [r.version, r] as const))('linkerd %s upstream charts, with hostile but valid values', (_version, release) => {
  const rendered = render(releaseFleet(release));
  const file = (path: string) => rendered.files.get(`prod/b1/values/${path}`)!;

  it('meshfleet renders the fleet without errors', () => {
    expect(rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
  });

  it('the gateway Service is exactly what the values meant', () => {
    const objects = helmTemplate(release, 'linkerd-multicluster', file('linkerd-multicluster.yaml'), 'linkerd-multicluster');
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'linkerd-gateway')!;
    expect(Object.keys(service).sort()).toStrictEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(service.spec).toStrictEqual({
      ports: [
        { name: 'mc-gateway', port: 4443, protocol: 'TCP' }, // b1's gateway port in the fixture
        { name: 'mc-probe', port: 4191, protocol: 'TCP' },
      ],
      selector: { app: 'linkerd-gateway' },
      type: 'LoadBalancer',
      loadBalancerClass: CLASS,
      loadBalancerSourceRanges: SOURCE_RANGES,
    });
    const annotations = service.metadata.annotations;
    for (const [key, value] of Object.entries(ANNOTATIONS)) expect(annotations[key], key).toBe(value);
    expect(annotations['mirror.linkerd.io/probe-path']).toBe(PROBE_PATH);
    // Only the chart's own annotations besides the ones given.
    expect(Object.keys(annotations).filter((k) => !(k in ANNOTATIONS)).sort()).toStrictEqual(
      ['component', 'linkerd.io/created-by', 'mirror.linkerd.io/gateway-identity', 'mirror.linkerd.io/multicluster-gateway', 'mirror.linkerd.io/probe-path', 'mirror.linkerd.io/probe-period'].sort(),
    );
    // Nothing anywhere in the output gained an externalIPs field or a traffic policy.
    expect(JSON.stringify(objects)).not.toMatch(/"externalIPs"|"externalTrafficPolicy"/);
  });

  it('the gateway Deployment carries the deployment annotations as given', () => {
    const objects = helmTemplate(release, 'linkerd-multicluster', file('linkerd-multicluster.yaml'), 'linkerd-multicluster');
    const gateway = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'linkerd-gateway')!;
    const podAnnotations = gateway.spec.template.metadata.annotations;
    for (const [key, value] of Object.entries(ANNOTATIONS)) expect(podAnnotations[key], key).toBe(value);
  });

  it('control plane pods carry the pod annotations as given, and no object gains fields', () => {
    const objects = helmTemplate(release, 'linkerd-control-plane', file('linkerd-control-plane.yaml'), 'linkerd');
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.length).toBeGreaterThan(0);
    for (const deployment of deployments) {
      const podAnnotations = deployment.spec.template.metadata.annotations;
      for (const [key, value] of Object.entries(ANNOTATIONS)) expect(podAnnotations[key], `${deployment.metadata.name} ${key}`).toBe(value);
    }
    expect(JSON.stringify(objects)).not.toMatch(/"externalIPs"|"externalTrafficPolicy"/);
  });
});

describe('the refused values are refused for a reason', () => {
  // What meshfleet refuses (test/check/upstream-values.test.ts), given to the chart directly: the
  // upstream template writes it unquoted and the Service gains fields nobody asked for.
  const release = LINKERD_RELEASES[LINKERD_RELEASES.length - 1]!;
  const INJECT = '\n  externalIPs: [6.6.6.6]\n  externalTrafficPolicy: Local';

  it.each([
    ['gateway.loadBalancerClass', { loadBalancerClass: `nlb${INJECT}` }],
    ['gateway.loadBalancerSourceRanges', { loadBalancerSourceRanges: [`10.0.0.0/8${INJECT}`] }],
    ['gateway.probe.path', { probe: { path: `/ready\n    example.com/x: y${INJECT.replace(/\n {2}/g, '\n')}` } }],
  ])('%s injected by hand changes the Service; meshfleet refuses the same value', (_key, gateway) => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-inject-'));
    writeFileSync(join(dir, 'values.yaml'), render(releaseFleet(release)).files.get('prod/b1/values/linkerd-multicluster.yaml')!);
    writeFileSync(join(dir, 'hostile.yaml'), JSON.stringify({ gateway }));
    const tgz = upstreamPath('upstream', 'linkerd-charts', release.version, `linkerd-multicluster-${release.chartVersion}.tgz`);
    let out: string;
    try {
      out = runHelm(['template', 'linkerd-multicluster', tgz, '-f', join(dir, 'values.yaml'), '-f', join(dir, 'hostile.yaml'), '--namespace', 'linkerd-multicluster', '--kube-version', release.kubernetes.max]);
    } catch (e) {
      out = `render failed: ${(e as Error).message}`;
    }
    // Either the Service gained fields or the render broke: both are what the check prevents.
    expect(out).toMatch(/externalIPs|externalTrafficPolicy: Local|render failed/);
    const errors = errorsOf(twoNetworkFleet((doc) => (doc.spec.clusters[2].multicluster = { values: { gateway } })));
    expect(errors.map(([path]) => path)[0]).toMatch(/^\/spec\/clusters\/2\/multicluster\/values\/gateway\//);
  });
});
