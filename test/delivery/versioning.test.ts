// Mesh chart versions follow content (versions.lock.json), with a major the user sets: unchanged
// input keeps versions and bytes, one changed cluster bumps one chart, the lock is deterministic.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../lib/cli/load-input.ts';
import { readOutputTree } from '../../lib/output/diff.ts';
import { diffTrees } from '../support/tree.ts';
import { nextVersion } from '../../lib/output/versioning.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { REPO } from '../support/fleet.ts';
import { fleetFileOutputCopy } from './support.ts';

type Json = Record<string, any>;

/** A copy of the fleet file's output, so its lock applies. */
const committedCopy = fleetFileOutputCopy;

async function example(edit: (doc: Json) => void = () => {}) {
  const input = await loadInput(join(REPO, 'apps', 'fleet.yaml'));
  const document = structuredClone(input.document) as Json;
  edit(document);
  return { ...input, document };
}

const versions = (out: string) => Object.fromEntries(Object.entries<Json>(JSON.parse(readFileSync(join(out, 'versions.lock.json'), 'utf8')).charts).map(([k, v]) => [k, v.version]));

describe('chart versions', () => {
  it('stay, with every byte, when the input does not change', async () => {
    const out = await committedCopy();
    const before = readOutputTree(out);
    synthesize(await example(), { outdir: out });
    expect(diffTrees(before, readOutputTree(out))).toStrictEqual([]);
  });

  it('bump exactly one chart, by a patch, when one cluster changes; its delivery files follow', async () => {
    const out = await committedCopy();
    const before = readOutputTree(out);
    synthesize(await example((doc) => (doc.spec.clusters[4].cni = true)), { outdir: out });
    expect(versions(out)).toStrictEqual({ 'dev/dev-1/mesh': '0.1.0', 'prod/eu-1/mesh': '0.1.0', 'prod/eu-2/mesh': '0.1.0', 'prod/us-1/mesh': '0.1.1', 'prod/us-2/mesh': '0.1.0', 'staging/staging-1/mesh': '0.1.0' });
    expect(diffTrees(before, readOutputTree(out)).map((c) => `${c.kind} ${c.path}`)).toStrictEqual([
      'changed index.json',
      // The HelmRelease carries the values; the steps' revision annotations follow values and chart version.
      'changed prod/gitops/flux/clusters/us-1.yaml',
      'changed prod/gitops/flux/steps/us-1/linkerd-control-plane/release.yaml',
      // prod takes the mesh chart from Git: each part's HelmRelease names the chart version it installs.
      'changed prod/gitops/flux/steps/us-1/mesh-link-credentials/release.yaml',
      'changed prod/gitops/flux/steps/us-1/mesh-links/release.yaml',
      'changed prod/gitops/flux/steps/us-1/mesh/release.yaml',
      'changed prod/us-1/manifests/linkerd-namespace.yaml',
      'changed prod/us-1/manifests/multicluster-namespace.yaml',
      'changed prod/us-1/mesh/Chart.yaml',
      'changed prod/us-1/mesh/templates/linkerd-namespace.yaml',
      'changed prod/us-1/mesh/templates/multicluster-namespace.yaml',
      'changed prod/us-1/values/linkerd-control-plane.yaml',
      'changed versions.lock.json',
    ]);
  });

  it('are recorded in a lock that is deterministic, whatever the order clusters are declared in', async () => {
    const a = join(mkdtempSync(join(tmpdir(), 'meshfleet-lock-')), 'charts-out');
    const b = join(mkdtempSync(join(tmpdir(), 'meshfleet-lock-')), 'charts-out');
    synthesize(await example(), { outdir: a });
    synthesize(await example((doc) => doc.spec.clusters.reverse()), { outdir: b });
    expect(readFileSync(join(b, 'versions.lock.json'), 'utf8')).toBe(readFileSync(join(a, 'versions.lock.json'), 'utf8'));
  });

  it('start again at <major>.0.0 when the user raises the major, and never go down', async () => {
    const out = await committedCopy();
    synthesize(await example((doc) => (doc.spec.environments.prod.delivery.chartMajor = 2)), { outdir: out });
    expect(versions(out)).toStrictEqual({ 'dev/dev-1/mesh': '0.1.0', 'prod/eu-1/mesh': '2.0.0', 'prod/eu-2/mesh': '2.0.0', 'prod/us-1/mesh': '2.0.0', 'prod/us-2/mesh': '2.0.0', 'staging/staging-1/mesh': '0.1.0' });
    expect(readFileSync(join(out, 'prod', 'eu-1', 'mesh', 'Chart.yaml'), 'utf8')).toMatch(/^version: "2\.0\.0"$/m);

    const lowered = synthesize(await example((doc) => (doc.spec.clusters[2].cni = true)), { outdir: out });
    expect(versions(out)['prod/eu-1/mesh']).toBe('2.0.1');
    expect(lowered.diagnostics.filter((d) => d.path.startsWith('/spec/delivery')).map((d) => [d.severity, d.path, d.message])).toStrictEqual([
      ['warning', '/spec/delivery', 'mesh charts of environment prod are at major 2 in versions.lock.json, above chartMajor 0; versions never go down, so 2 stays'],
    ]);
  });

  it('follow the documented rules', () => {
    const locked = { version: '1.4.2', hash: 'h', linkerd: '2.19' };
    expect([
      nextVersion(undefined, 'h', '2.19'),
      nextVersion(undefined, 'h', '2.19', 3),
      nextVersion(locked, 'h', '2.19'),
      nextVersion(locked, 'other', '2.19'),
      nextVersion(locked, 'other', '2.20'),
      nextVersion(locked, 'h', '2.19', 2),
      nextVersion(locked, 'other', '2.19', 0),
      nextVersion({ ...locked, version: 'garbage' }, 'h', '2.19'),
    ]).toStrictEqual(['0.1.0', '3.0.0', '1.4.2', '1.4.3', '1.5.0', '2.0.0', '1.4.3', '0.1.0']);
  });
});
