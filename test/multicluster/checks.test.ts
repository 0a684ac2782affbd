// Fleet-wide multicluster checks: all reported at once, each at the input path with a fix.
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { fleetInput } from '../../lib/cli/load-input.ts';
import { Credentials, Fleet, LinkMode, LinkTopology, TrustAnchor } from '../../lib/index.ts';
import { expandLinks } from '../../lib/resolve/links.ts';
import { planFleet } from '../../lib/synth/plan.ts';
import { ANCHOR_PEM, plan } from '../support/fleet.ts';
import { twoNetworkFleet } from './support.ts';

const diagnosticsOf = (doc: unknown) => plan(doc).diagnostics.map((d) => [d.severity, d.path, d.message]);

describe('link topologies', () => {
  it('expands pairs, lists, full meshes and hub and spoke into plain links', () => {
    const links = expandLinks([
      { from: ['a', 'b'], to: ['b', 'c'], mode: 'gateway' },
      { mesh: ['x', 'y', 'z'], mode: 'flat' },
      { hub: 'h', spokes: ['s1', 's2'], mode: 'gateway', direction: 'to-hub' },
    ]);
    expect(links.map((l) => `${l.source}>${l.target}:${l.mode}`)).toStrictEqual([
      'a>b:gateway', 'a>c:gateway', 'b>c:gateway',
      'x>y:flat', 'x>z:flat', 'y>x:flat', 'y>z:flat', 'z>x:flat', 'z>y:flat',
      's1>h:gateway', 's2>h:gateway',
    ]);
    expect(links[0].sourcePath).toBe('/spec/links/0/from/0');
    expect(links[3].targetPath).toBe('/spec/links/1/mesh/1');
  });
});

describe('multicluster checks', () => {
  it('accepts the two-network fleet', () => {
    expect(diagnosticsOf(twoNetworkFleet())).toStrictEqual([]);
  });

  it('rejects a link to an unknown cluster, a self link and a duplicate link', () => {
    expect(diagnosticsOf(twoNetworkFleet((doc) => doc.spec.links.push(
      { from: 'a1', to: 'c9', mode: 'gateway' },
      { from: 'a2', to: 'a2', mode: 'flat' },
      { from: 'a1', to: 'a2', mode: 'flat' },
    )))).toStrictEqual([
      ['error', '/spec/links/2/to', 'no cluster named "c9"'],
      ['error', '/spec/links/3/to', 'cluster "a2" links to itself'],
      ['error', '/spec/links/4', 'a1 → a2 is linked twice (also /spec/links/0)'],
    ]);
  });

  it('rejects a flat link across networks and a gateway link to a cluster without gateway address', () => {
    expect(diagnosticsOf(twoNetworkFleet((doc) => doc.spec.links.push({ from: 'b2', to: 'a2', mode: 'flat' }, { from: 'b2', to: 'a2', mode: 'gateway' })))).toStrictEqual([
      ['error', '/spec/links/2', 'flat link b2 → a2 crosses networks (b → a)'],
      ['error', '/spec/links/3', 'b2 → a2 is linked twice (also /spec/links/2)'],
    ]);
    expect(diagnosticsOf(twoNetworkFleet((doc) => doc.spec.links.push({ from: 'b2', to: 'a2', mode: 'gateway' })))).toStrictEqual([
      ['error', '/spec/links/2/to', 'gateway link b2 → a2, but a2 has no gateway address'],
    ]);
  });

  it('rejects overlapping pod CIDRs on a flat network, at the second cluster', () => {
    expect(diagnosticsOf(twoNetworkFleet((doc) => (doc.spec.clusters[1].podCIDR = '10.1.128.0/17')))).toStrictEqual([
      ['error', '/spec/clusters/1/podCIDR', 'pod CIDR 10.1.128.0/17 of a2 overlaps 10.1.0.0/16 of a1 on flat network a'],
    ]);
    // Clusters on different networks, or not flat-linked, may reuse ranges.
    expect(diagnosticsOf(twoNetworkFleet((doc) => (doc.spec.clusters[3].podCIDR = '10.1.0.0/16')))).toStrictEqual([]);
  });

  it('requires what credentials need: a store and the target API server', () => {
    expect(diagnosticsOf(twoNetworkFleet((doc) => {
      doc.spec.trust.issuer = { type: 'secret', name: 'anchor' };
      delete doc.spec.clusters[2].apiServer;
    }))).toStrictEqual([
      ['error', '/spec/clusters/2/apiServer', 'b1 is a link target, and the Link credentials need its API server URL'],
      ['error', '/spec/credentials', 'Link credentials come from External Secrets by default, but no secret store is named'],
    ]);
    expect(diagnosticsOf(twoNetworkFleet((doc) => (doc.spec.credentials = { type: 'sealedSecret', sealedKubeconfigs: { 'a1/a2': 'x', 'a1/b1': 'y' } })))).toStrictEqual([
      ['error', '/spec/credentials/sealedKubeconfigs', 'no sealed kubeconfig for a2/b1'],
    ]);
  });

  it('checks federated services: one network, warns on one member and on missing flat links', () => {
    expect(diagnosticsOf(twoNetworkFleet((doc) => (doc.spec.federatedServices = [{ name: 'web', namespace: 'shop', clusters: ['a1', 'b1'] }])))).toContainEqual(
      ['error', '/spec/federatedServices/0/clusters', 'federated service shop/web spans networks a, b'],
    );
    expect(diagnosticsOf(twoNetworkFleet((doc) => (doc.spec.federatedServices = [{ name: 'web', namespace: 'shop', clusters: ['a1'] }])))).toStrictEqual([
      ['warning', '/spec/federatedServices/0/clusters', 'federated service shop/web has one member only'],
    ]);
    expect(diagnosticsOf(twoNetworkFleet((doc) => (doc.spec.federatedServices = [{ name: 'web', namespace: 'shop', clusters: ['a1', 'a2'] }])))).toStrictEqual([
      ['warning', '/spec/federatedServices/0/clusters', 'a2 has no flat link to a1, so its web-federated will not include a1\'s endpoints'],
    ]);
  });

  it('warns about a link whose target exports nothing the source uses, where services are known', () => {
    const result = plan(twoNetworkFleet((doc) => (doc.spec.exports = [{ name: 'api', namespace: 'x', cluster: 'b1', export: 'gateway', consumers: ['a1'] }])));
    expect(result.fleet).toBeDefined();
    expect(result.diagnostics.map((d) => [d.severity, d.path, d.message])).toStrictEqual([
      ['warning', '/spec/links/0', 'a2 exports nothing over a flat link that a1 uses'],
      ['warning', '/spec/links/1', 'b1 exports nothing over a gateway link that a2 uses'],
    ]);
  });
});

