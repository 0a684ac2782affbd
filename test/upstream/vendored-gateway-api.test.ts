// A real upstream Gateway API bundle vendored: copied byte for byte into each cluster's output and
// built by the real kustomize (the plain suite vendors a small generated bundle).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runKubectl } from '../support/tools.ts';
import { expectVendoredOutput, synthVendored } from '../support/gateway-api-bundle.ts';
import { upstreamPath } from '../support/upstream.ts';

describe('a vendored bundle', () => {
  const folder = upstreamPath('crds', 'gateway-api', 'v1.5.1', 'experimental');

  it('is copied byte for byte into each cluster\'s gateway-api/ folder, with a kustomization, and named in index.json', () => {
    const upstream = [
      'gateway.networking.k8s.io_backendtlspolicies.yaml',
      'gateway.networking.k8s.io_gatewayclasses.yaml',
      'gateway.networking.k8s.io_gateways.yaml',
      'gateway.networking.k8s.io_grpcroutes.yaml',
      'gateway.networking.k8s.io_httproutes.yaml',
      'gateway.networking.k8s.io_listenersets.yaml',
      'gateway.networking.k8s.io_referencegrants.yaml',
      'gateway.networking.k8s.io_tcproutes.yaml',
      'gateway.networking.k8s.io_tlsroutes.yaml',
      'gateway.networking.k8s.io_udproutes.yaml',
      'gateway.networking.k8s.io_vap_safeupgrades.yaml',
      'gateway.networking.x-k8s.io_xbackendtrafficpolicies.yaml',
      'gateway.networking.x-k8s.io_xmeshes.yaml',
    ];
    // The real bundle: the safe-upgrades policy and the x-k8s.io kinds come along.
    expect(readdirSync(folder).sort()).toStrictEqual([...upstream].sort());
    expectVendoredOutput(synthVendored(folder), folder);
  });

  it('builds with kubectl kustomize into the bundle\'s objects, protected from pruning and applied server-side', () => {
    const out = synthVendored(folder);
    const objects = parseAllDocuments(runKubectl(['kustomize', join(out, 'prod', 'a', 'gateway-api')])).map((d) => d.toJS());
    const kinds = objects.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'CustomResourceDefinition')).toHaveLength(12);
    expect(kinds).toContain('ValidatingAdmissionPolicy');
    for (const o of objects) {
      expect(o.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false,ServerSideApply=true');
      expect(o.metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    }
    const httproutes = objects.find((o) => o.metadata.name === 'httproutes.gateway.networking.k8s.io');
    expect(httproutes.metadata.annotations['gateway.networking.k8s.io/bundle-version']).toBe('v1.5.1');
  });
});
