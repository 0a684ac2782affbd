// Flux delivery: sources, one Kustomization per component chained with dependsOn in the order of
// docs/reference/gitops-delivery.md, HelmReleases with the generated values, kubeConfig for remote clusters,
// environments in rollout order, and folders that kustomize really builds.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PHASES } from '../../lib/constructs/delivery/phases.ts';
import { validateObjects } from '../../lib/validate/index.ts';
import { runKubectl } from '../support/tools.ts';
import { byName, deliveryDocument, deliveryObjects, gatewayUpstream, objectsOf, renderOutput, REPO_URL, withMulticluster } from './support.ts';

type Json = Record<string, any>;
const PREFIX = './deploy/charts-out/';

function writeTree(files: ReadonlyMap<string, string>): string {
  const root = join(mkdtempSync(join(tmpdir(), 'meshfleet-flux-')), 'deploy', 'charts-out');
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('Flux delivery', () => {
  const { files } = renderOutput(deliveryDocument('flux'), { alter: withMulticluster, gatewayAPI: gatewayUpstream });
  const steps = byName(objectsOf(files, 'prod/gitops/flux/clusters/a.yaml'), 'Kustomization');
  const release = (chart: string) => objectsOf(files, `prod/gitops/flux/steps/a/${chart}/release.yaml`).find((o) => o.kind === 'HelmRelease')!;

  it('emits only objects that validate against the Flux CRDs', () => {
    const objects = deliveryObjects(files).map((o) => o.object);
    expect(new Set(objects.map((o) => o.kind))).toStrictEqual(new Set(['Kustomization', 'HelmRelease', 'GitRepository', 'HelmRepository']));
    expect(validateObjects(objects as never, {})).toStrictEqual([]);
  });

  it('chains a cluster\'s Kustomizations with dependsOn in the order of the phases', () => {
    expect([...steps.values()].map((k) => [k.metadata.name, (k.spec.dependsOn ?? []).map((d: Json) => d.name)])).toStrictEqual([
      ['a-gateway-api-crds', []],
      ['a-linkerd-crds', ['a-gateway-api-crds']],
      ['a-mesh', ['a-linkerd-crds']],
      ['a-linkerd-control-plane', ['a-mesh']],
      ['a-linkerd-multicluster', ['a-linkerd-control-plane']],
      ['a-mesh-links', ['a-linkerd-multicluster']],
    ]);
    for (const k of steps.values()) {
      for (const dep of k.spec.dependsOn ?? []) {
        const phase = (name: string) => PHASES.indexOf(steps.get(name)!.metadata.labels['meshfleet.dev/phase']);
        expect(phase(dep.name)).toBeLessThan(phase(k.metadata.name));
      }
    }
  });

  it('states the same order on the HelmReleases', () => {
    expect(['linkerd-crds', 'linkerd-control-plane', 'linkerd-multicluster'].map((c) => [release(c).metadata.name, release(c).spec.dependsOn])).toStrictEqual([
      ['a-linkerd-crds', undefined],
      ['a-linkerd-control-plane', [{ name: 'a-linkerd-crds' }]],
      ['a-linkerd-multicluster', [{ name: 'a-linkerd-control-plane' }]],
    ]);
  });

  it('never prunes CRDs, and leaves them in place when a step is deleted', () => {
    expect([...steps.values()].map((k) => [k.metadata.name, k.spec.prune, k.spec.deletionPolicy])).toStrictEqual([
      ['a-gateway-api-crds', false, 'Orphan'],
      ['a-linkerd-crds', false, 'Orphan'],
      ['a-mesh', true, undefined],
      ['a-linkerd-control-plane', true, undefined],
      ['a-linkerd-multicluster', false, 'Orphan'],
      ['a-mesh-links', true, undefined],
    ]);
  });

  it('reaches the remote cluster through kubeConfig: on applied manifests and on HelmReleases, not on the steps that apply HelmReleases', () => {
    const kubeConfig = { secretRef: { name: 'a-kubeconfig' } };
    expect([...steps.values()].map((k) => [k.metadata.name, k.spec.kubeConfig])).toStrictEqual([
      ['a-gateway-api-crds', kubeConfig],
      ['a-linkerd-crds', undefined],
      ['a-mesh', kubeConfig],
      ['a-linkerd-control-plane', undefined],
      ['a-linkerd-multicluster', undefined],
      ['a-mesh-links', kubeConfig],
    ]);
    expect(release('linkerd-control-plane').spec.kubeConfig).toStrictEqual(kubeConfig);
  });

  it('applies folders that exist: the cluster\'s manifests, a HelmRelease each, the mesh parts, the upstream Gateway API bundle', () => {
    expect([...steps.values()].map((k) => [k.spec.sourceRef.name, k.spec.path])).toStrictEqual([
      ['gateway-api-v1-2-1', './config/crd/standard'],
      ['meshfleet', `${PREFIX}prod/gitops/flux/steps/a/linkerd-crds`],
      ['meshfleet', `${PREFIX}prod/gitops/flux/steps/a/mesh`],
      ['meshfleet', `${PREFIX}prod/gitops/flux/steps/a/linkerd-control-plane`],
      ['meshfleet', `${PREFIX}prod/gitops/flux/steps/a/linkerd-multicluster`],
      ['meshfleet', `${PREFIX}prod/gitops/flux/steps/a/mesh-links`],
    ]);
    const plain = byName(objectsOf(renderOutput(deliveryDocument('flux')).files, 'prod/gitops/flux/clusters/a.yaml'), 'Kustomization');
    expect(plain.get('a-mesh')!.spec.path).toBe(`${PREFIX}prod/a/manifests`);
    for (const k of steps.values()) {
      if (k.spec.sourceRef.name !== 'meshfleet') continue;
      const folder = k.spec.path.slice(PREFIX.length);
      expect([...files.keys()].some((p) => p.startsWith(`${folder}/`))).toBe(true);
    }
  });

  it('applies vendored Gateway API CRDs from the cluster\'s output, server-side and never pruned', () => {
    const vendored = renderOutput(deliveryDocument('flux'), { gatewayAPI: (r) => ({ kind: 'vendored', path: `${r.folder}/gateway-api` }) }).files;
    const step = byName(objectsOf(vendored, 'prod/gitops/flux/clusters/a.yaml'), 'Kustomization').get('a-gateway-api-crds')!;
    expect([step.spec.sourceRef.name, step.spec.path, step.spec.prune]).toStrictEqual(['meshfleet', `${PREFIX}prod/a/gateway-api`, false]);
    expect(objectsOf(vendored, 'gitops/flux/sources.yaml').map((s) => s.metadata.name)).toStrictEqual(['meshfleet', 'linkerd']);
  });

  it('gives each HelmRelease the chart, the generated values and the drift rules', () => {
    const cp = release('linkerd-control-plane');
    expect(cp.spec.chart).toStrictEqual({ spec: { chart: 'linkerd-control-plane', version: '2026.6.3', sourceRef: { kind: 'HelmRepository', name: 'linkerd' }, interval: '10m' } });
    expect(cp.spec.values).toStrictEqual(parse(files.get('prod/a/values/linkerd-control-plane.yaml')!));
    expect(cp.metadata.annotations).toStrictEqual({ 'meshfleet.dev/values-file': 'deploy/charts-out/prod/a/values/linkerd-control-plane.yaml' });
    expect([cp.spec.releaseName, cp.spec.targetNamespace, cp.spec.storageNamespace, cp.spec.install.createNamespace]).toStrictEqual(['linkerd-control-plane', 'linkerd', 'linkerd', false]);
    // Helm keeps the release in the namespace, which the mesh (applied later) creates.
    expect(release('linkerd-crds').spec.install.createNamespace).toBe(true);
    expect(cp.spec.driftDetection).toStrictEqual({
      mode: 'enabled',
      ignore: [
        { paths: ['/webhooks/0/clientConfig/caBundle'], target: { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' } },
        { paths: ['/webhooks/0/clientConfig/caBundle'], target: { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' } },
      ],
    });
  });

  it('changes a step\'s spec when its content changes, so whoever waits for it waits for the new content', () => {
    const revisionOf = (f: ReadonlyMap<string, string>) => byName(objectsOf(f, 'prod/gitops/flux/clusters/a.yaml'), 'Kustomization').get('a-linkerd-control-plane')!.spec.commonMetadata.annotations['meshfleet.dev/revision'];
    const before = renderOutput(deliveryDocument('flux')).files;
    const same = renderOutput(deliveryDocument('flux')).files;
    const changed = renderOutput(deliveryDocument('flux', (doc) => (doc.spec.defaults.proxy = { logLevel: 'debug' }))).files;
    expect(revisionOf(same)).toBe(revisionOf(before));
    expect(revisionOf(changed)).not.toBe(revisionOf(before));
  });

  it('defines every source once, fleet-wide; an environment on its own revision gets its own GitRepository', () => {
    const sources = objectsOf(files, 'gitops/flux/sources.yaml');
    expect(sources.map((s) => [s.kind, s.metadata.name, s.spec.url, s.spec.ref])).toStrictEqual([
      ['GitRepository', 'meshfleet', REPO_URL, { branch: 'main' }],
      ['HelmRepository', 'linkerd', 'https://helm.linkerd.io/edge', undefined],
      ['GitRepository', 'gateway-api-v1-2-1', 'https://github.com/kubernetes-sigs/gateway-api', { tag: 'v1.2.1' }],
    ]);
    const own = renderOutput(deliveryDocument('flux', (doc) => (doc.spec.environments.prod = { delivery: { repo: { tag: 'prod' } } }))).files;
    expect(objectsOf(own, 'gitops/flux/sources.yaml').map((s) => [s.metadata.name, s.spec.ref])).toStrictEqual([
      ['meshfleet', { branch: 'main' }],
      ['linkerd', undefined],
      ['meshfleet-prod', { tag: 'prod' }],
    ]);
    expect(byName(objectsOf(own, 'prod/gitops/flux/clusters/a.yaml'), 'Kustomization').get('a-mesh')!.spec.sourceRef).toStrictEqual({ kind: 'GitRepository', name: 'meshfleet-prod' });
  });

  it('rolls environments out in order: each environment\'s Kustomization depends on the one before it', () => {
    expect(objectsOf(files, 'gitops/flux/environments.yaml').map((k) => [k.metadata.name, k.spec.path, k.spec.wait, k.spec.dependsOn])).toStrictEqual([
      ['test-dev', `${PREFIX}dev/gitops/flux`, true, undefined],
      ['test-prod', `${PREFIX}prod/gitops/flux`, true, [{ name: 'test-dev' }]],
    ]);
  });

  it('takes charts from an OCI registry through an OCIRepository per release', () => {
    const oci = renderOutput(deliveryDocument('flux', (doc) => (doc.spec.delivery.helmRepository = 'oci://ghcr.io/linkerd/charts'))).files;
    const [repository, helmRelease] = objectsOf(oci, 'prod/gitops/flux/steps/a/linkerd-control-plane/release.yaml');
    expect(repository.spec).toStrictEqual({
      url: 'oci://ghcr.io/linkerd/charts/linkerd-control-plane',
      ref: { tag: '2026.6.3' },
      interval: '10m',
      layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
    });
    expect([helmRelease.spec.chart, helmRelease.spec.chartRef]).toStrictEqual([undefined, { kind: 'OCIRepository', name: 'a-linkerd-control-plane' }]);
    expect(objectsOf(oci, 'gitops/flux/sources.yaml').map((s) => s.kind)).toStrictEqual(['GitRepository']);
    expect(validateObjects(deliveryObjects(oci).map((o) => o.object) as never, {})).toStrictEqual([]);
  });

  it('applies to the cluster Flux runs in when remote clusters are off', () => {
    const local = renderOutput(deliveryDocument('flux', (doc) => (doc.spec.environments.dev = { delivery: { flux: { remoteClusters: false } } }))).files;
    const objects = objectsOf(local, 'dev/gitops/flux/clusters/d1.yaml');
    expect(objects.map((k) => k.spec.kubeConfig)).toStrictEqual([undefined, undefined, undefined]);
  });

  it('writes folders kustomize builds: the fleet\'s, each environment\'s, and a part of the mesh', () => {
    const root = writeTree(files);
    const kinds = (path: string, ...flags: string[]) =>
      parseAllDocuments(runKubectl(['kustomize', ...flags, join(root, path)])).map((d) => `${d.get('kind')}/${(d.get('metadata') as any).get('name')}`).sort();
    expect(kinds('gitops/flux')).toStrictEqual(['GitRepository/gateway-api-v1-2-1', 'GitRepository/meshfleet', 'HelmRepository/linkerd', 'Kustomization/test-dev', 'Kustomization/test-prod']);
    expect(kinds('prod/gitops/flux').filter((k) => k.includes('-mesh'))).toStrictEqual(['Kustomization/a-mesh', 'Kustomization/a-mesh-links', 'Kustomization/b-mesh', 'Kustomization/b-mesh-links']);
    // Flux builds with files anywhere in the source; kubectl needs to be told.
    expect(kinds('prod/gitops/flux/steps/a/mesh-links', '--load-restrictor', 'LoadRestrictionsNone')).toStrictEqual(['Link/other']);
  });

  it('lists the files in index.json, with the Kustomization that applies each environment', () => {
    const index = JSON.parse(files.get('index.json')!);
    expect(index.gitops.files).toStrictEqual(['gitops/flux/sources.yaml', 'gitops/flux/environments.yaml', 'gitops/flux/kustomization.yaml']);
    expect(index.environments[0].gitops.entry).toBe('gitops/flux/environments.yaml');
  });
});
