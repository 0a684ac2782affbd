// The mesh chart's identity objects: the linkerd namespace, the issuer chain signed by the shared
// anchor (whose key never appears), and the webhook certificates.
import { describe, expect, it } from 'vitest';
import { fleetDocument, render } from '../support/fleet.ts';

const LABELS = { 'meshfleet.dev/cluster': 'a', 'meshfleet.dev/fleet': 'test' };

function objectsWith(issuer?: object): readonly any[] {
  const rendered = render(fleetDocument((doc) => issuer && (doc.spec.trust.issuer = issuer)));
  return rendered.clusters[0].objects;
}

const find = (objects: readonly any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('identity objects', () => {
  it('labels the linkerd namespace as the chart expects when GitOps creates it', () => {
    expect(find(objectsWith(), 'Namespace', 'linkerd')).toStrictEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'linkerd',
        annotations: { 'linkerd.io/inject': 'disabled' },
        labels: {
          ...LABELS,
          'config.linkerd.io/admission-webhooks': 'disabled',
          'linkerd.io/control-plane-ns': 'linkerd',
          'linkerd.io/is-control-plane': 'true',
          'pod-security.kubernetes.io/enforce': 'privileged',
        },
      },
    });
  });

  it('issues linkerd-identity-issuer from the anchor as a 48h ECDSA intermediate CA', () => {
    expect(find(objectsWith(), 'Certificate', 'linkerd-identity-issuer')).toStrictEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'linkerd-identity-issuer', namespace: 'linkerd', labels: LABELS },
      spec: {
        secretName: 'linkerd-identity-issuer',
        duration: '48h',
        renewBefore: '25h',
        issuerRef: { name: 'linkerd-trust-anchor', kind: 'Issuer', group: 'cert-manager.io' },
        commonName: 'identity.linkerd.cluster.local',
        dnsNames: ['identity.linkerd.cluster.local'],
        isCA: true,
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['cert sign', 'crl sign', 'server auth', 'client auth'],
      },
    });
  });

  it('by default reads the anchor from a Secret put in place out of band', () => {
    const objects = objectsWith();
    expect(find(objects, 'Issuer', 'linkerd-trust-anchor').spec).toStrictEqual({ ca: { secretName: 'linkerd-trust-anchor' } });
    expect(objects.some((o) => o.kind === 'ExternalSecret')).toBe(false);
  });

  it('brings the anchor from a secret store with External Secrets', () => {
    const objects = objectsWith({ type: 'externalSecret', store: { name: 'vault' }, remoteKey: 'mesh/anchor' });
    expect(find(objects, 'ExternalSecret', 'linkerd-trust-anchor')).toStrictEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'linkerd-trust-anchor', namespace: 'linkerd', labels: LABELS },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
        target: { name: 'linkerd-trust-anchor', creationPolicy: 'Owner', template: { type: 'kubernetes.io/tls' } },
        data: [
          { secretKey: 'tls.crt', remoteRef: { key: 'mesh/anchor', property: 'tls.crt' } },
          { secretKey: 'tls.key', remoteRef: { key: 'mesh/anchor', property: 'tls.key' } },
        ],
      },
    });
  });

  it('uses an existing ClusterIssuer without creating an Issuer', () => {
    const objects = objectsWith({ type: 'clusterIssuer', name: 'vault-pki' });
    expect(find(objects, 'Certificate', 'linkerd-identity-issuer').spec.issuerRef).toStrictEqual({ name: 'vault-pki', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    expect(find(objects, 'Issuer', 'linkerd-trust-anchor')).toBeUndefined();
  });

  it('makes the three webhook serving certificates the chart expects with externalSecret', () => {
    const objects = objectsWith();
    const webhooks = objects.filter((o) => o.kind === 'Certificate' && o.spec.issuerRef.name === 'webhook-issuer');
    expect(webhooks.map((c) => [c.metadata.name, c.spec.secretName, c.spec.dnsNames])).toStrictEqual([
      ['linkerd-proxy-injector', 'linkerd-proxy-injector-k8s-tls', ['linkerd-proxy-injector.linkerd.svc']],
      ['linkerd-sp-validator', 'linkerd-sp-validator-k8s-tls', ['linkerd-sp-validator.linkerd.svc']],
      ['linkerd-policy-validator', 'linkerd-policy-validator-k8s-tls', ['linkerd-policy-validator.linkerd.svc']],
    ]);
    expect(find(objects, 'Issuer', 'webhook-issuer').spec).toStrictEqual({ ca: { secretName: 'webhook-issuer-tls' } });
    expect(find(objects, 'Certificate', 'linkerd-webhook-issuer').spec.issuerRef.name).toBe('linkerd-webhook-selfsigned');
  });

  it('never emits a Secret or key material', () => {
    for (const issuer of [undefined, { type: 'externalSecret', store: { name: 'v' }, remoteKey: 'k' }, { type: 'clusterIssuer', name: 'x' }]) {
      const objects = objectsWith(issuer);
      expect(objects.filter((o) => o.kind === 'Secret')).toStrictEqual([]);
      expect(JSON.stringify(objects)).not.toMatch(/PRIVATE KEY/);
    }
  });
});
