// Values for the upstream linkerd-crds and linkerd-control-plane charts, per Linkerd version.
import { describe, expect, it } from 'vitest';
import { LINKERD_RELEASES } from '../../lib/compat/linkerd-releases.ts';
import { upstreamKeys } from '../../lib/compat/upstream-values.ts';
import { unknownValueKeys } from '../../lib/check/upstream-values.ts';
import { ANCHOR_PEM, fleetDocument, render } from '../support/fleet.ts';
import { fullProxySettings, KUBERNETES_FOR } from '../support/control-plane.ts';

const VERSIONS = LINKERD_RELEASES.map((r) => r.version);

function valuesFor(version: string, edit: (doc: any) => void = () => {}) {
  const rendered = render(
    fleetDocument((doc) => {
      doc.spec.defaults = { linkerd: version, kubernetes: KUBERNETES_FOR[version] };
      edit(doc);
    }),
  );
  return rendered.clusters[0].upstreamValues;
}

describe.each(VERSIONS)('Linkerd %s values', (version) => {
  it('renders installGatewayAPI: false explicitly, whatever the chart default', () => {
    expect(valuesFor(version)['linkerd-crds']).toStrictEqual({ installGatewayAPI: false });
  });

  it('uses the shared anchor, kubernetes.io/tls issuer, cert-manager webhooks and a pinned heartbeat', () => {
    const values = valuesFor(version)['linkerd-control-plane']!;
    expect(values.identityTrustAnchorsPEM).toBe(ANCHOR_PEM.trim() + '\n');
    expect(values.identityTrustDomain).toBe('cluster.local');
    expect(values.identity).toStrictEqual({ issuer: { scheme: 'kubernetes.io/tls' } });
    expect(values.proxyInjector).toStrictEqual({ externalSecret: true, injectCaFrom: 'linkerd/linkerd-proxy-injector' });
    expect(values.profileValidator).toStrictEqual({ externalSecret: true, injectCaFrom: 'linkerd/linkerd-sp-validator' });
    expect(values.policyValidator).toStrictEqual({ externalSecret: true, injectCaFrom: 'linkerd/linkerd-policy-validator' });
    expect(values.heartbeatSchedule).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
    expect(JSON.stringify(values)).not.toMatch(/PRIVATE KEY|keyPEM|crtPEM/);
  });

  it('sets only keys that exist in the upstream values of that version', () => {
    // The committed key trees (schemas/linkerd-values/); test/upstream/ checks them against the raw files.
    const values = valuesFor(version, fullProxySettings);
    const release = LINKERD_RELEASES.find((r) => r.version === version)!;
    expect(unknownValueKeys(values['linkerd-control-plane'], upstreamKeys(release, 'linkerd-control-plane'))).toStrictEqual([]);
    expect(unknownValueKeys(values['linkerd-crds'], upstreamKeys(release, 'linkerd-crds'))).toStrictEqual([]);
  });

  it('applies the chart\'s HA values for HA clusters, with meshfleet and user settings on top', () => {
    const values = valuesFor(version, (doc) => {
      doc.spec.defaults.ha = true;
      doc.spec.defaults.proxy = { resources: { memory: { limit: '512Mi' } } };
      doc.spec.defaults.controlPlane = { values: { controllerReplicas: 5 } };
    })['linkerd-control-plane']!;
    expect(values.controllerReplicas).toBe(5);
    expect(values.enablePodAntiAffinity).toBe(true);
    expect(values.enablePodDisruptionBudget).toBe(true);
    expect(values.webhookFailurePolicy).toBe('Fail');
    expect(values.highAvailability).toBe(true);
    expect(values.proxy).toStrictEqual({ resources: { cpu: { request: '100m' }, memory: { limit: '512Mi', request: '20Mi' } } });
    const plain = valuesFor(version)['linkerd-control-plane']!;
    expect(plain.controllerReplicas).toBeUndefined();
    expect(plain.webhookFailurePolicy).toBeUndefined();
  });

  it('renders proxy defaults in the chart\'s own shapes', () => {
    const values = valuesFor(version, (doc) => {
      doc.spec.defaults.proxy = { logFormat: 'json', opaquePorts: [25, 3306, '4000-4010'], defaultInboundPolicy: 'audit', nativeSidecar: false, resources: { ephemeralStorage: { limit: '1Gi' } } };
    })['linkerd-control-plane']!;
    expect(values.proxy).toStrictEqual({
      logFormat: 'json',
      nativeSidecar: false,
      opaquePorts: '25,3306,4000-4010',
      defaultInboundPolicy: 'audit',
      resources: { 'ephemeral-storage': { limit: '1Gi' } },
    });
  });
});

describe('control plane values', () => {
  it('adds pod and service ranges outside the chart\'s private defaults to clusterNetworks', () => {
    const values = render(
      fleetDocument((doc) => {
        doc.spec.clusters[0].podCIDR = '100.72.0.0/16';
        doc.spec.clusters[0].serviceCIDR = '198.18.0.0/20';
      }),
    ).clusters[0].upstreamValues['linkerd-control-plane']!;
    expect(values.clusterNetworks).toBe('10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8,198.18.0.0/20');
  });

  it('keeps the heartbeat schedule stable per cluster and lets the user pin or disable it', () => {
    const a = render(fleetDocument()).clusters.map((c) => c.upstreamValues['linkerd-control-plane']!.heartbeatSchedule);
    const b = render(fleetDocument()).clusters.map((c) => c.upstreamValues['linkerd-control-plane']!.heartbeatSchedule);
    expect(a).toStrictEqual(b);
    const custom = render(
      fleetDocument((doc) => {
        doc.spec.clusters[0].controlPlane = { heartbeatSchedule: '0 3 * * *' };
        doc.spec.clusters[1].controlPlane = { disableHeartbeat: true };
      }),
    ).clusters.map((c) => c.upstreamValues['linkerd-control-plane']!);
    expect(custom[0].heartbeatSchedule).toBe('0 3 * * *');
    expect([custom[1].heartbeatSchedule, custom[1].disableHeartBeat]).toStrictEqual([undefined, true]);
  });

  it('sets cniEnabled and a restricted linkerd namespace with the CNI plugin', () => {
    const cluster = render(fleetDocument((doc) => (doc.spec.clusters[0].cni = true))).clusters[0];
    expect(cluster.upstreamValues['linkerd-control-plane']!.cniEnabled).toBe(true);
    const ns = cluster.objects.find((o) => o.kind === 'Namespace')!;
    expect((ns.metadata.labels as Record<string, string>)['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});
