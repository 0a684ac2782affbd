// Property tests: random valid topologies always synthesize, and every Link has its controller and
// credentials; random invalid ones are always rejected at the right path.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plan, render } from '../support/fleet.ts';
import { twoNetworkFleet } from './support.ts';

/** A fleet of n clusters on k networks, each with its own pod range and a gateway address. */
function fleetWith(networks: number[], links: { from: number; to: number; flat: boolean }[]) {
  return twoNetworkFleet((doc) => {
    doc.spec.clusters = networks.map((net, i) => ({
      name: `c${i}`,
      environment: 'prod',
      network: `n${net}`,
      podCIDR: `10.${i}.0.0/16`,
      apiServer: `https://c${i}.example:6443`,
      gateway: { address: `192.0.2.${i + 1}` },
    }));
    doc.spec.links = links.map((l) => ({ from: `c${l.from}`, to: `c${l.to}`, mode: l.flat ? 'flat' : 'gateway' }));
  });
}

const topology = fc
  .array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 8 })
  .chain((networks) =>
    fc.record({
      networks: fc.constant(networks),
      links: fc.uniqueArray(
        fc.record({ from: fc.nat(networks.length - 1), to: fc.nat(networks.length - 1) }).filter((l) => l.from !== l.to),
        { selector: (l) => `${l.from}>${l.to}`, maxLength: 12 },
      ),
    }),
  );

describe('multicluster properties', () => {
  it('every valid topology synthesizes; every Link has a controller and both credentials', () => {
    fc.assert(
      fc.property(topology, ({ networks, links }) => {
        // Valid: flat only within a network.
        const doc = fleetWith(networks, links.map((l) => ({ ...l, flat: networks[l.from] === networks[l.to] })));
        const rendered = render(doc);
        for (const c of rendered.clusters) {
          const linkNames = c.objects.filter((o) => o.kind === 'Link').map((o) => o.metadata.name);
          const controllers = ((c.upstreamValues['linkerd-multicluster'] as any)?.controllers ?? []).map((x: any) => x.link.ref.name);
          expect(controllers).toStrictEqual(linkNames);
          for (const name of linkNames) {
            const creds = c.objects.filter((o) => o.kind === 'ExternalSecret' && o.metadata.name === `cluster-credentials-${name}`);
            expect(creds.map((o) => o.metadata.namespace)).toStrictEqual(['linkerd-multicluster', 'linkerd']);
          }
        }
        expect(rendered.clusters.flatMap((c) => c.objects.filter((o) => o.kind === 'Link'))).toHaveLength(links.length);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a self link, a cross-network flat link and a pod CIDR overlap, at the right path', () => {
    const bad = fc.record({
      kind: fc.constantFrom('self', 'cross-network-flat', 'overlap'),
      size: fc.integer({ min: 2, max: 6 }),
    });
    fc.assert(
      fc.property(bad, ({ kind, size }) => {
        const networks = Array.from({ length: size }, (_, i) => (i === 0 ? 0 : 1));
        const doc = fleetWith(networks, []);
        let expected: string;
        if (kind === 'self') {
          doc.spec.links = [{ from: 'c1', to: 'c1', mode: 'flat' }];
          expected = '/spec/links/0/to';
        } else if (kind === 'cross-network-flat') {
          doc.spec.links = [{ from: 'c0', to: `c${size - 1}`, mode: 'flat' }];
          expected = '/spec/links/0';
        } else {
          doc.spec.links = [{ mesh: networks.map((_, i) => `c${i}`).slice(1), mode: 'flat' }, { from: 'c0', to: 'c1', mode: 'gateway' }];
          doc.spec.clusters[size - 1].podCIDR = '10.1.0.0/24';
          expected = `/spec/clusters/${size - 1}/podCIDR`;
        }
        const result = plan(doc);
        if (kind === 'overlap' && size === 2) return; // a one-cluster mesh has no flat pair
        expect(result.fleet).toBeUndefined();
        expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.path)).toContain(expected);
      }),
      { numRuns: 60 },
    );
  });
});
