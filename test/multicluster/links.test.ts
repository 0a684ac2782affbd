// Links, controllers and credentials for each mode, field by field (docs/reference/multicluster.md).
import { describe, expect, it } from 'vitest';
import { validateObjects } from '../../lib/validate/index.ts';
import { render } from '../support/fleet.ts';
import { twoNetworkFleet } from './support.ts';

const LABELS = (cluster: string) => ({ 'meshfleet.dev/cluster': cluster, 'meshfleet.dev/fleet': 'test' });
const clusterOf = (rendered: ReturnType<typeof render>, name: string) => rendered.clusters.find((c) => c.cluster.name === name)!;
const objectsOf = (rendered: ReturnType<typeof render>, name: string, kind: string) => clusterOf(rendered, name).objects.filter((o) => o.kind === kind) as any[];

describe('Link objects', () => {
  const rendered = render(twoNetworkFleet());

  it('writes a gateway Link as link-gen does: every scalar a string, gateway identity computed', () => {
    const link = objectsOf(rendered, 'a1', 'Link').find((l) => l.metadata.name === 'b1');
    expect(link).toStrictEqual({
      apiVersion: 'multicluster.linkerd.io/v1alpha3',
      kind: 'Link',
      metadata: { name: 'b1', namespace: 'linkerd-multicluster', labels: LABELS('a1') },
      spec: {
        targetClusterName: 'b1',
        targetClusterDomain: 'cluster.local',
        targetClusterLinkerdNamespace: 'linkerd',
        clusterCredentialsSecret: 'cluster-credentials-b1',
        gatewayAddress: 'gw-b1.example,192.0.2.3',
        gatewayPort: '4443',
        gatewayIdentity: 'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local',
        probeSpec: { path: '/ready', port: '4191', period: '3s' },
        selector: { matchLabels: { 'mirror.linkerd.io/exported': 'true' } },
        remoteDiscoverySelector: { matchLabels: { 'mirror.linkerd.io/exported': 'remote-discovery' } },
        federatedServiceSelector: { matchLabels: { 'mirror.linkerd.io/federated': 'member' } },
      },
    });
  });

  it('writes a flat Link without gateway fields, probe or selector', () => {
    const link = objectsOf(rendered, 'a1', 'Link').find((l) => l.metadata.name === 'a2');
    expect(link.spec).toStrictEqual({
      targetClusterName: 'a2',
      targetClusterDomain: 'cluster.local',
      targetClusterLinkerdNamespace: 'linkerd',
      clusterCredentialsSecret: 'cluster-credentials-a2',
      remoteDiscoverySelector: { matchLabels: { 'mirror.linkerd.io/exported': 'remote-discovery' } },
      federatedServiceSelector: { matchLabels: { 'mirror.linkerd.io/federated': 'member' } },
    });
  });

  it('uses the trust domain and the target cluster domain', () => {
    const r = render(twoNetworkFleet((doc) => {
      doc.spec.trust.domain = 'mesh.acme';
      doc.spec.clusters[2].clusterDomain = 'b1.local';
    }));
    const link = objectsOf(r, 'a1', 'Link').find((l) => l.metadata.name === 'b1');
    expect([link.spec.gatewayIdentity, link.spec.targetClusterDomain]).toStrictEqual([
      'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.mesh.acme',
      'b1.local',
    ]);
  });
});

