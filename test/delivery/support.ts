// Fleets with delivery settings, rendered in memory, and helpers to read the delivery objects back.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadInput } from '../../lib/cli/load-input.ts';
import { GATEWAY_API_REPOSITORY } from '../../lib/compat/gateway-api.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import type { GatewayAPISource } from '../../lib/constructs/delivery/components.ts';
import { renderDelivery } from '../../lib/rollout/gitops-files.ts';
import type { KubeObject } from '../../lib/model/kube-object.ts';
import { valuesFile } from '../../lib/output/values-file.ts';
import { toYaml } from '../../lib/output/yaml.ts';
import { renderFleet, type RenderedCluster } from '../../lib/synth/render.ts';
import { fleetDocument, plan, REPO } from '../support/fleet.ts';

type Json = Record<string, any>;

export const REPO_URL = 'https://git.example.com/platform/mesh.git';

/** dev (one cluster) and prod (a, b), delivered by `engine`, rollout dev → prod, charts-out under deploy/. */
export function deliveryDocument(engine: 'argocd' | 'flux', edit: (doc: Json) => void = () => {}): Json {
  return fleetDocument((doc) => {
    doc.spec.environments = { dev: {}, prod: {} };
    doc.spec.clusters.unshift({ name: 'd1', environment: 'dev', network: 'n0', podCIDR: '10.0.0.0/16', serviceCIDR: '10.100.0.0/16' });
    doc.spec.delivery = { engine, repo: { url: REPO_URL, path: 'deploy/charts-out' }, rollout: ['dev', 'prod'] };
    edit(doc);
  });
}

/** A cluster as the multicluster work renders it: linkerd-multicluster values, its namespace and a Link in mesh/. */
export function withMulticluster(r: RenderedCluster): RenderedCluster {
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'linkerd-multicluster', labels: { 'linkerd.io/extension': 'multicluster' } } };
  const link = { apiVersion: 'multicluster.linkerd.io/v1alpha3', kind: 'Link', metadata: { name: 'other', namespace: 'linkerd-multicluster' }, spec: { targetClusterName: 'other' } };
  const objectFiles = [...r.objectFiles, { name: 'multicluster-namespace.yaml', objects: [namespace] }, { name: 'links.yaml', objects: [link] }];
  return {
    ...r,
    objectFiles,
    objects: objectFiles.flatMap((f) => f.objects),
    upstreamValues: { ...r.upstreamValues, 'linkerd-multicluster': { linkerdNamespace: 'linkerd' } },
  };
}

/** Gateway API CRDs from the upstream repository, for every cluster. */
export const gatewayUpstream = (): GatewayAPISource => ({ kind: 'upstream', repoURL: GATEWAY_API_REPOSITORY, ref: 'v1.2.1', path: 'config/crd/standard' });

export interface RenderOptions {
  /** @default none: these tests look at the Linkerd and mesh components; test/synth covers the bundle */
  readonly gatewayAPI?: (r: RenderedCluster) => GatewayAPISource | undefined;
  /** Changes a cluster's rendered output before delivery is rendered (e.g. a multicluster part). */
  readonly alter?: (r: RenderedCluster) => RenderedCluster;
}

/** The whole output in memory, delivery files rendered again when `alter` changes the clusters. */
export function renderOutput(doc: unknown, options: RenderOptions = {}) {
  const { fleet, diagnostics } = plan(doc);
  if (!fleet) throw new Error(diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  const rendered = renderFleet(fleet, { charts: {} }, { gatewayAPI: options.gatewayAPI ?? (() => undefined) });
  const errors = rendered.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  if (!options.alter) return { fleet, files: rendered.files, delivery: renderDelivery(fleet, rendered.clusters, options), clusters: rendered.clusters };
  const clusters = rendered.clusters.map(options.alter);
  const delivery = renderDelivery(fleet, clusters, options);
  const files = new Map(rendered.files);
  // What the altered clusters add is written the way synth writes it.
  for (const r of clusters) {
    for (const file of r.objectFiles) {
      if (!files.has(`${r.folder}/manifests/${file.name}`)) files.set(`${r.folder}/manifests/${file.name}`, file.objects.map((o) => toYaml(o)).join('---\n'));
    }
    for (const [chart, values] of Object.entries(r.upstreamValues)) {
      if (!files.has(`${r.folder}/values/${chart}.yaml`)) files.set(`${r.folder}/values/${chart}.yaml`, valuesFile(chart, r.cluster.release.chartVersion, values));
    }
  }
  for (const [path, text] of delivery.files) files.set(path, text);
  return { fleet, files, delivery, clusters };
}

/** Objects of one YAML file. */
export function objectsOf(files: ReadonlyMap<string, string>, path: string): Json[] {
  const text = files.get(path);
  if (text === undefined) throw new Error(`no file ${path}; have ${[...files.keys()].filter((p) => p.includes('gitops')).join(', ')}`);
  return parseAllDocuments(text).map((d) => d.toJS() as Json);
}

/** Every delivery object, with the file it is in. */
export function deliveryObjects(files: ReadonlyMap<string, string>): { path: string; object: Json }[] {
  return [...files.keys()]
    .filter((p) => p.includes('gitops/') && !p.endsWith('kustomization.yaml'))
    .flatMap((path) => objectsOf(files, path).map((object) => ({ path, object })));
}

export function byName(objects: readonly Json[], kind: string): Map<string, Json> {
  return new Map(objects.filter((o) => o.kind === kind).map((o) => [o.metadata.name, o]));
}

export type { KubeObject };

let yamlExampleOutput: Promise<string> | undefined;

/**
 * The output of apps/fleet.yaml, synthesized once per test file. The committed charts-out/ comes from
 * apps/main.ts, which adds its applications' objects, so tests that edit the fleet file start from this.
 */
export function fleetFileOutputCopy(): Promise<string> {
  yamlExampleOutput ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'meshfleet-example-yaml-')), 'charts-out');
    synthesize(await loadInput(join(REPO, 'apps', 'fleet.yaml')), { outdir: out });
    return out;
  })();
  return yamlExampleOutput.then((source) => {
    const copy = join(mkdtempSync(join(tmpdir(), 'meshfleet-example-copy-')), 'charts-out');
    cpSync(source, copy, { recursive: true });
    return copy;
  });
}
