// The two front doors, TypeScript constructs and fleet.yaml, produce the same model.
import { App } from 'cdk8s';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import exampleFleet from '../apps/main.ts';
import { fleetInput, loadInput } from '../lib/cli/load-input.ts';
import { Backend, Fleet, HttpRoute, TrustAnchor } from '../lib/index.ts';
import { FleetError } from '../lib/model/diagnostics.ts';
import { planFleet } from '../lib/synth/plan.ts';
import { synthesize } from '../lib/synth/synthesize.ts';
import { ANCHOR_PEM, REPO } from './support/fleet.ts';
import { placed, sourceLine } from './support/source-line.ts';

describe('front doors', () => {
  it('apps/main.ts and apps/fleet.yaml resolve to the same fleet', async () => {
    const fromYaml = await loadInput(join(REPO, 'apps', 'fleet.yaml'));
    const fromTs = fleetInput(exampleFleet, REPO);
    // The anchor file is named relative to each door's base folder; everything else is identical.
    const { anchor: yamlAnchor, ...yamlTrust } = (fromYaml.document as any).spec.trust;
    const { anchor: tsAnchor, ...tsTrust } = (fromTs.document as any).spec.trust;
    expect(join(fromYaml.baseDir, yamlAnchor.file)).toBe(join(fromTs.baseDir, tsAnchor.file));
    expect({ ...(fromTs.document as any), spec: { ...(fromTs.document as any).spec, trust: tsTrust } }).toStrictEqual({
      ...(fromYaml.document as any),
      spec: { ...(fromYaml.document as any).spec, trust: yamlTrust },
    });
    const yamlPlan = planFleet(fromYaml.document, { baseDir: fromYaml.baseDir });
    const tsPlan = planFleet(fromTs.document, { baseDir: fromTs.baseDir });
    // The example warns about callers behind gateways (see test/policy) and about us-1 taking its
    // Gateway API CRDs over from Linkerd 2.18, alike from both doors; no errors.
    expect(tsPlan.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    expect(tsPlan.diagnostics.filter((d) => d.path.startsWith('/spec/clusters/4/gatewayAPI')).map((d) => [d.severity, d.path])).toStrictEqual([
      ['warning', '/spec/clusters/4/gatewayAPI/current'],
      ['warning', '/spec/clusters/4/gatewayAPI/mode'],
    ]);
    expect(tsPlan.diagnostics).toStrictEqual(yamlPlan.diagnostics);
    expect(tsPlan.fleet!.links).toStrictEqual(yamlPlan.fleet!.links);
    expect(tsPlan.fleet!.federatedServices).toStrictEqual(yamlPlan.fleet!.federatedServices);
    expect(tsPlan.fleet!.clusters.map(({ settings, ...c }) => c)).toStrictEqual(yamlPlan.fleet!.clusters.map(({ settings, ...c }) => c));
    expect(tsPlan.fleet!.policy).toStrictEqual(yamlPlan.fleet!.policy);
  });

  it('names the construct that wrote a bad value', () => {
    const fleet = new Fleet(new App(), 'acme', { trustAnchor: TrustAnchor.fromPem(ANCHOR_PEM), defaults: { linkerd: '2.20', kubernetes: '1.33' } });
    fleet.addEnvironment('prod');
    // @ts-expect-error: tsc refuses a Linkerd version the release table lacks; the pipeline reports it too.
    fleet.addCluster('eu-1', { environment: 'prod', linkerd: '3.0' });
    const error = (() => {
      try {
        synthesize(fleetInput(fleet), { dryRun: true });
      } catch (e) {
        return e as FleetError;
      }
    })();
    expect(error).toBeInstanceOf(FleetError);
    // The user's line that made the cluster, then the construct.
    const at = sourceLine(import.meta.url, "fleet.addCluster('eu-1', { environment: 'prod', linkerd: '3.0' })");
    expect(error!.message).toMatch(placed('error MF2003 /spec/clusters/0/linkerd ({at}, construct acme/clusters/eu-1): unknown Linkerd version "3.0"', at));
  });

  it('names the route construct behind a route error', () => {
    const fleet = new Fleet(new App(), 'acme', { trustAnchor: TrustAnchor.fromPem(ANCHOR_PEM), defaults: { linkerd: '2.20', kubernetes: '1.33' } });
    fleet.addEnvironment('prod');
    const eu1 = fleet.addCluster('eu-1', { environment: 'prod' });
    new HttpRoute(fleet.routes, 'web', { namespace: 'shop', clusters: [eu1], service: { name: 'web', port: 80 }, rules: [{ backends: [Backend.mirrored('web', 'eu-1')] }] });
    const plan = planFleet(fleetInput(fleet).document, { baseDir: REPO });
    expect(plan.diagnostics.map((d) => d.path)).toStrictEqual(['/spec/routes/0/rules/0/backendRefs/0/name']);
    expect(fleet.locate(plan.diagnostics[0].path)).toMatch(placed('{at}, construct acme/routes/web', sourceLine(import.meta.url, "new HttpRoute(fleet.routes, 'web'")));
  });

  it('throws early in the constructor for a name that is not a DNS label', () => {
    const fleet = new Fleet(new App(), 'acme', { trustAnchor: TrustAnchor.fromPem(ANCHOR_PEM) });
    expect(() => fleet.addCluster('EU_1', { environment: 'prod' })).toThrow(/cluster name "EU_1" is not a DNS label\. Fix: use lowercase/);
  });
});
