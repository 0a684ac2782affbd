// A small Gateway API bundle folder for the plain suite's vendoring tests: one CRD file per kind the
// compat table says the bundle serves, named and annotated as upstream names and annotates them
// (config/crd/<channel>/gateway.networking.k8s.io_<plural>.yaml). The schemas are left open; vendoring
// copies files and reads their annotations. test/upstream/ vendors the real bundles.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_API_BUNDLES, GATEWAY_API_GROUP } from '../../lib/compat/gateway-api.ts';
import type { GatewayAPIChannel } from '../../lib/model/gateway-api-settings.ts';
import { toYaml } from '../../lib/output/yaml.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { fleetDocument, REPO } from './fleet.ts';
import { readTree } from './tree.ts';

const plural = (kind: string) => {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return lower.endsWith('s') ? `${lower}es` : `${lower}s`;
};

/** Writes the bundle into a new temporary folder and returns the folder. */
export function writeGatewayApiBundle(version: string, channel: GatewayAPIChannel): string {
  const bundle = GATEWAY_API_BUNDLES.find((b) => b.version === version);
  if (!bundle) throw new Error(`no Gateway API bundle ${version} in the compat table`);
  const folder = join(mkdtempSync(join(tmpdir(), 'meshfleet-gateway-api-')), `v${version}`, channel);
  mkdirSync(folder, { recursive: true });
  for (const [kind, versions] of Object.entries(bundle.serves[channel])) {
    const name = `${plural(kind)}.${GATEWAY_API_GROUP}`;
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        annotations: { 'gateway.networking.k8s.io/bundle-version': `v${version}`, 'gateway.networking.k8s.io/channel': channel },
        name,
      },
      spec: {
        group: GATEWAY_API_GROUP,
        names: { kind, listKind: `${kind}List`, plural: plural(kind), singular: kind.toLowerCase() },
        scope: kind === 'GatewayClass' ? 'Cluster' : 'Namespaced',
        versions: versions.map((v, i) => ({
          name: v,
          served: true,
          storage: i === 0,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        })),
      },
    };
    writeFileSync(join(folder, `${GATEWAY_API_GROUP}_${plural(kind)}.yaml`), `---\n${toYaml(crd)}`);
  }
  return folder;
}

/** Synthesizes the test fleet with a v1.5.1 experimental bundle vendored from folder (and a TCPRoute); returns the output folder. */
export function synthVendored(folder: string): string {
  const out = join(mkdtempSync(join(tmpdir(), 'meshfleet-vendor-')), 'charts-out');
  const doc = fleetDocument((d) => {
    d.spec.defaults.gatewayAPI = { vendor: folder, version: '1.5.1', channel: 'experimental' };
    d.spec.routes = [{ kind: 'TCPRoute', name: 'ledger', namespace: 'shop', clusters: ['a'], service: { name: 'ledger', port: 7000 } }];
  });
  synthesize({ document: doc, baseDir: join(REPO, 'apps') }, { outdir: out });
  return out;
}

/**
 * What vendoring must do with the bundle in folder, whatever bundle it is: every file copied byte for
 * byte into each cluster's gateway-api/ with a kustomization, outside the mesh chart, and named in
 * index.json. Returns the copied tree for further checks.
 */
export function expectVendoredOutput(out: string, folder: string): Record<string, string> {
  const tree = readTree(out);
  const copied = Object.keys(tree).filter((p) => p.startsWith('prod/a/gateway-api/')).map((p) => p.slice('prod/a/gateway-api/'.length));
  const upstream = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));
  expect(copied.sort()).toStrictEqual([...upstream, 'kustomization.yaml'].sort());
  for (const name of upstream) expect(tree[`prod/a/gateway-api/${name}`]).toBe(readFileSync(join(folder, name), 'utf8'));
  // Vendoring applies to every cluster that inherits it.
  expect(Object.keys(tree).some((p) => p.startsWith('prod/b/gateway-api/'))).toBe(true);
  // Not part of the mesh chart: the CRDs are applied ahead of linkerd-crds.
  expect(Object.keys(tree).filter((p) => p.startsWith('prod/a/mesh/') && p.includes('gateway.networking'))).toStrictEqual([]);
  const index = JSON.parse(tree['index.json']).environments[0].clusters[0];
  expect(index.gatewayAPI).toStrictEqual({ mode: 'managed', version: '1.5.1', channel: 'experimental', source: { kind: 'vendored', path: 'prod/a/gateway-api' }, serverSideApply: true, prune: false });
  return tree;
}
