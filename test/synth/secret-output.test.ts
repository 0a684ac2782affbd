// Secrets never reach the output, whatever the delivery and whatever produced the file: the fleet
// input is refused first (at its JSON pointer), and render scans the final files once (values files,
// mesh chart, manifests, GitOps files, index.json, vendored bundles). No message prints the secret.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FleetError } from '../../lib/model/diagnostics.ts';
import { renderFleet } from '../../lib/synth/render.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { deliveryDocument } from '../delivery/support.ts';
import { fleetDocument, plan, REPO } from '../support/fleet.ts';
import { SECRET_SAMPLES } from '../validate/secret-samples.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const engines = ['none', 'argocd', 'flux'] as const;

function documentFor(engine: (typeof engines)[number], edit: (doc: Record<string, any>) => void) {
  return engine === 'none' ? fleetDocument(edit) : deliveryDocument(engine, edit);
}

/** No message, path or fix may contain a recognisable piece of the secret. */
function expectNotPrinted(text: string, secret: string) {
  for (const piece of secret.split(/[\s"'\\{}:,]+/).filter((p) => p.length >= 16)) expect(text).not.toContain(piece.slice(0, 16));
}

describe('the fleet input is refused when it holds secret material', () => {
  it.each(engines)('every kind, plain and base64-encoded, in controlPlane.values (delivery %s)', (engine) => {
    for (const sample of SECRET_SAMPLES) {
      for (const [how, value] of [['plain', sample.text], ['base64', b64(sample.text)]] as const) {
        const doc = documentFor(engine, (d) => (d.spec.defaults.controlPlane = { values: { podAnnotations: { note: value } } }));
        const { fleet, diagnostics } = plan(doc);
        expect(fleet, `${sample.label} (${how})`).toBeUndefined();
        expect(diagnostics.map((d) => d.path)).toStrictEqual(diagnostics.map(() => '/spec/defaults/controlPlane/values/podAnnotations/note'));
        expect(diagnostics[0]!.message).toMatch(/^contains secret material: .+ \(sha256:[0-9a-f]{8}\)$/);
        expectNotPrinted(JSON.stringify(diagnostics), sample.text);
      }
    }
  });

  it('a secret used as a map key is reported at the map, never in a pointer', () => {
    const key = SECRET_SAMPLES.find((s) => s.kind === 'EC private key')!.text;
    const doc = fleetDocument((d) => (d.spec.defaults.controlPlane = { values: { podLabels: { [key]: 'x', [`${key}-2`]: { nested: true } } } }));
    const { diagnostics } = plan(doc);
    expect(diagnostics.map((d) => [d.path, d.message.replace(/sha256:[0-9a-f]{8}/, 'sha256:…')])).toStrictEqual([
      ['/spec/defaults/controlPlane/values/podLabels', 'a key of this map contains secret material: EC private key (sha256:…)'],
      ['/spec/defaults/controlPlane/values/podLabels', 'a key of this map contains secret material: EC private key (sha256:…)'],
    ]);
    expectNotPrinted(JSON.stringify(diagnostics), key);
  });

  it('a kubeconfig with a token given as a sealed kubeconfig is refused (it would reach SealedSecret objects)', () => {
    const kubeconfig = SECRET_SAMPLES.find((s) => s.label === 'a kubeconfig token (YAML block)')!.text;
    for (const sealed of [kubeconfig, b64(kubeconfig)]) {
      const doc = fleetDocument((d) => (d.spec.credentials = { type: 'sealedSecret', sealedKubeconfigs: { 'a/b': sealed, 'b/a': 'AgBy8hCi' } }));
      const { diagnostics } = plan(doc);
      expect(diagnostics.map((d) => d.path)).toStrictEqual(['/spec/credentials/sealedKubeconfigs/a~1b']);
    }
  });

  it('a PGP private key block in the trust anchor is refused with its line', () => {
    const pgp = SECRET_SAMPLES.find((s) => s.kind === 'PGP private key block')!.text;
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-anchor-'));
    writeFileSync(join(dir, 'anchor.crt'), `# anchor\n${pgp}`);
    const doc = fleetDocument((d) => (d.spec.trust.anchor = { file: join(dir, 'anchor.crt') }));
    // The file is read at resolve time; the document itself holds no secret.
    expect(plan(doc).diagnostics.map((d) => [d.path, d.message.replace(/sha256:[0-9a-f]{8}/, 'sha256:…')])).toStrictEqual([
      ['/spec/trust/anchor/file', `the trust anchor contains secret material: PGP private key block at ${join(dir, 'anchor.crt')}:2 (sha256:…)`],
    ]);
  });
});

describe('render scans every file it would write, once, whatever the delivery', () => {
  it.each(engines)('values files, GitOps files and index.json (delivery %s)', (engine) => {
    // Past the input check (as a defect or a new code path would be): the scan of the files is the last line.
    const { fleet } = plan(documentFor(engine, () => {}));
    const token = SECRET_SAMPLES.find((s) => s.kind === 'JWT bearer token')!.text;
    const cluster = fleet!.clusters.find((c) => c.name === 'a')!;
    Object.assign(cluster, { controlPlane: { ...cluster.controlPlane, values: { podAnnotations: { note: b64(token) } } } });
    const rendered = renderFleet(fleet!, { charts: {} });
    const errors = rendered.diagnostics.filter((d) => d.severity === 'error');
    const files = errors.map((d) => d.message.split(':')[0]);
    expect(files).toContain('prod/a/values/linkerd-control-plane.yaml');
    if (engine === 'flux') expect(files.some((f) => f.startsWith('prod/gitops/flux/'))).toBe(true);
    expect(errors.every((d) => /^\S+:\d+: base64-encoded JWT bearer token \(sha256:[0-9a-f]{8}\) would be written to the output$/.test(d.message))).toBe(true);
    expect(errors.find((d) => d.message.startsWith('prod/a/values/'))!.path).toBe(cluster.path);
    expectNotPrinted(JSON.stringify(errors), token);
  });

  it.each(['0', '1'])('a GitOps part made with its cluster that would hold a secret is reported as a synth keeping every object reports it (workers: %s)', (workers) => {
    // The thread that renders a cluster makes its part of the GitOps files too (render-workers.ts
    // ThreadExtras); a part with a finding is made again on the main thread, in fleet order.
    vi.stubEnv('MESHFLEET_WORKERS', workers);
    const { fleet } = plan(documentFor('flux', () => {}));
    const token = SECRET_SAMPLES.find((s) => s.kind === 'JWT bearer token')!.text;
    const cluster = fleet!.clusters.find((c) => c.name === 'a')!;
    Object.assign(cluster, { controlPlane: { ...cluster.controlPlane, values: { podAnnotations: { note: b64(token) } } } });
    const slim = renderFleet(structuredClone(fleet!), { charts: {} }, {}, undefined, undefined, 'rollout');
    const full = renderFleet(structuredClone(fleet!), { charts: {} });
    expect(slim.diagnostics.some((d) => d.message.startsWith('prod/gitops/flux/steps/a/'))).toBe(true);
    expect(slim.diagnostics).toStrictEqual(full.diagnostics);
    expect(slim.files).toStrictEqual(full.files);
    vi.unstubAllEnvs();
  });

  it.each(['0', '1'])("index.json is scanned too, in a cluster's entry and around the entries (workers: %s)", (workers) => {
    // Each cluster's entry is scanned alone where it is made; the file itself only when one is not clean, or the rest is not (secret-scan.ts piecesClean).
    vi.stubEnv('MESHFLEET_WORKERS', workers);
    const key = 'AK' + 'IA' + 'QWERTYUIOPASDFGH';
    const indexErrors = (change: (fleet: NonNullable<ReturnType<typeof plan>['fleet']>) => void) => {
      const { fleet } = plan(fleetDocument());
      change(fleet!);
      return renderFleet(fleet!, { charts: {} }, {}, undefined, undefined, 'rollout')
        .diagnostics.filter((d) => d.message.startsWith('index.json:'))
        .map((d) => [d.path, d.message.replace(/sha256:[0-9a-f]{8}/, 'sha256:…')]);
    };
    const found = ['', expect.stringMatching(/^index\.json:\d+: AWS access key id \(sha256:…\) would be written to the output$/)];
    expect(indexErrors((fleet) => Object.assign(fleet.clusters.at(-1)!, { network: key }))).toContainEqual(found);
    expect(indexErrors((fleet) => Object.assign(fleet, { name: key }))).toContainEqual(found);
    expect(indexErrors(() => {})).toStrictEqual([]);
    vi.unstubAllEnvs();
  });

  it('a vendored Gateway API folder holding a Secret with a private key is refused, naming the file and line', () => {
    const folder = mkdtempSync(join(tmpdir(), 'meshfleet-vendor-secret-'));
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'gateway.networking.k8s.io_gatewayclasses.yaml'),
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  annotations:\n    gateway.networking.k8s.io/bundle-version: v1.5.1\n    gateway.networking.k8s.io/channel: experimental\n  name: gatewayclasses.gateway.networking.k8s.io\n',
    );
    const key = SECRET_SAMPLES.find((s) => s.kind === 'private key')!.text;
    writeFileSync(join(folder, 'zz-secret.yaml'), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\nstringData:\n  tls.key: |\n${key.replace(/^/gm, '    ')}`);
    const doc = fleetDocument((d) => (d.spec.defaults.gatewayAPI = { vendor: folder, version: '1.5.1', channel: 'experimental' }));
    const out = join(mkdtempSync(join(tmpdir(), 'meshfleet-vendor-out-')), 'charts-out');
    let error: FleetError | undefined;
    try {
      synthesize({ document: doc, baseDir: join(REPO, 'apps') }, { outdir: out });
    } catch (e) {
      error = e as FleetError;
    }
    expect(error).toBeInstanceOf(FleetError);
    const secrets = error!.diagnostics.filter((d) => d.message.includes('would be written'));
    expect(secrets.map((d) => [d.path, d.message.replace(/sha256:[0-9a-f]{8}/, 'sha256:…')])).toStrictEqual([
      ['/spec/clusters/0', 'prod/a/gateway-api/zz-secret.yaml:5: Secret stringData (sha256:…) would be written to the output'],
      ['/spec/clusters/0', 'prod/a/gateway-api/zz-secret.yaml:7: private key (sha256:…) would be written to the output'],
      ['/spec/clusters/1', 'prod/b/gateway-api/zz-secret.yaml:5: Secret stringData (sha256:…) would be written to the output'],
      ['/spec/clusters/1', 'prod/b/gateway-api/zz-secret.yaml:7: private key (sha256:…) would be written to the output'],
    ]);
    expect(secrets[0]!.fix).toMatch(/vendored Gateway API bundle/);
    expectNotPrinted(error!.message, key);
  });
});
