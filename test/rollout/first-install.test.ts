// GIVEN the example fleet WHEN its rollout is played from empty clusters THEN it converges; the
// layout meshfleet delivered before (PushSecrets and link credentials with the issuer) deadlocks on
// every cluster others link to, and synth refuses it.
import { beforeAll, describe, expect, it } from 'vitest';
import { deadlocks, rolloutDiagnostics } from '../../lib/rollout/check.ts';
import { factKey } from '../../lib/rollout/facts.ts';
import { simulate } from '../../lib/rollout/simulate.ts';
import type { RolloutModel } from '../../lib/rollout/steps.ts';
import { exampleDocument, REPO } from '../support/fleet.ts';
import { join } from 'node:path';
import { legacyPhaseOf, renderDocument, type RenderedFleet } from './support.ts';

const APPS = join(REPO, 'apps');
let today: RenderedFleet;
let legacy: RenderedFleet;

beforeAll(() => {
  today = renderDocument(exampleDocument(), APPS);
  legacy = renderDocument(exampleDocument(), APPS, { phaseOf: legacyPhaseOf });
}, 120_000);

const pathsOf = (model: RolloutModel) => new Map(model.clusters.map((c) => [c.name, c.path]));

describe('first install of the layout before the rollout model (defect 5)', () => {
  it('deadlocks every cluster with remote access: its PushSecret waits for a Secret of a later step', () => {
    const result = simulate(legacy.model, 'together');
    expect(result.converged).toBe(false);
    const mesh = result.outcomes.get('eu-1-mesh')!;
    expect(mesh.status).toBe('applied');
    expect(mesh.blockers).toContainEqual(
      expect.objectContaining({
        kind: 'ready',
        fact: { kind: 'secret', name: 'linkerd-multicluster/linkerd-service-mirror-remote-access-eu-2-token', cluster: 'eu-1' },
        providers: ['eu-1-linkerd-multicluster'],
      }),
    );
    expect(result.outcomes.get('eu-1-linkerd-control-plane')!.blockers).toStrictEqual([{ kind: 'gate', steps: ['eu-1-mesh'] }]);
    const messages = deadlocks(legacy.model, result, pathsOf(legacy.model)).map((d) => [d.path, d.message]);
    expect(messages.map(([, m]) => m.split(':')[0])).toStrictEqual(['first install of eu-1 never converges', 'first install of eu-2 never converges', 'first install of us-1 never converges', 'first install of us-2 never converges']);
    expect(messages[0][1]).toContain('PushSecret linkerd-multicluster/remote-access-eu-2 waits for Secret linkerd-multicluster/linkerd-service-mirror-remote-access-eu-2-token (provided by eu-1-linkerd-multicluster), but eu-1-linkerd-multicluster is applied only after eu-1-mesh is healthy');
  });

  it('is refused at synth: link credentials that wait for another cluster would hold the cluster own mesh', () => {
    const errors = legacy.rendered.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.path)).toStrictEqual(['/spec/clusters/2', '/spec/clusters/3', '/spec/clusters/4', '/spec/clusters/5']);
    expect(errors[0].message).toBe(
      "ExternalSecret linkerd-multicluster/cluster-credentials-eu-2 (prod/eu-1/mesh/templates/link-credentials.yaml) on eu-1 waits for store key linkerd-multicluster/eu-2/eu-1 from eu-2, and its step eu-1-mesh holds the rest of eu-1 (dependsOn eu-1-linkerd-crds; HelmRelease of chart mesh-eu-1 0.1.0): a cluster's own mesh would wait for another cluster",
    );
  });
});