describe('TypeScript front door', () => {
  it('builds the same links, federation and credentials as the fleet file', () => {
    const fleet = new Fleet(new App(), 'test', { trustAnchor: TrustAnchor.fromPem(ANCHOR_PEM), credentials: Credentials.external(), defaults: { linkerd: '2.20', kubernetes: '1.33' } });
    fleet.addEnvironment('prod');
    const a = fleet.addCluster('a', { environment: 'prod', network: 'n', podCIDR: '10.1.0.0/16', gateway: { address: '192.0.2.1' } });
    const b = fleet.addCluster('b', { environment: 'prod', network: 'n', podCIDR: '10.2.0.0/16' });
    b.linkTo(a, LinkMode.gateway());
    fleet.addLinks(LinkTopology.fullMesh(['a', 'b'], LinkMode.flat()));
    fleet.federateService({ name: 'web', namespace: 'shop', clusters: ['a', 'b'] });
    const doc = fleet.toDocument();
    expect([doc.spec.links, doc.spec.federatedServices, doc.spec.credentials]).toStrictEqual([
      [{ from: 'b', to: 'a', mode: 'gateway' }, { mesh: ['a', 'b'], mode: 'flat' }],
      [{ name: 'web', namespace: 'shop', clusters: ['a', 'b'] }],
      { type: 'external' },
    ]);
    const result = planFleet(fleetInput(fleet).document, { baseDir: '.' });
    expect(result.diagnostics.map((d) => d.message)).toStrictEqual(['b → a is linked twice (also /spec/links/0)']);
  });
});

describe('multicluster values overrides', () => {
  it('must exist in linkerd-multicluster at the cluster\'s version, controllers entries included', () => {
    expect(diagnosticsOf(twoNetworkFleet((doc) => {
      doc.spec.clusters[0].multicluster = { values: { gateway: { replicas: 2, colour: 'blue' }, controllers: [{ link: { ref: { name: 'x' } }, retryLimit: 5, speed: 9 }] } };
    }))).toStrictEqual([
      ['error', '/spec/clusters/0/multicluster/values/gateway/colour', 'linkerd-multicluster 2026.6.3 has no value "gateway.colour"'],
      ['error', '/spec/clusters/0/multicluster/values/controllers/0/speed', 'linkerd-multicluster 2026.6.3 has no value "controllers.0.speed"'],
    ]);
  });
});
