// What the linkerd-multicluster values mean at both ends of a gateway link (issue 10, defects 1, 3, 4):
// the ports a target's gateway Service opens are the ports its sources' Links dial, the probe
// reaches the proxy admin server, and a chart quirk of a release is avoided as its compat row says.
import { describe, expect, it } from 'vitest';
import { linkerdRelease } from '../../lib/compat/linkerd-releases.ts';
import { render } from '../support/fleet.ts';
import { twoNetworkFleet } from './support.ts';

type Rendered = ReturnType<typeof render>;
const clusterOf = (r: Rendered, name: string) => r.clusters.find((c) => c.cluster.name === name)!;
const mcValues = (r: Rendered, name: string) => clusterOf(r, name).upstreamValues['linkerd-multicluster'] as any;
const linkTo = (r: Rendered, source: string, target: string) =>
  clusterOf(r, source).objects.find((o: any) => o.kind === 'Link' && o.metadata.name === target) as any;

describe('NodePort gateway (defect 3)', () => {
  const rendered = render(
    twoNetworkFleet((doc) => {
      doc.spec.clusters[2].gateway = { address: '198.51.100.7', serviceType: 'NodePort', port: 30143, probe: { port: 30191 } };
    }),
  );

  it('pins the node ports to what the Links dial, and keeps the Service on the proxy ports', () => {
    const gateway = mcValues(rendered, 'b1').gateway;
    expect(gateway).toStrictEqual({
      enabled: true,
      serviceType: 'NodePort',
      port: 4143,
      nodePort: 30143,
      probe: { path: '/ready', port: 4191, nodePort: 30191, seconds: 3 },
    });
    for (const source of ['a1', 'a2']) {
      const link = linkTo(rendered, source, 'b1');
      expect([link.spec.gatewayPort, link.spec.probeSpec.port]).toStrictEqual([String(gateway.nodePort), String(gateway.probe.nodePort)]);
    }
  });

  it('refuses gateway ports outside the node port range, once per port, at the setting', async () => {
    const { errorsOf } = await import('../support/fleet.ts');
    const doc = twoNetworkFleet((d) => {
      d.spec.clusters[2].gateway = { address: '198.51.100.7', serviceType: 'NodePort', probe: { port: 31000 } };
    });
    expect(errorsOf(doc)).toStrictEqual([
      [
        '/spec/clusters/2/gateway/serviceType',
        "b1's gateway is a NodePort Service, so its Links dial gateway.port as a node port, but 4143 is outside the node port range 30000–32767",
      ],
    ]);
  });
});

describe('probe port other than the default (defect 4)', () => {
  const rendered = render(
    twoNetworkFleet((doc) => {
      doc.spec.clusters[2].gateway = { address: '198.51.100.7', probe: { port: 4181, path: '/ready', seconds: 5 } };
    }),
  );

  it('gives each source controller a probe Service on the port its Link probes', () => {
    for (const source of ['a1', 'a2']) {
      const probePort = Number(linkTo(rendered, source, 'b1').spec.probeSpec.port);
      expect(probePort).toBe(4181);
      const entry = mcValues(rendered, source).controllers.find((c: any) => c.link.ref.name === 'b1');
      expect(entry.gateway).toStrictEqual({ probe: { port: probePort } });
    }
    // A flat link has no probe Service at all.
    expect(mcValues(rendered, 'a1').controllers.find((c: any) => c.link.ref.name === 'a2').gateway).toStrictEqual({ enabled: false });
  });

  it("moves the target gateway's proxy admin server to the probe port (the mc-probe port has no targetPort)", () => {
    const gateway = mcValues(rendered, 'b1').gateway;
    expect(gateway.probe.port).toBe(4181);
    expect(gateway.deploymentAnnotations).toStrictEqual({ 'config.linkerd.io/admin-port': '4181' });
    // The default probe port is the admin port already: nothing to move.
    expect(mcValues(render(twoNetworkFleet()), 'b1').gateway.deploymentAnnotations).toBeUndefined();
  });

  it('follows a control plane that moves the proxy admin port', () => {
    const moved = render(
      twoNetworkFleet((doc) => {
        doc.spec.clusters[2].controlPlane = { values: { proxy: { ports: { admin: 4181 } } } };
        doc.spec.clusters[2].gateway = { address: '198.51.100.7', probe: { port: 4181 } };
      }),
    );
    expect(mcValues(moved, 'b1').gateway.deploymentAnnotations).toBeUndefined();
  });
});

describe('linkerd-multicluster 2025.4.4 controller PDB (defect 1)', () => {
  it('is a row of the compat table, with the values that avoid it', () => {
    const quirk = linkerdRelease('2.18')!.chartQuirks?.find((q) => q.noControllerPdb);
    expect(quirk).toMatchObject({ chart: 'linkerd-multicluster', controllerEntryValues: { enablePodAntiAffinity: false } });
    for (const version of ['2.19', '2.20', 'edge-26.8.3']) expect(linkerdRelease(version)!.chartQuirks).toStrictEqual([]);
  });

  it('turns the controller PDB off in every controllers[] entry of an HA 2.18 cluster, and only there', () => {
    const rendered = render(
      twoNetworkFleet((doc) => {
        doc.spec.clusters[0].ha = true;
        doc.spec.clusters[0].linkerd = '2.18';
        doc.spec.clusters[0].kubernetes = '1.31';
      }),
    );
    const a1 = mcValues(rendered, 'a1');
    expect(a1.enablePodAntiAffinity).toBe(true);
    expect(a1.controllers.map((c: any) => [c.link.ref.name, c.enablePodAntiAffinity])).toStrictEqual([
      ['a2', false],
      ['b1', false],
    ]);
    expect(mcValues(rendered, 'a2').controllers.every((c: any) => !('enablePodAntiAffinity' in c))).toBe(true);
  });
});
