// The TypeScript front door takes objects (clusters, environments, factories) and names the user's
// line: in what it throws, and in what the checks find later about the constructs it made.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetInput } from '../../lib/cli/load-input.ts';
import { stackTextFrames, userFrame } from '../../lib/fleet/source-location.ts';
import { Caller, Delivery, Fleet, GatewayApi, GitRepo, LinkMode, LinkTopology, MeshedWorkload, TrustAnchor } from '../../lib/index.ts';
import { error, formatDiagnostic, FleetError } from '../../lib/model/diagnostics.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { ANCHOR_PEM, REPO } from '../support/fleet.ts';
import { placed, sourceLine } from '../support/source-line.ts';

const here = (marker: string) => sourceLine(import.meta.url, marker);

function newFleet(props: Partial<ConstructorParameters<typeof Fleet>[2]> = {}): Fleet {
  return new Fleet(new App(), 'acme', { trustAnchor: TrustAnchor.fromPem(ANCHOR_PEM), defaults: { linkerd: '2.20', kubernetes: '1.33' }, ...props });
}

function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a throw');
}

describe('the TypeScript API names the user\'s line', () => {
  it('in errors thrown where a bad value is written', () => {
    const fleet = newFleet();
    const badCluster = () => fleet.addCluster('EU_1', { environment: 'prod' });
    expect(thrown(badCluster)).toMatch(placed('{at}: acme/clusters/EU_1: cluster name "EU_1" is not a DNS label. Fix:', here("fleet.addCluster('EU_1'")));
    const badCaller = () => Caller.network('10.0.0.0/33');
    expect(thrown(badCaller)).toMatch(placed('{at}: Caller.network: "10.0.0.0/33" is not a CIDR', here("Caller.network('10.0.0.0/33')")));
    const badBundle = () => GatewayApi.managed({ version: 'v1.2.1' });
    expect(thrown(badBundle)).toMatch(placed('{at}: Gateway API version "v1.2.1" is not a bundle version', here("GatewayApi.managed({ version: 'v1.2.1' })")));
    const chart = new Chart(new App(), 'app');
    const workload = new kplus.Deployment(chart, 'web', { containers: [{ image: 'web' }] });
    const noService = () => new MeshedWorkload(chart, 'web-mesh', { workload, federated: true });
    expect(thrown(noService)).toMatch(placed("{at}: app/web-mesh: federated needs the workload's Service. Fix: pass service", here("new MeshedWorkload(chart, 'web-mesh'")));
  });

  it('for every entry the checks may report on: the call that made it, then the construct', () => {
    const fleet = newFleet();
    const prod = fleet.addEnvironment('prod');
    const eu1 = fleet.addCluster('eu-1', { environment: prod });
    const eu2 = fleet.addCluster('eu-2', { environment: prod });
    prod.overrideCluster(eu2, { ha: true });
    fleet.setRolloutOrder(prod);
    fleet.addLinks(LinkTopology.fullMesh([eu1, eu2], LinkMode.flat()));
    fleet.addNamespace('shop', { clusters: [eu1] });
    fleet.exportService({ name: 'web', namespace: 'shop', cluster: eu1, export: 'gateway' });
    fleet.federateService({ name: 'api', namespace: 'shop', clusters: [eu1, eu2] });
    fleet.addMeshService('db', { namespace: 'shop', clusters: [eu1], ports: [{ name: 'sql', port: 5432 }] });
    fleet.addEgressNetwork('out', { trafficPolicy: 'Allow' });
    const expected: [string, RegExp][] = [
      ['/spec/clusters/1/linkerd', placed('{at}, construct acme/clusters/eu-2', here("const eu2 = fleet.addCluster('eu-2'"))],
      ['/spec/environments/prod/ha', placed('{at}, construct acme/environments/prod', here("const prod = fleet.addEnvironment('prod')"))],
      ['/spec/environments/prod/clusters/eu-2/ha', placed('{at}, construct acme/environments/prod (overrideCluster eu-2)', here('prod.overrideCluster(eu2'))],
      ['/spec/delivery/rollout/0', placed('{at}, construct acme (setRolloutOrder)', here('fleet.setRolloutOrder(prod)'))],
      ['/spec/links/0/mesh/1', placed('{at}, construct acme (addLinks)', here('fleet.addLinks(LinkTopology.fullMesh'))],
      ['/spec/namespaces/0/clusters/0', placed('{at}, construct acme (addNamespace shop)', here("fleet.addNamespace('shop'"))],
      ['/spec/exports/0/cluster', placed('{at}, construct acme (exportService web)', here("fleet.exportService({ name: 'web'"))],
      ['/spec/federatedServices/0', placed('{at}, construct acme (federateService api)', here("fleet.federateService({ name: 'api'"))],
      ['/spec/policy/services/0/ports/0', placed('{at}, construct acme (addMeshService db)', here("fleet.addMeshService('db'"))],
      ['/spec/policy/egress/0', placed('{at}, construct acme (addEgressNetwork out)', here("fleet.addEgressNetwork('out'"))],
      ['/spec/trust/anchor', placed('{at}, construct acme (props)', here('return new Fleet(new App()'))],
    ];
    for (const [path, place] of expected) expect([path, fleet.locate(path)]).toEqual([path, expect.stringMatching(place)]);
  });

  it('in diagnostics of the pipeline, with the fix said as the API call', () => {
    const fleet = newFleet({ defaults: { linkerd: '2.20' } });
    fleet.addCluster('eu-1', { environment: 'staging' });
    const error = (() => {
      try {
        synthesize(fleetInput(fleet, REPO), { dryRun: true });
      } catch (e) {
        return e as FleetError;
      }
    })();
    expect(error).toBeInstanceOf(FleetError);
    // The same diagnostic as from a fleet file, placed at this file's line and phrased for TypeScript.
    expect(error!.diagnostics.map((d) => [d.path, d.fix])).toStrictEqual([
      ['/spec/clusters/0/environment', 'declare it: spec.environments: { staging: {} }'],
      ['/spec/clusters/0/kubernetes', expect.stringContaining('in spec.defaults, the environment or the cluster')],
    ]);
    const at = here("fleet.addCluster('eu-1', { environment: 'staging' });");
    expect(error!.message).toMatch(placed('error MF3102 /spec/clusters/0/environment ({at}, construct acme/clusters/eu-1)', at));
    expect(error!.message).toMatch(placed('error MF2004 /spec/clusters/0/kubernetes ({at}, construct acme/clusters/eu-1)', at));
    expect(error!.message).toContain("fix: declare it: fleet.addEnvironment('staging')");
    expect(error!.message).toContain('in defaults of new Fleet(…), the environment or the cluster');
    expect(error!.message).not.toContain('spec.');
  });

  it('phrases only the fixes of a TypeScript fleet', () => {
    const d = error('MF4001', '/spec/links/0', 'no such cluster', 'add it to spec.clusters, or drop it from spec.links');
    expect(formatDiagnostic(d, newFleet().locate)).toContain('fix: add it to fleet.addCluster(…), or drop it from fleet.addLinks(…)');
    expect(formatDiagnostic(d, () => 'fleet.yaml:3:5')).toContain('fix: add it to spec.clusters, or drop it from spec.links');
  });

  it('skips meshfleet\'s own frames and node_modules when finding the user\'s', () => {
    const stack = [
      'Error',
      `    at new Cluster (${join(REPO, 'lib', 'fleet', 'cluster.ts')}:50:5)`,
      `    at Fleet.addCluster (file://${join(REPO, 'lib', 'fleet', 'fleet.ts')}:130:21)`,
      `    at Object.<anonymous> (${join(REPO, 'node_modules', 'cdk8s', 'lib', 'app.js')}:1:1)`,
      '    at node:internal/modules/esm/module_job:123:5',
      `    at file://${join(REPO, 'apps', 'main.ts')}:97:13`,
    ].join('\n');
    expect(userFrame(stackTextFrames(stack))).toStrictEqual({ file: join(REPO, 'apps', 'main.ts'), line: 97, column: 13 });
    expect(userFrame(stackTextFrames(stack.split('\n').slice(0, 5).join('\n')))).toBeUndefined();
  });
});