describe('linkerd-multicluster values', () => {
  const rendered = render(twoNetworkFleet((doc) => (doc.spec.clusters[0].ha = true)));
  const values = (name: string) => clusterOf(rendered, name).upstreamValues['linkerd-multicluster'] as any;

  it('has one controller per outgoing Link, gateway off for flat links, 2 replicas on HA clusters', () => {
    expect(values('a1').controllers).toStrictEqual([
      { link: { ref: { name: 'a2' } }, gateway: { enabled: false }, replicas: 2 },
      { link: { ref: { name: 'b1' } }, gateway: { probe: { port: 4191 } }, replicas: 2 },
    ]);
    expect(values('a2').controllers).toStrictEqual([{ link: { ref: { name: 'b1' } }, gateway: { probe: { port: 4191 } } }]);
  });

  it('runs the gateway only where a gateway link arrives, with a remote-access account per source', () => {
    expect(values('b1').gateway).toStrictEqual({ enabled: true, port: 4443, serviceType: 'LoadBalancer', probe: { path: '/ready', port: 4191, seconds: 3 } });
    expect(values('b1').remoteMirrorServiceAccountName).toStrictEqual([
      'linkerd-service-mirror-remote-access-a1',
      'linkerd-service-mirror-remote-access-a2',
    ]);
    expect(values('a2').gateway).toStrictEqual({ enabled: false });
    expect(values('a2').remoteMirrorServiceAccount).toBe(true);
    expect(values('a1').remoteMirrorServiceAccount).toBe(false);
    expect(values('a1').remoteMirrorServiceAccountName).toBeUndefined();
  });

  it('shares the control plane trust domain and namespace, and applies HA values', () => {
    expect([values('a1').identityTrustDomain, values('a1').linkerdNamespace]).toStrictEqual(['cluster.local', 'linkerd']);
    expect(values('a1').enablePodAntiAffinity).toBe(true);
    expect(values('b1').enablePodAntiAffinity).toBeUndefined();
  });

  it('leaves clusters outside any link without multicluster values or namespace', () => {
    const r = render(twoNetworkFleet((doc) => (doc.spec.links = [{ from: 'a1', to: 'a2', mode: 'flat' }])));
    expect(clusterOf(r, 'b2').upstreamValues['linkerd-multicluster']).toBeUndefined();
    expect(objectsOf(r, 'b2', 'Namespace').map((n) => n.metadata.name)).toStrictEqual(['linkerd']);
    expect(objectsOf(r, 'a1', 'Namespace').map((n) => [n.metadata.name, n.metadata.labels['linkerd.io/extension']])).toStrictEqual([
      ['linkerd', undefined],
      ['linkerd-multicluster', 'multicluster'],
    ]);
  });
});

