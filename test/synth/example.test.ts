// The example fleet end to end: layout, index.json, byte-identical reruns, snapshots per cluster.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadInput } from '../../lib/cli/load-input.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { REPO } from '../support/fleet.ts';
import { readTree } from '../support/tree.ts';

describe('example fleet', () => {
  let out: string;
  let tree: Record<string, string>;
  beforeAll(async () => {
    out = join(mkdtempSync(join(tmpdir(), 'meshfleet-example-')), 'charts-out');
    synthesize(await loadInput(join(REPO, 'apps', 'fleet.yaml')), { outdir: out });
    tree = readTree(out);
  });

  it('writes values, a chart and manifests per environment and cluster', () => {
    const clusters = ['dev/dev-1', 'staging/staging-1', 'prod/eu-1', 'prod/eu-2', 'prod/us-1', 'prod/us-2'];
    for (const c of clusters) {
      expect(tree[`${c}/values/linkerd-crds.yaml`]).toContain('installGatewayAPI: false');
      expect(tree[`${c}/values/linkerd-control-plane.yaml`]).toContain('scheme: kubernetes.io/tls');
      expect(tree[`${c}/mesh/Chart.yaml`]).toMatch(new RegExp(`^name: mesh-${c.split('/')[1]}$`, 'm'));
      expect(tree[`${c}/mesh/values.yaml`]).toBeDefined();
      expect(tree[`${c}/manifests/kustomization.yaml`]).toContain('linkerd-namespace.yaml');
      // The chart's templates and the plain manifests hold the same objects.
      const templates = Object.keys(tree).filter((p) => p.startsWith(`${c}/mesh/templates/`)).map((p) => p.split('/').pop());
      const manifests = Object.keys(tree).filter((p) => p.startsWith(`${c}/manifests/`) && !p.endsWith('kustomization.yaml')).map((p) => p.split('/').pop());
      expect(templates).toStrictEqual(manifests);
    }
    expect(Object.keys(tree).filter((p) => !p.includes('/'))).toStrictEqual(['.meshfleet-output', 'index.json', 'versions.lock.json']);
  });

  it('sets appVersion to the Linkerd version and a semver version', () => {
    expect(tree['prod/us-1/mesh/Chart.yaml']).toMatch(/^appVersion: "2.18"$/m);
    expect(tree['dev/dev-1/mesh/Chart.yaml']).toMatch(/^appVersion: edge-26.8.3$/m);
    expect(parse(tree['prod/eu-1/mesh/Chart.yaml']).version).toBe('0.1.0');
  });

  it('lists every environment and cluster in index.json with chart versions and paths that exist', () => {
    const index = JSON.parse(tree['index.json']);
    expect(index.environments.map((e: any) => [e.name, e.clusters.map((c: any) => c.name)])).toStrictEqual([
      ['dev', ['dev-1']],
      ['staging', ['staging-1']],
      ['prod', ['eu-1', 'eu-2', 'us-1', 'us-2']],
    ]);
    const us1 = index.environments[2].clusters[2];
    expect(us1.linkerd).toBe('2.18');
    expect(us1.upstreamCharts['linkerd-control-plane']).toStrictEqual({
      repository: 'https://helm.linkerd.io/edge',
      chart: 'linkerd-control-plane',
      version: '2025.4.4',
      values: 'prod/us-1/values/linkerd-control-plane.yaml',
    });
    expect(index.environments[0].clusters[0].upstreamCharts['linkerd-crds'].version).toBe('2026.8.3');
    for (const env of index.environments) {
      for (const c of env.clusters) {
        for (const chart of Object.values<any>(c.upstreamCharts)) expect(tree[chart.values]).toBeDefined();
        expect(parse(tree[`${c.mesh.chart}/Chart.yaml`]).version).toBe(c.mesh.version);
        expect(tree[`${c.manifests}/kustomization.yaml`]).toBeDefined();
      }
    }
  });

  it('gives byte-identical files on a second run, and keeps chart versions', async () => {
    synthesize(await loadInput(join(REPO, 'apps', 'fleet.yaml')), { outdir: out });
    expect(readTree(out)).toStrictEqual(tree);
  });

  it('leaves the committed charts-out/ of the example unchanged (npm run synth keeps it current)', async () => {
    // Synthesize over a copy, so the committed version lock applies as it does for `npm run synth`.
    // apps/main.ts is the source: it adds the applications' own objects (app-*.yaml) to the fleet file's.
    const copy = join(mkdtempSync(join(tmpdir(), 'meshfleet-committed-')), 'charts-out');
    cpSync(join(REPO, 'charts-out'), copy, { recursive: true });
    synthesize(await loadInput(join(REPO, 'apps', 'main.ts')), { outdir: copy });
    expect(readTree(copy)).toStrictEqual(readTree(join(REPO, 'charts-out')));
  });

  it.each(['dev/dev-1', 'staging/staging-1', 'prod/eu-1', 'prod/eu-2', 'prod/us-1', 'prod/us-2'])('snapshot of %s', (cluster) => {
    const files = Object.fromEntries(Object.entries(tree).filter(([p]) => p.startsWith(cluster + '/')));
    expect(files).toMatchSnapshot();
  });
});

describe('chart versions follow content', () => {
  it('bumps only the chart whose content changed, patch for content and minor for Linkerd', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'meshfleet-versions-')), 'charts-out');
    const input = await loadInput(join(REPO, 'apps', 'fleet.yaml'));
    synthesize(input, { outdir: out });
    const doc = structuredClone(input.document) as any;
    doc.spec.clusters[2].cni = true; // eu-1: namespace label changes
    doc.spec.clusters[4].linkerd = '2.19'; // us-1: Linkerd upgrade, one release (a larger step or skew is refused)
    synthesize({ ...input, document: doc }, { outdir: out });
    const lock = JSON.parse(readFileSync(join(out, 'versions.lock.json'), 'utf8')).charts;
    expect(Object.fromEntries(Object.entries<any>(lock).map(([k, v]) => [k, v.version]))).toStrictEqual({
      'dev/dev-1/mesh': '0.1.0',
      'prod/eu-1/mesh': '0.1.1',
      'prod/eu-2/mesh': '0.1.0',
      'prod/us-1/mesh': '0.2.0',
      'prod/us-2/mesh': '0.1.0',
      'staging/staging-1/mesh': '0.1.0',
    });
  });
});