describe('the TypeScript API takes objects', () => {
  it('builds the same document from references as from names', () => {
    const byObject = newFleet({ delivery: Delivery.argocd({ repo: GitRepo.branch('main', { url: 'https://git.example.com/mesh.git' }) }) });
    const prod = byObject.addEnvironment('prod');
    const [eu1, eu2, us1] = ['eu-1', 'eu-2', 'us-1'].map((name) => byObject.addCluster(name, { environment: prod }));
    byObject.setRolloutOrder(prod);
    byObject.addLinks(LinkTopology.hubAndSpoke(us1, [eu1, eu2], LinkMode.gateway()), LinkTopology.pairs(eu1, [eu2], LinkMode.flat()));
    byObject.addNamespace('shop', { clusters: [eu1, us1] });
    byObject.addMeshService('db', { namespace: 'shop', clusters: [us1], ports: [{ name: 'sql', port: 5432 }], allow: [Caller.cluster(eu1), Caller.serviceAccount('web', { clusters: [eu2] })] });
    byObject.exportService({ name: 'db', namespace: 'shop', cluster: us1, export: 'gateway', consumers: [eu1] });

    const byName = newFleet({ delivery: Delivery.argocd({ repo: GitRepo.branch('main', { url: 'https://git.example.com/mesh.git' }) }) });
    byName.addEnvironment('prod');
    for (const name of ['eu-1', 'eu-2', 'us-1']) byName.addCluster(name, { environment: 'prod' });
    byName.setRolloutOrder('prod');
    byName.addLinks(LinkTopology.hubAndSpoke('us-1', ['eu-1', 'eu-2'], LinkMode.gateway()), LinkTopology.pairs('eu-1', ['eu-2'], LinkMode.flat()));
    byName.addNamespace('shop', { clusters: ['eu-1', 'us-1'] });
    byName.addMeshService('db', { namespace: 'shop', clusters: ['us-1'], ports: [{ name: 'sql', port: 5432 }], allow: [Caller.cluster('eu-1'), Caller.serviceAccount('web', { clusters: ['eu-2'] })] });
    byName.exportService({ name: 'db', namespace: 'shop', cluster: 'us-1', export: 'gateway', consumers: ['eu-1'] });

    const document = byObject.toDocument();
    expect(document).toStrictEqual(byName.toDocument());
    expect(document.spec.links).toStrictEqual([
      { hub: 'us-1', spokes: ['eu-1', 'eu-2'], mode: 'gateway' },
      { from: 'eu-1', to: ['eu-2'], mode: 'flat' },
    ]);
    expect(document.spec.delivery).toStrictEqual({ engine: 'argocd', repo: { url: 'https://git.example.com/mesh.git', branch: 'main' }, rollout: ['prod'] });
  });

  it('makes delivery, repository and Gateway API settings with factories, as the fleet file writes them', () => {
    expect(Delivery.argocd({ repo: GitRepo.branch('main', { url: 'https://git.example.com/mesh.git', path: 'out' }), project: 'mesh', generator: 'list', chartMajor: 1 }).spec).toStrictEqual({
      engine: 'argocd',
      repo: { url: 'https://git.example.com/mesh.git', branch: 'main', path: 'out' },
      chartMajor: 1,
      argocd: { project: 'mesh', generator: 'list' },
    });
    expect(Delivery.flux({ repo: GitRepo.tag('prod'), interval: '5m', remoteClusters: false }).spec).toStrictEqual({ engine: 'flux', repo: { tag: 'prod' }, flux: { interval: '5m', remoteClusters: false } });
    expect(Delivery.none().spec).toStrictEqual({ engine: 'none' });
    expect(Delivery.override({ repo: GitRepo.commit('0123abc') }).spec).toStrictEqual({ repo: { commit: '0123abc' } });
    expect(GitRepo.url('ssh://git.example.com/mesh.git').spec).toStrictEqual({ url: 'ssh://git.example.com/mesh.git' });
    expect(GatewayApi.override({ version: '1.5.1' }).settings).toStrictEqual({ version: '1.5.1' });

    const fleet = newFleet({ defaults: { linkerd: '2.20', gatewayAPI: GatewayApi.managed() }, deliveryNamespaces: { flux: 'flux' } });
    fleet.addEnvironment('dev', { gatewayAPI: GatewayApi.external({ version: '1.2.1', channel: 'standard' }), delivery: Delivery.flux() });
    const spec = fleet.toDocument().spec;
    expect(spec.defaults).toStrictEqual({ linkerd: '2.20', gatewayAPI: { mode: 'managed' } });
    expect(spec.environments).toStrictEqual({ dev: { gatewayAPI: { mode: 'external', version: '1.2.1', channel: 'standard' }, delivery: { engine: 'flux' } } });
    expect(spec.delivery).toStrictEqual({ namespaces: { flux: 'flux' } });
  });
});

