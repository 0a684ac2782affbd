// The example fleet's committed GitOps files: valid, pointing at files that exist in charts-out/,
// listed in index.json, and (for breadth) as snapshots.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateObjects } from '../../lib/validate/index.ts';
import { REPO } from '../support/fleet.ts';
import { readTree } from '../support/tree.ts';
import { deliveryObjects } from './support.ts';

type Json = Record<string, any>;

describe('example fleet delivery (committed charts-out/)', () => {
  const out = join(REPO, 'charts-out');
  const tree = readTree(out);
  const files = new Map(Object.entries(tree));
  const objects = deliveryObjects(files);
  const index = JSON.parse(tree['index.json']);

  it('delivers dev and staging with Argo CD and prod with Flux, every object valid', () => {
    expect(index.environments.map((e: Json) => [e.name, e.gitops.engine, e.gitops.entry])).toStrictEqual([
      ['dev', 'argocd', 'dev/gitops/argocd/root.yaml'],
      ['staging', 'argocd', 'staging/gitops/argocd/root.yaml'],
      ['prod', 'flux', 'gitops/flux/environments.yaml'],
    ]);
    expect(validateObjects(objects.map((o) => o.object) as never, {})).toStrictEqual([]);
  });

  it('points every path at something committed: $values files, charts, folders Flux applies, index entries', () => {
    const prefix = 'charts-out/';
    for (const { object } of objects) {
      const sources = object.kind === 'Application' ? (object.spec.sources ?? [object.spec.source]) : [];
      for (const source of sources) {
        for (const valueFile of source.helm?.valueFiles ?? []) expect(existsSync(join(out, valueFile.replace(`$values/${prefix}`, '')))).toBe(true);
        if (source.path && source.repoURL === 'https://git.acme.example/platform/mesh.git') expect(existsSync(join(out, source.path.slice(prefix.length)))).toBe(true);
      }
      // (the Gateway API bundle's Kustomizations read the upstream repository, not charts-out/)
      if (object.kind === 'Kustomization' && object.spec.sourceRef.kind === 'GitRepository' && object.spec.sourceRef.name.startsWith('meshfleet')) {
        expect(existsSync(join(out, object.spec.path.slice(`./${prefix}`.length)))).toBe(true);
      }
    }
    const listed = [...index.gitops.files, ...index.environments.flatMap((e: Json) => [e.gitops.entry, ...e.gitops.files])];
    for (const path of listed) expect(tree[path]).toBeDefined();
    expect(Object.keys(tree).filter((p) => p.includes('gitops/')).sort()).toStrictEqual([...new Set(listed)].sort());
  });

  it('orders staging after dev: its root is in the next wave of the fleet root', () => {
    const waves = ['dev', 'staging'].map((env) => objects.find((o) => o.path === `${env}/gitops/argocd/root.yaml`)!.object.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(waves).toStrictEqual(['0', '1']);
  });

  it('snapshot of the GitOps files', () => {
    expect(Object.fromEntries(Object.entries(tree).filter(([p]) => p.includes('gitops/')))).toMatchSnapshot();
  });
});
