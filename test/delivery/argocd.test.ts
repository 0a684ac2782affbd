// Argo CD delivery: Applications per component in sync waves (docs/reference/gitops-delivery.md), multi-source with
// values from Git, the options each component needs, app-of-apps roots, and the ApplicationSet.
import { describe, expect, it } from 'vitest';
import { PHASES } from '../../lib/constructs/delivery/phases.ts';
import { validateObjects } from '../../lib/validate/index.ts';
import { generateApplications } from './application-set.ts';
import { byName, deliveryDocument, deliveryObjects, gatewayUpstream, objectsOf, renderOutput, REPO_URL, withMulticluster } from './support.ts';

type Json = Record<string, any>;
const PREFIX = 'deploy/charts-out/';
const WAVE = 'argocd.argoproj.io/sync-wave';

function everyDeliveryObjectIsValid(files: ReadonlyMap<string, string>) {
  const objects = deliveryObjects(files).map((o) => o.object);
  expect(objects.length).toBeGreaterThan(0);
  expect(validateObjects(objects as never, {})).toStrictEqual([]);
}

describe('Argo CD app-of-apps', () => {
  const { files } = renderOutput(deliveryDocument('argocd'), { alter: withMulticluster, gatewayAPI: gatewayUpstream });
  const apps = byName(objectsOf(files, 'prod/gitops/argocd/clusters/a.yaml'), 'Application');

  it('emits only objects that validate against the Argo CD CRDs', () => everyDeliveryObjectIsValid(files));

  it('orders a cluster\'s Applications by sync waves in the order of the phases', () => {
    expect([...apps.values()].map((a) => [a.metadata.name, a.metadata.labels['meshfleet.dev/phase'], Number(a.metadata.annotations[WAVE])])).toStrictEqual([
      ['a-gateway-api-crds', 'gateway-api-crds', 0],
      ['a-linkerd-crds', 'linkerd-crds', 1],
      ['a-mesh', 'issuer', 2],
      ['a-linkerd-control-plane', 'control-plane', 3],
      ['a-linkerd-multicluster', 'multicluster', 4],
      ['a-mesh-links', 'links', 5],
    ]);
    const waves = [...apps.values()].map((a) => Number(a.metadata.annotations[WAVE]));
    expect(waves).toStrictEqual([...waves].sort((x, y) => x - y));
    for (const app of apps.values()) expect(Number(app.metadata.annotations[WAVE])).toBe(PHASES.indexOf(app.metadata.labels['meshfleet.dev/phase']));
  });

  it('takes upstream charts from the Helm repository with their values from Git ($values paths that exist)', () => {
    for (const app of apps.values()) {
      for (const source of app.spec.sources ?? []) {
        for (const valueFile of source.helm?.valueFiles ?? []) {
          expect(valueFile.startsWith(`$values/${PREFIX}`)).toBe(true);
          expect(files.has(valueFile.slice(`$values/${PREFIX}`.length))).toBe(true);
          expect(app.spec.sources).toContainEqual({ repoURL: REPO_URL, targetRevision: 'main', ref: 'values' });
        }
      }
    }
    expect(apps.get('a-linkerd-control-plane')!.spec.sources[0]).toStrictEqual({
      repoURL: 'https://helm.linkerd.io/edge',
      chart: 'linkerd-control-plane',
      targetRevision: '2026.6.3',
      helm: { releaseName: 'linkerd-control-plane', valueFiles: ['$values/deploy/charts-out/prod/a/values/linkerd-control-plane.yaml'] },
    });
  });

  it('deploys the mesh/ chart from Git; when Links need a later phase, both parts from manifests/', () => {
    const plain = renderOutput(deliveryDocument('argocd')).files;
    const mesh = byName(objectsOf(plain, 'prod/gitops/argocd/clusters/a.yaml'), 'Application').get('a-mesh')!;
    expect(mesh.spec.source).toStrictEqual({ repoURL: REPO_URL, targetRevision: 'main', path: `${PREFIX}prod/a/mesh` });
    expect(plain.has('prod/a/mesh/Chart.yaml')).toBe(true);
    // Links need linkerd-multicluster's CRD, so they cannot go with the issuer, and a chart cannot be split.
    const manifests = { repoURL: REPO_URL, targetRevision: 'main', path: `${PREFIX}prod/a/manifests` };
    const meshFiles = 'linkerd-namespace.yaml,identity-issuer.yaml,webhook-certificates.yaml,multicluster-namespace.yaml';
    expect(apps.get('a-mesh')!.spec.source).toStrictEqual({ ...manifests, directory: { include: `{${meshFiles}}` } });
    expect(apps.get('a-mesh-links')!.spec.source).toStrictEqual({ ...manifests, directory: { include: 'links.yaml' } });
    for (const file of [...meshFiles.split(','), 'links.yaml']) expect(files.has(`prod/a/manifests/${file}`)).toBe(true);
    expect(apps.get('a-mesh-links')!.spec.syncPolicy.syncOptions).toStrictEqual(['SkipDryRunOnMissingResource=true']);
  });

  it('applies large CRDs server-side, never prunes CRDs, and skips dry runs where CRDs come from another Application', () => {
    const options = (name: string) => [apps.get(name)!.spec.syncPolicy.syncOptions ?? [], apps.get(name)!.spec.syncPolicy.automated, apps.get(name)!.metadata.finalizers ?? []];
    expect(options('a-gateway-api-crds')).toStrictEqual([['ServerSideApply=true'], { prune: false, selfHeal: true }, []]);
    expect(options('a-linkerd-crds')).toStrictEqual([['CreateNamespace=true', 'ServerSideApply=true'], { prune: false, selfHeal: true }, []]);
    expect(options('a-mesh')).toStrictEqual([['SkipDryRunOnMissingResource=true'], { prune: true, selfHeal: true }, ['resources-finalizer.argocd.argoproj.io']]);
    expect(options('a-linkerd-control-plane')).toStrictEqual([['RespectIgnoreDifferences=true'], { prune: true, selfHeal: true }, ['resources-finalizer.argocd.argoproj.io']]);
    // The Link CRD: never pruned; its namespace comes from the mesh, so no CreateNamespace.
    expect(options('a-linkerd-multicluster')).toStrictEqual([['SkipDryRunOnMissingResource=true'], { prune: false, selfHeal: true }, []]);
    expect(apps.get('a-gateway-api-crds')!.spec.source).toStrictEqual({ repoURL: 'https://github.com/kubernetes-sigs/gateway-api', targetRevision: 'v1.2.1', path: 'config/crd/standard' });
  });

  it('reads vendored Gateway API CRDs from the cluster\'s output in Git', () => {
    const vendored = renderOutput(deliveryDocument('argocd'), { gatewayAPI: (r) => ({ kind: 'vendored', path: `${r.folder}/gateway-api` }) }).files;
    const app = byName(objectsOf(vendored, 'prod/gitops/argocd/clusters/a.yaml'), 'Application').get('a-gateway-api-crds')!;
    expect([app.spec.source, app.metadata.annotations[WAVE]]).toStrictEqual([{ repoURL: REPO_URL, targetRevision: 'main', path: `${PREFIX}prod/a/gateway-api` }, '0']);
  });

  it('ignores the webhook caBundle cert-manager injects, by API group without version', () => {
    expect(apps.get('a-linkerd-control-plane')!.spec.ignoreDifferences).toStrictEqual([
      { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
    ]);
    for (const { object } of deliveryObjects(files)) {
      for (const rule of object.spec?.ignoreDifferences ?? []) expect(rule.group).not.toContain('/');
    }
  });

  it('has one root per environment over its Applications, and a fleet root creating them in rollout order', () => {
    const dev = objectsOf(files, 'dev/gitops/argocd/root.yaml')[0];
    const prod = objectsOf(files, 'prod/gitops/argocd/root.yaml')[0];
    expect([dev.metadata.name, dev.metadata.annotations[WAVE], prod.metadata.name, prod.metadata.annotations[WAVE]]).toStrictEqual(['test-dev', '0', 'test-prod', '1']);
    expect(prod.spec.source).toStrictEqual({ repoURL: REPO_URL, targetRevision: 'main', path: `${PREFIX}prod/gitops/argocd/clusters`, directory: { recurse: false } });
    const fleetRoot = objectsOf(files, 'gitops/argocd/root.yaml')[0];
    expect(fleetRoot.spec.source).toStrictEqual({
      repoURL: REPO_URL,
      targetRevision: 'main',
      path: 'deploy/charts-out',
      directory: { recurse: true, include: '{dev/gitops/argocd/root.yaml,prod/gitops/argocd/root.yaml}' },
    });
  });

  it('documents the Application health check in an argocd-cm patch', () => {
    const [cm, ...rest] = objectsOf(files, 'gitops/argocd/argocd-cm-patch.yaml');
    expect(rest).toStrictEqual([]);
    expect(cm.metadata).toStrictEqual({ name: 'argocd-cm', namespace: 'argocd', labels: { 'app.kubernetes.io/part-of': 'argocd' } });
    expect(cm.data['resource.customizations.health.argoproj.io_Application']).toContain('obj.status.health.status');
  });

  it('lists the files in index.json', () => {
    const index = JSON.parse(files.get('index.json')!);
    expect(index.gitops.files).toStrictEqual(['gitops/argocd/root.yaml', 'gitops/argocd/argocd-cm-patch.yaml']);
    expect(index.environments.map((e: Json) => e.gitops)).toStrictEqual([
      { engine: 'argocd', entry: 'dev/gitops/argocd/root.yaml', files: ['dev/gitops/argocd/clusters/d1.yaml', 'dev/gitops/argocd/root.yaml'] },
      { engine: 'argocd', entry: 'prod/gitops/argocd/root.yaml', files: ['prod/gitops/argocd/clusters/a.yaml', 'prod/gitops/argocd/clusters/b.yaml', 'prod/gitops/argocd/root.yaml'] },
    ]);
    for (const path of [...index.gitops.files, ...index.environments.flatMap((e: Json) => e.gitops.files)]) expect(files.has(path)).toBe(true);
  });
});

describe('Argo CD ApplicationSet', () => {
  const appOfApps = renderOutput(deliveryDocument('argocd'), { alter: withMulticluster, gatewayAPI: gatewayUpstream }).files;
  const list = renderOutput(deliveryDocument('argocd', (doc) => (doc.spec.delivery.argocd = { generator: 'list' })), { alter: withMulticluster, gatewayAPI: gatewayUpstream }).files;
  const clusters = renderOutput(deliveryDocument('argocd', (doc) => (doc.spec.delivery.argocd = { generator: 'clusters' })), { alter: withMulticluster, gatewayAPI: gatewayUpstream }).files;
  const appSet = objectsOf(list, 'gitops/argocd/applicationset.yaml')[0];

  it('emits only objects that validate, with Go templates and RollingSync', () => {
    everyDeliveryObjectIsValid(list);
    everyDeliveryObjectIsValid(clusters);
    expect([appSet.kind, appSet.spec.goTemplate, appSet.spec.strategy.type]).toStrictEqual(['ApplicationSet', true, 'RollingSync']);
    expect([...list.keys()].filter((p) => p.includes('gitops'))).toStrictEqual(['gitops/argocd/applicationset.yaml', 'gitops/argocd/argocd-cm-patch.yaml']);
  });

  it('rolls out environment by environment in rollout order, and phase by phase within one', () => {
    const steps = appSet.spec.strategy.rollingSync.steps.map((s: Json) => s.matchExpressions.map((e: Json) => e.values[0]).join('/'));
    expect(steps).toStrictEqual([
      'dev/gateway-api-crds', 'dev/linkerd-crds', 'dev/issuer', 'dev/control-plane', 'dev/multicluster', 'dev/links',
      'prod/gateway-api-crds', 'prod/linkerd-crds', 'prod/issuer', 'prod/control-plane', 'prod/multicluster', 'prod/links',
    ]);
  });

  it('generates the same Applications as app-of-apps, synced by RollingSync instead of automatically', () => {
    const expected = ['dev/gitops/argocd/clusters/d1.yaml', 'prod/gitops/argocd/clusters/a.yaml', 'prod/gitops/argocd/clusters/b.yaml']
      .flatMap((p) => objectsOf(appOfApps, p))
      .map((app) => {
        const { [WAVE]: _wave, ...annotations } = app.metadata.annotations;
        const { automated: _automated, ...syncPolicy } = app.spec.syncPolicy;
        return { ...app, metadata: { ...app.metadata, annotations: Object.keys(annotations).length ? annotations : undefined }, spec: { ...app.spec, syncPolicy } };
      })
      .map((app) => JSON.parse(JSON.stringify(app)));
    const generated = generateApplications(appSet, () => '').map((app) => {
      // The template names server and Argo CD cluster name; one of them is empty.
      const { server, name, namespace } = app.spec.destination;
      return { ...app, spec: { ...app.spec, destination: { ...(server ? { server } : {}), ...(name ? { name } : {}), namespace } } };
    });
    expect(generated).toStrictEqual(expected);
    expect(validateObjects(generated as never, {})).toStrictEqual([]);
  });

  it('with the cluster generator, takes each cluster\'s server from its Argo CD cluster Secret', () => {
    const set = objectsOf(clusters, 'gitops/argocd/applicationset.yaml')[0];
    expect(set.spec.generators[0].matrix.generators[0]).toStrictEqual({ clusters: { selector: { matchLabels: { 'meshfleet.dev/fleet': 'test', 'meshfleet.dev/cluster': 'd1' } } } });
    const generated = generateApplications(set, (c) => `https://${c}.registered.example`);
    expect(new Set(generated.map((a) => `${a.metadata.labels['meshfleet.dev/cluster']} ${a.spec.destination.server} ${a.spec.destination.name}`))).toStrictEqual(
      new Set(['d1 https://d1.registered.example ', 'a https://a.registered.example ', 'b https://b.registered.example ']),
    );
  });

  it('enables progressive syncs, which RollingSync needs', () => {
    const [, params] = objectsOf(list, 'gitops/argocd/argocd-cm-patch.yaml');
    expect(params.data).toStrictEqual({ 'applicationsetcontroller.enable.progressive.syncs': 'true' });
  });
});
