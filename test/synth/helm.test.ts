// Real tools, not mocks: helm lint --strict and helm template on every generated chart (the rendered
// objects must equal the plain manifests), kubectl kustomize on every manifests folder.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadInput } from '../../lib/cli/load-input.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { REPO } from '../support/fleet.ts';
import { runHelm, runKubectl } from '../support/tools.ts';

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);
const byKey = (objects: any[]) =>
  Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));

describe('generated charts with the real helm and kustomize', () => {
  let out: string;
  let clusters: string[];
  beforeAll(async () => {
    out = join(mkdtempSync(join(tmpdir(), 'meshfleet-helm-')), 'charts-out');
    const input = await loadInput(join(REPO, 'apps', 'fleet.yaml'));
    // A value with {{ must survive helm template unchanged.
    const doc = structuredClone(input.document) as any;
    doc.spec.trust.issuer.remoteKey = 'linkerd/{{ .Values.anchor }}/trust-anchor';
    synthesize({ ...input, document: doc }, { outdir: out });
    clusters = readdirSync(out, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      // gitops/ folders hold delivery files (test/delivery/), not clusters.
      .filter((e) => e.name !== 'gitops')
      .flatMap((env) => readdirSync(join(out, env.name)).filter((c) => c !== 'gitops').map((c) => `${env.name}/${c}`));
    expect(clusters).toHaveLength(6);
  });

  it('helm lint --strict passes for every mesh chart', () => {
    for (const c of clusters) {
      const result = runHelm(['lint', '--strict', join(out, c, 'mesh')]);
      expect(result).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  it('helm template reproduces the manifests exactly, {{ included', () => {
    for (const c of clusters) {
      const rendered = docs(runHelm(['template', 'mesh', join(out, c, 'mesh'), '--namespace', 'linkerd']));
      const manifests = docs(runKubectl(['kustomize', join(out, c, 'manifests')]));
      expect(byKey(rendered)).toStrictEqual(byKey(manifests));
      const ext = rendered.find((o: any) => o.kind === 'ExternalSecret');
      expect(ext.spec.data[0].remoteRef.key).toBe('linkerd/{{ .Values.anchor }}/trust-anchor');
    }
  });

  it('kubectl kustomize builds every manifests folder', () => {
    for (const c of clusters) {
      const objects = docs(runKubectl(['kustomize', join(out, c, 'manifests')]));
      expect(objects.length).toBeGreaterThanOrEqual(10);
      expect(objects.filter((o: any) => o.kind === 'Namespace').map((o: any) => o.metadata.name)[0]).toBe('linkerd');
    }
  });
});
