import { describe, expect, it } from 'vitest';
import { validateObjects, type KubeObject, type SchemaSources } from '../../lib/validate/index.ts';
import { objectsChecked } from '../../lib/validate/validate-objects.ts';
import { clusterObjects, gatewayLink, identityIssuerCertificate, linkerdServer, meshHttpRoute, meshNamespace } from './fixtures.ts';

const sources: SchemaSources = { linkerd: '2.20', gatewayAPI: { version: '1.2.1', channel: 'standard' } };

describe('validateObjects', () => {
  it('accepts a realistic cluster of built-in kinds and custom resources', () => {
    expect(validateObjects(clusterObjects(0), sources)).toStrictEqual([]);
  });

  it('names the object and the place of each issue', () => {
    const certificate = identityIssuerCertificate();
    const { secretName: _dropped, ...spec } = certificate.spec as Record<string, unknown>;
    const broken: KubeObject = { ...certificate, spec: { ...spec, duration: 48, renewBefor: '25h' } };
    const where = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'linkerd-identity-issuer', namespace: 'linkerd' };
    expect(validateObjects([broken], sources)).toStrictEqual([
      { ...where, path: '/spec/secretName', message: 'required field is missing' },
      { ...where, path: '/spec/renewBefor', message: 'unknown field: not in the schema (the API server would drop or reject it)' },
      { ...where, path: '/spec/duration', message: 'must be string, got number 48' },
    ]);
  });

  it('checks objects known to have passed before (lib/synth/validated-files.ts) only by the admission webhook, which reads the others too', () => {
    const certificate = identityIssuerCertificate();
    const broken: KubeObject = { ...certificate, spec: { ...(certificate.spec as object), duration: 48 } };
    // An AuthorizationPolicy targeting a Deployment: schema-valid, refused by Linkerd's webhook.
    const refused: KubeObject = {
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'p', namespace: 'app' },
      spec: { targetRef: { group: 'apps', kind: 'Deployment', name: 'x' }, requiredAuthenticationRefs: [] },
    };
    const fresh = validateObjects([broken, refused], sources).map((i) => [i.kind, i.path]);
    expect(fresh).toStrictEqual([['Certificate', '/spec/duration'], ['AuthorizationPolicy', '/spec/targetRef/kind']]);
    const before = objectsChecked();
    expect(validateObjects([broken, refused], sources, new Set([broken, refused])).map((i) => [i.kind, i.path])).toStrictEqual([['AuthorizationPolicy', '/spec/targetRef/kind']]);
    expect(objectsChecked()).toBe(before);
    validateObjects([broken, refused], sources, new Set([refused]));
    expect(objectsChecked()).toBe(before + 1);
  });

  it('rejects a Link whose gatewayPort is a number', () => {
    const link = gatewayLink('us-1');
    const broken: KubeObject = { ...link, spec: { ...(link.spec as object), gatewayPort: 4143 } };
    expect(validateObjects([broken], sources)).toStrictEqual([
      {
        apiVersion: 'multicluster.linkerd.io/v1alpha3',
        kind: 'Link',
        name: 'us-1',
        namespace: 'linkerd-multicluster',
        path: '/spec/gatewayPort',
        message: 'must be string, got number 4143',
      },
    ]);
  });

  it('accepts a Linkerd Server and a GAMMA HTTPRoute for Linkerd 2.20 with Gateway API 1.2.1', () => {
    expect(validateObjects([linkerdServer(), meshHttpRoute()], sources)).toStrictEqual([]);
  });

  it('rejects a Namespace whose label value is a number, once, with no namespace on the issue', () => {
    const namespace = meshNamespace('linkerd');
    const broken: KubeObject = { ...namespace, metadata: { ...namespace.metadata, labels: { 'linkerd.io/is-control-plane': true } } };
    expect(validateObjects([broken], sources)).toStrictEqual([
      { apiVersion: 'v1', kind: 'Namespace', name: 'linkerd', path: '/metadata/labels/linkerd.io~1is-control-plane', message: 'label value must be a string, got boolean true' },
    ]);
  });

  it('checks ObjectMeta of custom resources too (their CRD schemas only say `type: object`)', () => {
    const server = linkerdServer();
    const broken: KubeObject = { ...server, metadata: { ...server.metadata, labels: { tier: 3 }, annotaions: {} } };
    expect(validateObjects([broken], sources)).toStrictEqual([
      { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', name: 'web-http', namespace: 'app', path: '/metadata/annotaions', message: 'unknown field: not part of ObjectMeta' },
      { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', name: 'web-http', namespace: 'app', path: '/metadata/labels/tier', message: 'label value must be a string, got number 3' },
    ]);
  });

  it('rejects a Service name over 63 characters (a long mirrored `<svc>-<cluster>` name)', () => {
    const name = `${'checkout-service'.repeat(3)}-eu-central-prod-1`;
    const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'app' }, spec: { ports: [{ port: 80 }] } };
    expect(validateObjects([service], sources)).toStrictEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        name,
        namespace: 'app',
        path: '/metadata/name',
        message: `Service name must be a DNS-1035 label (start with a letter, lower-case alphanumerics and '-', at most 63), got "${name}" (${name.length})`,
      },
    ]);
  });

  it('reports built-in kinds through kubernetes-models, with paths', () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'app' },
      spec: { replicas: '2', template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    };
    expect(validateObjects([deployment], sources).map(({ path, message }) => ({ path, message }))).toStrictEqual([
      { path: '/spec/selector', message: 'required field is missing' },
      { path: '/spec/replicas', message: 'must be integer' },
    ]);
  });

  it('rejects unknown top-level fields of common built-in kinds', () => {
    const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'app' }, date: { a: 'b' } };
    expect(validateObjects([configMap], sources)).toStrictEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'app', path: '/date', message: 'unknown field: not in the schema (kubectl apply with strict field validation and the API server reject it)' },
    ]);
  });

  it('reports an object it has no schema for: a check that cannot fail is a defect', () => {
    const unknown: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'app' } };
    expect(validateObjects([unknown], { linkerd: '2.20' })).toStrictEqual([
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        name: 'w',
        namespace: 'app',
        path: '',
        message:
          'no schema for example.com/v1 Widget in Kubernetes built-in kinds, linkerd/2.20, cert-manager, trust-manager, external-secrets, sealed-secrets, argo-cd, flux: an object no schema can check is reported, not passed',
      },
    ]);
  });

  it('explains a missing Gateway API bundle and a version the bundle does not serve', () => {
    const [withoutBundle] = validateObjects([meshHttpRoute()], { linkerd: '2.20' });
    expect(withoutBundle!.message).toMatch(/no Gateway API bundle was given for this cluster/);
    const tlsRoute: KubeObject = { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TLSRoute', metadata: { name: 't', namespace: 'app' }, spec: {} };
    const [notServed] = validateObjects([tlsRoute], { gatewayAPI: { version: '1.5.1', channel: 'standard' } });
    expect(notServed!.message).toMatch(/the selected CRDs serve TLSRoute as gateway\.networking\.k8s\.io\/v1:/);
  });

  it('rejects pre-release versions of built-in APIs', () => {
    const cronJob: KubeObject = { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'heartbeat', namespace: 'linkerd' }, spec: {} };
    expect(validateObjects([cronJob], sources)).toStrictEqual([
      {
        apiVersion: 'batch/v1beta1',
        kind: 'CronJob',
        name: 'heartbeat',
        namespace: 'linkerd',
        path: '',
        message: 'no schema for batch/v1beta1 CronJob: a pre-release version of a built-in API (removed or disabled by default on supported clusters); use its GA version',
      },
    ]);
  });

  // Speed is held by `npm run bench`, not by a timed test; this checks that many clusters stay valid.
  it('validates many clusters of realistic objects without an issue', () => {
    const clusters = Array.from({ length: 50 }, (_, index) => clusterObjects(index));
    let issueCount = 0;
    for (const objects of clusters) issueCount += validateObjects(objects, sources).length;
    expect(issueCount).toBe(0);
  });
});