describe('the entry point', () => {
  it('holds what a fleet author writes; the internal constructs are the meshfleet/constructs subpath', async () => {
    const main: Record<string, unknown> = await import('../../lib/index.ts');
    const constructs: Record<string, unknown> = await import('../../lib/constructs/index.ts');
    for (const name of ['Fleet', 'Cluster', 'Environment', 'Delivery', 'GitRepo', 'GatewayApi', 'LinkTopology', 'MeshedWorkload', 'AppProtocol', 'FleetApp', 'HttpRoute']) {
      expect([name, typeof main[name]]).toStrictEqual([name, 'function']);
    }
    for (const name of ['ClusterMesh', 'MeshServer', 'CallerAuthorization', 'MirrorLink', 'GammaHttpRoute', 'ControlPlane']) {
      expect([name, name in main, typeof constructs[name]]).toStrictEqual([name, false, 'function']);
    }
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(manifest.exports['./constructs']).toStrictEqual({ types: './dist/lib/constructs/index.d.ts', default: './dist/bundle/constructs.js' });
  });
});

describe('fixes for a TypeScript fleet', () => {
  it('say each place of the fleet file as the call or prop that writes it', async () => {
    const { phraseFixForTypeScript } = await import('../../lib/fleet/typescript-fixes.ts');
    const cases: [string, string][] = [
      ['set spec.defaults.linkerd', 'set defaults.linkerd of new Fleet(…)'],
      ['declare it: spec.environments: { prod: {} }', "declare it: fleet.addEnvironment('prod')"],
      ['move it to spec.environments.prod.delivery', "move it to delivery of fleet.addEnvironment('prod', …)"],
      ['add it to spec.environments.prod.clusters', "add it to environment prod's overrideCluster(…)"],
      ['use spec.trust.identityIssuer', 'use identityIssuer of new Fleet(…)'],
      ['set spec.trust.domain', 'set trustDomain of new Fleet(…)'],
      ['let cert-manager read keys from a secret store (spec.trust.issuer)', 'let cert-manager read keys from a secret store (anchorIssuer of new Fleet(…))'],
      ['name it in spec.delivery.rollout', 'name it in fleet.setRolloutOrder(…)'],
      ['declare it in spec.services', 'declare it in new ServiceDeclaration(fleet.services, …)'],
      ['state it: gatewayAPI: { mode: external, version: "1.2.1", channel: standard } (kubectl …)', "state it: gatewayAPI: GatewayApi.external({ version: '1.2.1', channel: 'standard' }) (kubectl …)"],
      ['say gatewayAPI: { mode: managed, current: { version: "1.1.1", channel: experimental } }', "say gatewayAPI: GatewayApi.managed({ current: { version: '1.1.1', channel: 'experimental' } })"],
      ['once applied, set gatewayAPI.migration: release', "once applied, set migration: 'release' in the cluster's GatewayApi.linkerdLegacy({ … })"],
      ['use a quantity such as "100m"', 'use a quantity such as "100m"'],
    ];
    expect(cases.map(([fix]) => [fix, phraseFixForTypeScript(fix)])).toStrictEqual(cases);
  });
});
