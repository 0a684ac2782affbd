// GIVEN a fleet delivered from a private repository, or to Argo CD clusters registered by name or by
// server WHEN it is synthesized THEN the Flux GitRepository reads the credentials by reference
// (secretRef), secrets themselves are refused, and Argo CD Applications name their destination the
// way the environment says (destination.name or destination.server), with an error when a cluster
// has no URL to name.
import { describe, expect, it } from 'vitest';
import { validateObjects } from '../../lib/validate/index.ts';
import { errorsOf, plan } from '../support/fleet.ts';
import { deliveryDocument, objectsOf, renderOutput } from './support.ts';

type Json = Record<string, any>;
const gitRepositories = (files: ReadonlyMap<string, string>) => objectsOf(files, 'gitops/flux/sources.yaml').filter((o) => o.kind === 'GitRepository');
const destinations = (files: ReadonlyMap<string, string>, cluster: string) =>
  objectsOf(files, `${cluster === 'd1' ? 'dev' : 'prod'}/gitops/argocd/clusters/${cluster}.yaml`).map((a) => a.spec.destination);

describe('delivery.repo credentials by reference', () => {
  it('gives the Flux GitRepository a secretRef, valid against the Flux CRD', () => {
    const { files } = renderOutput(deliveryDocument('flux', (d) => (d.spec.delivery.repo.secretRef = { name: 'mesh-repo-auth' })));
    const [repo] = gitRepositories(files);
    expect(repo.spec.secretRef).toStrictEqual({ name: 'mesh-repo-auth' });
    expect(validateObjects([repo] as never, {})).toStrictEqual([]);
  });

  it('writes no secretRef for a public repository', () => {
    const { files } = renderOutput(deliveryDocument('flux'));
    expect(gitRepositories(files)[0].spec.secretRef).toBeUndefined();
  });

  it('lets an environment with its own repository bring its own credentials (one source each)', () => {
    const { files } = renderOutput(
      deliveryDocument('flux', (d) => {
        d.spec.delivery.repo.secretRef = { name: 'fleet-auth' };
        d.spec.environments.prod = { delivery: { repo: { tag: 'prod', secretRef: { name: 'prod-auth' } } } };
      }),
    );
    expect(gitRepositories(files).map((r) => [r.metadata.name, r.spec.ref, r.spec.secretRef.name])).toStrictEqual([
      ['meshfleet', { branch: 'main' }, 'fleet-auth'],
      ['meshfleet-prod', { tag: 'prod' }, 'prod-auth'],
    ]);
  });

  it('refuses anything but a reference: credentials inline are not a field', () => {
    const errors = errorsOf(deliveryDocument('flux', (d) => (d.spec.delivery.repo.secretRef = { name: 'auth', password: 'hunter2hunter2' })));
    expect(errors.map(([path]) => path)).toStrictEqual(['/spec/delivery/repo/secretRef/password']);
  });
});

describe('Argo CD destination naming', () => {
  const withServers = (d: Json) => d.spec.clusters.forEach((c: Json) => (c.apiServer = `https://${c.name}.example:6443`));

  it('keeps today\'s default: name unless the cluster gives delivery.argocd.server', () => {
    const { files } = renderOutput(deliveryDocument('argocd', (d) => (d.spec.clusters[1].delivery = { argocd: { server: 'https://a.registered:443' } })));
    expect(new Set(destinations(files, 'd1').map((d) => d.name))).toStrictEqual(new Set(['d1']));
    expect(new Set(destinations(files, 'a').map((d) => d.server))).toStrictEqual(new Set(['https://a.registered:443']));
  });

  it('destination: server names every cluster by its server (delivery.argocd.server, else apiServer)', () => {
    const doc = deliveryDocument('argocd', (d) => {
      withServers(d);
      d.spec.delivery.argocd = { destination: 'server' };
      d.spec.clusters[1].delivery = { argocd: { server: 'https://a.registered:443' } };
    });
    const { files } = renderOutput(doc);
    expect(destinations(files, 'd1').every((d) => d.server === 'https://d1.example:6443' && d.name === undefined)).toBe(true);
    expect(destinations(files, 'a').every((d) => d.server === 'https://a.registered:443')).toBe(true);
  });

  it('destination: name names every cluster by its Argo CD name, and warns about a server it does not use', () => {
    const doc = deliveryDocument('argocd', (d) => {
      withServers(d);
      d.spec.environments.prod = { delivery: { argocd: { destination: 'name' } } };
      d.spec.clusters[1].delivery = { argocd: { server: 'https://a.registered:443' } };
      d.spec.clusters[2].delivery = { argocd: { name: 'b-in-argo' } };
    });
    const { files } = renderOutput(doc);
    expect(destinations(files, 'a').every((d) => d.name === 'a' && d.server === undefined)).toBe(true);
    expect(destinations(files, 'b').every((d) => d.name === 'b-in-argo')).toBe(true);
    const warnings = plan(doc).diagnostics.filter((d) => d.severity === 'warning' && d.path === '/spec/clusters/1/delivery/argocd/server');
    expect(warnings.map((w) => w.message)).toStrictEqual(['Argo CD destinations of environment "prod" are named by name, so this server is not used']);
  });

  it('destination: server without any URL for a cluster is an error naming the cluster', () => {
    const errors = errorsOf(deliveryDocument('argocd', (d) => (d.spec.delivery.argocd = { destination: 'server' })));
    expect(errors).toStrictEqual([['/spec/clusters/0', 'Argo CD destinations of environment "dev" are named by server, and cluster "d1" has no API server URL']]);
  });
});
