// The delivery part of the fleet model: defaults, merge per environment, and the checks with their
// JSON pointers and fixes.
import { describe, expect, it } from 'vitest';
import { plan } from '../support/fleet.ts';
import { deliveryDocument, REPO_URL } from './support.ts';

const diagnosticsOf = (doc: unknown) => plan(doc).diagnostics.map((d) => [d.severity, d.path, d.message, d.fix]);
const errorsOf = (doc: unknown) => plan(doc).diagnostics.filter((d) => d.severity === 'error').map((d) => [d.path, d.message]);

describe('delivery settings', () => {
  it('default to no engine, the edge Helm repository, branch main and charts-out/', () => {
    const { fleet } = plan(deliveryDocument('argocd', (doc) => delete doc.spec.delivery));
    expect(fleet!.delivery.environments.map((e) => [e.environment, e.engine, e.helmRepository, e.repo, e.chartMajor])).toStrictEqual([
      ['dev', 'none', 'https://helm.linkerd.io/edge', { url: '', revision: { kind: 'branch', value: 'main' }, path: 'charts-out' }, 0],
      ['prod', 'none', 'https://helm.linkerd.io/edge', { url: '', revision: { kind: 'branch', value: 'main' }, path: 'charts-out' }, 0],
    ]);
  });

  it('merge per environment; a revision set by an environment replaces the fleet\'s', () => {
    const { fleet } = plan(
      deliveryDocument('argocd', (doc) => {
        doc.spec.delivery.repo.branch = 'release';
        doc.spec.environments.prod = { delivery: { engine: 'flux', repo: { tag: 'prod-2026-11' }, chartMajor: 2, flux: { interval: '2m' } } };
      }),
    );
    const [dev, prod] = fleet!.delivery.environments;
    expect([dev.engine, dev.repo.revision, dev.argocd]).toStrictEqual(['argocd', { kind: 'branch', value: 'release' }, { namespace: 'argocd', project: 'default', generator: 'app-of-apps' }]);
    expect([prod.engine, prod.repo, prod.chartMajor, prod.flux]).toStrictEqual([
      'flux',
      { url: REPO_URL, revision: { kind: 'tag', value: 'prod-2026-11' }, path: 'deploy/charts-out' },
      2,
      { namespace: 'flux-system', interval: '2m', remoteClusters: true },
    ]);
  });

  it('list the rollout order first, the other environments after it', () => {
    const { fleet } = plan(deliveryDocument('flux', (doc) => {
      doc.spec.environments = { a: {}, dev: {}, prod: {} };
      doc.spec.delivery.rollout = ['prod', 'dev'];
    }));
    expect(fleet!.delivery.environments.map((e) => [e.environment, e.rolloutIndex])).toStrictEqual([['prod', 0], ['dev', 1], ['a', undefined]]);
  });

  it('name each cluster\'s destination: server, Argo CD cluster name (default: its own name), kubeConfig Secret', () => {
    const { fleet } = plan(deliveryDocument('argocd', (doc) => {
      doc.spec.clusters[0].delivery = { argocd: { server: 'https://d1.example.com:6443', project: 'platform' } };
      doc.spec.clusters[1].delivery = { argocd: { name: 'in-argo-a' } };
      doc.spec.environments.prod = { delivery: { engine: 'flux' } };
      doc.spec.clusters[2].delivery = { flux: { kubeConfigSecret: 'b-admin', kubeConfigKey: 'value.yaml' } };
    }));
    const clusters = fleet!.delivery.clusters;
    expect(clusters.get('d1')!.argocd).toStrictEqual({ destination: { server: 'https://d1.example.com:6443' }, project: 'platform' });
    expect(clusters.get('a')!.argocd.destination).toStrictEqual({ name: 'in-argo-a' });
    expect(clusters.get('a')!.flux.kubeConfig).toStrictEqual({ secretName: 'a-kubeconfig' });
    expect(clusters.get('b')!.flux.kubeConfig).toStrictEqual({ secretName: 'b-admin', key: 'value.yaml' });
  });
});

