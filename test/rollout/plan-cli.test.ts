// `meshfleet plan` on the example: the steps of each cluster in completion order with their waits,
// as JSON and as text, against the committed output folder (no change: nothing to upgrade).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../support/cli.ts';
import { REPO } from '../support/fleet.ts';

describe('meshfleet plan', () => {
  let json: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    json = await run('plan', join(REPO, 'apps', 'main.ts'), '--json', '--out', join(REPO, 'charts-out'));
  }, 180_000);

  it('converges for the example, in every rotation of the clusters, and from the committed output', () => {
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout).result;
    expect(report.firstInstall.converged).toBe(true);
    expect(report.orders).toStrictEqual({ checked: 6, heldByWait: [], heldByGate: ['staging-1 waits for dev-1'] });
    expect(report.upgrade).toMatchObject({ converged: true, changedSteps: [], removedClusters: [], addedClusters: [] });
  });

  it('lists eu-1 in completion order, link credentials after the multicluster chart and holding nothing', () => {
    const eu1 = JSON.parse(json.stdout).result.firstInstall.clusters.find((c: { name: string }) => c.name === 'eu-1');
    expect(eu1.engine).toBe('flux');
    expect(eu1.steps.map((s: { component: string }) => s.component)).toStrictEqual([
      'gateway-api-crds', 'linkerd-crds', 'mesh', 'linkerd-control-plane', 'linkerd-multicluster', 'mesh-links', 'mesh-routes', 'routes', 'mesh-link-credentials',
    ]);
    const credentials = eu1.steps.at(-1);
    // prod takes the mesh chart from Git: the step applies a HelmRelease that does not wait either.
    expect(credentials).toMatchObject({ holds: false, order: 'dependsOn eu-1-linkerd-multicluster; wait: false, nothing dependsOn it; HelmRelease of chart mesh-eu-1 0.1.1 (disableWait)' });
    expect(credentials.waits.map((w: { text: string }) => w.text)).toContain('store key linkerd-multicluster/eu-2/eu-1 (eu-2-mesh-links)');
    const controlPlane = eu1.steps.find((s: { component: string }) => s.component === 'linkerd-control-plane');
    expect(controlPlane.waits.map((w: { text: string }) => w.text)).toContain('Secret linkerd/linkerd-identity-issuer (eu-1-mesh)');
  });

  it('prints the same as text, and reports no previous output in an empty folder', async () => {
    const text = await run('plan', join(REPO, 'apps', 'main.ts'), '--out', mkdtempSync(join(tmpdir(), 'meshfleet-plan-')));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('first install from empty clusters: 6 cluster(s), 45 steps: converges\n');
    expect(text.stdout).toContain('   9. eu-1-mesh-link-credentials  [dependsOn eu-1-linkerd-multicluster; wait: false, nothing dependsOn it; HelmRelease of chart mesh-eu-1 0.1.0 (disableWait)]\n        waits for namespace linkerd-multicluster (eu-1-mesh)\n');
    expect(text.stdout).not.toContain('upgrade from the previous output');
  }, 180_000);

  it('exits 2 on a wrong command line', async () => {
    expect((await run('plan', '--nope')).code).toBe(2);
  });
});