describe('Link credentials', () => {
  it('by default builds both Secrets with External Secrets from the target token, and publishes it with a PushSecret', () => {
    const rendered = render(twoNetworkFleet());
    const ext = objectsOf(rendered, 'a2', 'ExternalSecret').filter((e) => e.metadata.name === 'cluster-credentials-b1');
    expect(ext.map((e) => e.metadata.namespace)).toStrictEqual(['linkerd-multicluster', 'linkerd']);
    const [mc, linkerd] = ext;
    expect(mc.spec.data).toStrictEqual([
      { secretKey: 'token', remoteRef: { key: 'linkerd-multicluster/b1/a2', property: 'token' } },
      { secretKey: 'ca', remoteRef: { key: 'linkerd-multicluster/b1/a2', property: 'ca.crt' } },
    ]);
    expect(mc.spec.secretStoreRef).toStrictEqual({ name: 'vault', kind: 'ClusterSecretStore' });
    expect(mc.spec.target.template.type).toBe('mirror.linkerd.io/remote-kubeconfig');
    expect(mc.spec.target.template.metadata).toBeUndefined();
    expect(linkerd.spec.target.template.metadata).toStrictEqual({
      labels: { 'multicluster.linkerd.io/cluster-name': 'b1' },
      annotations: { 'multicluster.linkerd.io/trust-domain': 'cluster.local', 'multicluster.linkerd.io/cluster-domain': 'cluster.local' },
    });
    const kubeconfig: string = mc.spec.target.template.data.kubeconfig;
    expect(kubeconfig).toContain('server: https://b1.example:6443');
    expect(kubeconfig).toContain('user: linkerd-service-mirror-remote-access-a2');
    expect(kubeconfig).toContain('token: {{ .token }}');

    const push = objectsOf(rendered, 'b1', 'PushSecret');
    expect(push.map((p) => [p.metadata.name, p.spec.selector.secret.name, p.spec.data[0].match.remoteRef.remoteKey])).toStrictEqual([
      ['remote-access-a1', 'linkerd-service-mirror-remote-access-a1-token', 'linkerd-multicluster/b1/a1'],
      ['remote-access-a2', 'linkerd-service-mirror-remote-access-a2-token', 'linkerd-multicluster/b1/a2'],
    ]);
    // Never a plain Secret.
    for (const c of rendered.clusters) expect(c.objects.filter((o) => o.kind === 'Secret')).toStrictEqual([]);
  });

  it('can skip the PushSecret', () => {
    const rendered = render(twoNetworkFleet((doc) => (doc.spec.credentials = { type: 'externalSecret', pushSecret: false })));
    expect(rendered.clusters.flatMap((c) => c.objects.filter((o) => o.kind === 'PushSecret'))).toStrictEqual([]);
  });

  it('uses sealed data the user provides, cluster-wide, in both namespaces', () => {
    const sealed = { 'a1/a2': 'AgB1', 'a1/b1': 'AgB2', 'a2/b1': 'AgB3' };
    const rendered = render(twoNetworkFleet((doc) => (doc.spec.credentials = { type: 'sealedSecret', sealedKubeconfigs: sealed })));
    const secrets = objectsOf(rendered, 'a1', 'SealedSecret');
    expect(secrets.map((s) => [s.metadata.name, s.metadata.namespace, s.spec.encryptedData.kubeconfig])).toStrictEqual([
      ['cluster-credentials-a2', 'linkerd-multicluster', 'AgB1'],
      ['cluster-credentials-a2', 'linkerd', 'AgB1'],
      ['cluster-credentials-b1', 'linkerd-multicluster', 'AgB2'],
      ['cluster-credentials-b1', 'linkerd', 'AgB2'],
    ]);
    expect(secrets[1].metadata.annotations).toStrictEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    expect(secrets[1].spec.template.metadata.labels).toStrictEqual({ 'multicluster.linkerd.io/cluster-name': 'a2' });
  });

  it('emits nothing for external credentials', () => {
    const rendered = render(twoNetworkFleet((doc) => (doc.spec.credentials = { type: 'external' })));
    const kinds = new Set(rendered.clusters.flatMap((c) => c.objects.map((o) => o.kind)));
    expect([...kinds].filter((k) => ['ExternalSecret', 'SealedSecret', 'PushSecret', 'Secret'].includes(k))).toStrictEqual(['ExternalSecret']);
    // The only ExternalSecret left is the trust anchor's.
    expect(rendered.clusters.flatMap((c) => c.objects.filter((o) => o.kind === 'ExternalSecret').map((o) => o.metadata.name))).toSatisfy((names: string[]) => names.every((n) => n === 'linkerd-trust-anchor'));
  });

  it('validates every Link, ExternalSecret, PushSecret and SealedSecret against the CRD schemas', () => {
    for (const credentials of [undefined, { type: 'sealedSecret', sealedKubeconfigs: { 'a1/a2': 'x', 'a1/b1': 'y', 'a2/b1': 'z' } }]) {
      const rendered = render(twoNetworkFleet((doc) => credentials && (doc.spec.credentials = credentials)));
      for (const c of rendered.clusters) {
        const kinds = c.objects.filter((o) => ['Link', 'ExternalSecret', 'PushSecret', 'SealedSecret'].includes(o.kind));
        expect(validateObjects(kinds, { linkerd: c.cluster.release.valuesSet as never })).toStrictEqual([]);
      }
    }
  });
});

describe('index.json', () => {
  it('lists each cluster\'s links and the Secrets they read', () => {
    const index = JSON.parse(render(twoNetworkFleet()).files.get('index.json')!);
    const a2 = index.environments[0].clusters.find((c: any) => c.name === 'a2');
    expect(a2.links).toStrictEqual([
      {
        name: 'b1',
        target: 'b1',
        mode: 'gateway',
        object: 'linkerd-multicluster/b1',
        credentials: [
          { secret: 'linkerd-multicluster/cluster-credentials-b1', providedBy: 'externalSecret' },
          { secret: 'linkerd/cluster-credentials-b1', providedBy: 'externalSecret' },
        ],
      },
    ]);
    expect(a2.linkedFrom).toStrictEqual([{ source: 'a1', mode: 'flat', serviceAccount: 'linkerd-service-mirror-remote-access-a1' }]);
  });
});