describe('first install of the example fleet', () => {
  it('converges, and synth reports no rollout problem', () => {
    expect(today.rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    const result = simulate(today.model, 'together');
    expect(result.stuck).toStrictEqual([]);
    expect(result.converged).toBe(true);
  });

  it('delivers PushSecrets after linkerd-multicluster and link credentials in a step that holds nothing', () => {
    const components = today.rendered.delivery.components.get('eu-1')!;
    const byName = new Map(components.map((c) => [c.name, c]));
    expect(byName.get('mesh-links')).toMatchObject({ phase: 'links', files: ['links.yaml', 'remote-access.yaml'] });
    expect(byName.get('mesh-link-credentials')).toMatchObject({ phase: 'link-credentials', files: ['link-credentials.yaml'] });
    expect((byName.get('mesh') as unknown as { files: string[] }).files).not.toContain('remote-access.yaml');
    const steps = new Map(today.model.steps.map((s) => [s.id, s]));
    expect(steps.get('eu-1-mesh-link-credentials')).toMatchObject({ holds: false, gates: ['step:eu-1-linkerd-multicluster'] });
    // Nothing of eu-1 waits for it.
    expect(today.model.steps.filter((s) => s.gates.includes('step:eu-1-mesh-link-credentials'))).toStrictEqual([]);
    // The credentials of eu-1 wait for what eu-2 and us-1 push, and only they do.
    const peerWaits = today.model.steps.filter((s) => s.cluster === 'eu-1').flatMap((s) => s.units.flatMap((u) => u.waits.filter((w) => w.fact.kind === 'store-key' && w.fact.name.startsWith('linkerd-multicluster/')).map(() => s.id)));
    expect(new Set(peerWaits)).toStrictEqual(new Set(['eu-1-mesh-link-credentials']));
  });

  it('writes the Flux step of link credentials with wait: false and no step depending on it', () => {
    const file = today.rendered.files.get('prod/gitops/flux/clusters/eu-1.yaml')!;
    const docs = file.split('---\n');
    const credentials = docs.find((d) => d.includes('name: eu-1-mesh-link-credentials\n'))!;
    expect(credentials).toContain('wait: false');
    expect(credentials).toMatch(/dependsOn:\n {4}- name: eu-1-linkerd-multicluster\n/);
    expect(docs.filter((d) => d.includes('- name: eu-1-mesh-link-credentials'))).toStrictEqual([]);
  });

  it('creates every namespace an object lives in before the object is applied (defect 6: shop on staging-1)', () => {
    expect(today.rendered.files.get('staging/staging-1/routes/namespaces.yaml')).toContain('name: shop\n');
    const result = simulate(today.model, 'together');
    for (const step of today.model.steps) {
      for (const unit of step.units) {
        for (const wait of unit.waits.filter((w) => w.fact.kind === 'namespace')) {
          const providers = today.model.steps.filter((s) => s.cluster === step.cluster && (s.createsNamespace === wait.fact.name || s.units.some((u) => u.provides.some((p) => factKey(p.fact) === factKey(wait.fact)))));
          expect(providers.length, `${unit.id} on ${step.cluster}`).toBeGreaterThan(0);
          // Applied in the same step or one that completed earlier.
          const own = result.outcomes.get(step.id)!.sequence!;
          expect(providers.some((p) => p.id === step.id || result.outcomes.get(p.id)!.sequence! < own)).toBe(true);
        }
      }
    }
  });

  it('names who must create a namespace nothing delivers', () => {
    const model: RolloutModel = {
      ...today.model,
      steps: today.model.steps.map((s) => (s.id === 'staging-1-routes' ? { ...s, units: s.units.filter((u) => u.object?.kind !== 'Namespace') } : s)),
    };
    const [d] = rolloutDiagnostics(model, { peersPush: true });
    expect(d).toStrictEqual({
      code: 'MF7101',
      severity: 'error',
      path: '/spec/clusters/1',
      message: 'HTTPRoute shop/checkout (staging/staging-1/routes/routes.yaml) waits for namespace shop, which nothing delivered to staging-1 provides: it would never be applied or Ready',
      fix: 'create namespace shop on staging-1 before staging-1-routes is applied (declare it in the fleet, e.g. as an application namespace, or have your platform create it)',
    });
  });
});
