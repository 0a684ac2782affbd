// GIVEN the day-2 settings (trust rotation, upgrades, repository credentials, Argo CD destination
// naming) WHEN written through the TypeScript API THEN the document is the one the YAML door takes,
// and it resolves alike.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { fleetInput } from '../../lib/cli/load-input.ts';
import { Delivery, Fleet, GitRepo, TrustAnchor } from '../../lib/index.ts';
import { planFleet } from '../../lib/synth/plan.ts';
import { ANCHOR_PEM, FIXTURES, REPO } from '../support/fleet.ts';

describe('day-2 settings through the TypeScript API', () => {
  it('reach the fleet document as the YAML door writes them', () => {
    const second = readFileSync(join(FIXTURES, 'second-anchor.crt'), 'utf8');
    const previous = new X509Certificate(ANCHOR_PEM).fingerprint256;
    const fleet = new Fleet(new App(), 'acme', {
      trustAnchor: TrustAnchor.fromPem(ANCHOR_PEM + second),
      trustRotation: { stage: 'reissue', previous },
      upgrades: { allowDowngrade: true },
      delivery: Delivery.argocd({ repo: GitRepo.url('https://git.example.com/mesh.git', { secretRef: { name: 'mesh-repo' } }), destination: 'server' }),
      defaults: { linkerd: '2.20', kubernetes: '1.33' },
    });
    fleet.addEnvironment('prod');
    fleet.addCluster('eu-1', { environment: 'prod', apiServer: 'https://eu-1.example:6443' });
    const { document } = fleetInput(fleet, REPO);
    const spec = (document as any).spec;
    expect(spec.trust.rotation).toStrictEqual({ stage: 'reissue', previous });
    expect(spec.upgrades).toStrictEqual({ allowDowngrade: true });
    expect(spec.delivery.repo.secretRef).toStrictEqual({ name: 'mesh-repo' });
    const plan = planFleet(document, { baseDir: REPO });
    expect(plan.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    expect(plan.fleet!.trust.rotation).toStrictEqual({ stage: 'reissue', previous, next: new X509Certificate(second).fingerprint256 });
    expect(plan.fleet!.upgrades.allowDowngrade).toBe(true);
    expect(plan.fleet!.delivery.clusters.get('eu-1')!.argocd.destination).toStrictEqual({ server: 'https://eu-1.example:6443' });
  });
});