describe('delivery checks', () => {
  it('reject a rollout order naming an unknown environment, or one twice', () => {
    expect(diagnosticsOf(deliveryDocument('argocd', (doc) => (doc.spec.delivery.rollout = ['dev', 'qa', 'prod', 'dev'])))).toStrictEqual([
      ['error', '/spec/delivery/rollout/1', 'environment "qa" in the rollout order is not declared', 'use one of: dev, prod, or declare it under spec.environments'],
      ['error', '/spec/delivery/rollout/3', 'environment "dev" appears twice in the rollout order (also /spec/delivery/rollout/0)', 'list each environment once'],
    ]);
  });

  it('require a Git repository wherever an engine is set, pointing at the layer that set the engine', () => {
    const doc = deliveryDocument('argocd', (doc) => {
      delete doc.spec.delivery.repo;
      doc.spec.delivery.engine = 'none';
      doc.spec.environments.prod = { delivery: { engine: 'flux' } };
    });
    expect(diagnosticsOf(doc)).toStrictEqual([
      ['warning', '/spec/delivery/rollout/0', 'environment "dev" has no delivery engine, so the rollout order cannot hold anything back for it', 'set delivery.engine for dev, or remove it from spec.delivery.rollout'],
      ['error', '/spec/environments/prod/delivery/engine', 'environment "prod" is delivered by Flux but no Git repository is set', 'set spec.delivery.repo.url (or spec.environments.prod.delivery.repo.url) to the repository where charts-out/ is committed'],
    ]);
  });

  it('warn when environments in the rollout order are delivered in ways that cannot wait for each other', () => {
    const doc = deliveryDocument('argocd', (doc) => (doc.spec.environments.prod = { delivery: { engine: 'flux' } }));
    expect(diagnosticsOf(doc)).toStrictEqual([
      ['warning', '/spec/delivery/rollout/1', 'prod (Flux) cannot wait for dev (Argo CD app-of-apps): neither sees the other\'s health', 'deliver environments that must roll out in order the same way, or gate prod with its own repo.branch or repo.tag and promote by moving it'],
    ]);
    const mixedArgo = deliveryDocument('argocd', (doc) => (doc.spec.environments.prod = { delivery: { argocd: { generator: 'list' } } }));
    expect(diagnosticsOf(mixedArgo).map((d) => d[2])).toStrictEqual(['prod (Argo CD ApplicationSet) cannot wait for dev (Argo CD app-of-apps): neither sees the other\'s health']);
  });

  it('reject a repository URL Flux cannot fetch, and more than one revision', () => {
    const doc = deliveryDocument('flux', (doc) => {
      doc.spec.delivery.repo = { url: 'git@git.example.com:platform/mesh.git', branch: 'main', tag: 'v1' };
    });
    expect(diagnosticsOf(doc)).toStrictEqual([
      ['error', '/spec/delivery/repo', 'the repository revision is given as branch and tag', 'set exactly one of branch, tag or commit'],
      ['error', '/spec/delivery/repo/url', 'Flux cannot fetch "git@git.example.com:platform/mesh.git": GitRepository takes http(s):// or ssh:// URLs', 'write it as ssh://git@git.example.com/platform/mesh.git'],
    ]);
  });

  it('reject Flux without remote clusters for an environment of several clusters', () => {
    const doc = deliveryDocument('flux', (doc) => (doc.spec.environments.prod = { delivery: { flux: { remoteClusters: false } } }));
    expect(errorsOf(doc)).toStrictEqual([['/spec/environments/prod/delivery/flux/remoteClusters', 'Flux without remote clusters applies to the one cluster it runs in, but environment "prod" has 2 (a, b)']]);
  });

  it('reject names that would collide with the GitOps folders, and a destination given twice', () => {
    const doc = deliveryDocument('argocd', (doc) => {
      doc.spec.clusters[1].name = 'gitops';
      doc.spec.clusters[0].delivery = { argocd: { server: 'https://d1.example.com', name: 'd1' } };
    });
    expect(errorsOf(doc)).toStrictEqual([
      ['/spec/clusters/0/delivery/argocd', 'cluster "d1" sets both an Argo CD server and a cluster name'],
      ['/spec/clusters/1/name', 'a cluster named "gitops" would share charts-out/prod/gitops/ with the environment\'s GitOps files'],
    ]);
  });

  it('warn about settings for an engine the environment does not use, or that the cluster generator ignores', () => {
    const doc = deliveryDocument('argocd', (doc) => {
      doc.spec.delivery.argocd = { generator: 'clusters' };
      doc.spec.clusters[0].delivery = { argocd: { server: 'https://d1.example.com' }, flux: { kubeConfigSecret: 'd1' } };
    });
    expect(diagnosticsOf(doc).map((d) => [d[0], d[1], d[2]])).toStrictEqual([
      ['warning', '/spec/clusters/0/delivery/argocd', 'the cluster generator takes d1\'s server from Argo CD, so this destination is not used'],
      ['warning', '/spec/clusters/0/delivery/flux', 'environment "dev" is delivered by Argo CD, so these Flux settings are not used'],
    ]);
  });

  it('check shapes with the schema, with fixes', () => {
    const doc = deliveryDocument('argocd', (doc) => {
      doc.spec.delivery.engine = 'jenkins';
      doc.spec.delivery.helmRepository = 'helm.linkerd.io/edge';
      doc.spec.delivery.repo.path = '../charts-out';
      doc.spec.delivery.chartMajor = -1;
    });
    expect(diagnosticsOf(doc).map((d) => [d[1], d[3]])).toStrictEqual([
      ['/spec/delivery/engine', 'use one of: "argocd", "flux", "none"'],
      ['/spec/delivery/repo/path', 'give the folder of charts-out/ relative to the repository root, without a leading or trailing "/" or "..", e.g. "deploy/charts-out" ("" for the root)'],
      ['/spec/delivery/helmRepository', 'give the Helm repository of the Linkerd charts as an https:// or oci:// URL without a trailing "/", e.g. "https://helm.linkerd.io/edge"'],
      ['/spec/delivery/chartMajor', 'give the mesh chart major version as a whole number, e.g. 1'],
    ]);
  });
});
