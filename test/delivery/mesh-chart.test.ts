// The mesh objects delivered as the versioned mesh/ chart (delivery.mesh.source chart or
// chart-repository) rather than manifests/: what each engine is told (paths, versions, values),
// that the real helm renders the Git chart, the packaged .tgz and the chart from a served chart
// repository into exactly the objects of manifests/, and that the first install still converges.
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/main.ts';
import type { Component, MeshComponent } from '../../lib/constructs/delivery/components.ts';
import { packageChart, repositoryIndex } from '../../lib/output/chart-package.ts';
import { simulate } from '../../lib/rollout/simulate.ts';
import { validateObjects } from '../../lib/validate/validate-objects.ts';
import { exampleDocument, errorsOf, plan, REPO } from '../support/fleet.ts';
import { runHelm, runHelmAsync } from '../support/tools.ts';
import { renderDocument, type RenderedFleet } from '../rollout/support.ts';
import { fleetFileOutputCopy } from './support.ts';

type Json = any;
const APPS = join(REPO, 'apps');
const OUT = join(REPO, 'charts-out');

/** The example fleet with every environment's mesh taken from `mesh`, prod by `prodEngine`. */
function exampleWith(mesh: Json, prodEngine: Json = { engine: 'flux', repo: { tag: 'prod' } }): Json {
  const doc = exampleDocument();
  doc.spec.delivery.mesh = mesh;
  for (const env of Object.values<Json>(doc.spec.environments)) if (env.delivery) delete env.delivery.mesh;
  doc.spec.environments.prod.delivery = prodEngine;
  return doc;
}

const docsOf = (text: string): Json[] => parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o && typeof o === 'object');
const fileDocs = (fleet: RenderedFleet, path: string): Json[] => docsOf(fleet.rendered.files.get(path) ?? '');
const meshParts = (fleet: RenderedFleet, cluster: string) => fleet.rendered.delivery.components.get(cluster)!.filter((c: Component): c is MeshComponent => c.kind === 'mesh' && c.name !== 'routes');
/** Objects keyed and sorted, so two renders compare whatever their document order. */
const keyed = (objects: readonly Json[]) => objects.map((o) => [`${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, o] as const).sort(([a], [b]) => (a < b ? -1 : 1));
/** What helm template prints, less the `# Source:` comments (YAML comments, not objects). */
const helmObjects = (text: string) => keyed(docsOf(text));
const manifestObjects = (folder: string, files?: readonly string[]) => {
  const kustomization = parse(readFileSync(join(OUT, folder, 'manifests', 'kustomization.yaml'), 'utf8'));
  return keyed((files ?? kustomization.resources).flatMap((f: string) => docsOf(readFileSync(join(OUT, folder, 'manifests', f), 'utf8'))));
};
const CLUSTERS = ['dev/dev-1', 'staging/staging-1', 'prod/eu-1', 'prod/eu-2', 'prod/us-1', 'prod/us-2'];
const chartFiles = (folder: string): Map<string, string> => {
  const files = new Map<string, string>();
  for (const rel of ['Chart.yaml', 'values.yaml']) files.set(rel, readFileSync(join(OUT, folder, 'mesh', rel), 'utf8'));
  const kustomization = parse(readFileSync(join(OUT, folder, 'manifests', 'kustomization.yaml'), 'utf8'));
  for (const f of kustomization.resources) files.set(`templates/${f}`, readFileSync(join(OUT, folder, 'mesh', 'templates', f), 'utf8'));
  return files;
};
const chartVersion = (folder: string) => parse(readFileSync(join(OUT, folder, 'mesh', 'Chart.yaml'), 'utf8')).version as string;

describe('delivery.mesh: the model', () => {
  it('defaults to manifests/: no environment of a fleet without the setting gets a chart', () => {
    const fleet = renderDocument(exampleWith(undefined, { engine: 'argocd' }), APPS);
    for (const components of fleet.rendered.delivery.components.values()) {
      for (const c of components) if (c.kind === 'mesh') expect(c.chart).toBeUndefined();
    }
    const app = fileDocs(fleet, 'prod/gitops/argocd/clusters/eu-1.yaml').find((a) => a.metadata.name === 'eu-1-mesh-links')!;
    expect(app.spec.source.path).toBe('charts-out/prod/eu-1/manifests');
    expect(app.spec.source.directory.include).toBe('{links.yaml,remote-access.yaml}');
  });

  it('needs a chart repository for source chart-repository, and warns about one nothing uses', () => {
    const missing = exampleDocument();
    missing.spec.environments.staging.delivery = { mesh: { source: 'chart-repository' } };
    expect(errorsOf(missing)).toContainEqual(['/spec/environments/staging/delivery/mesh/source', expect.stringContaining('takes its mesh charts from a chart repository, but none is named')]);
    const unused = exampleDocument();
    unused.spec.delivery.mesh = { chartRepository: 'https://charts.acme.example/mesh' };
    const warnings = plan(unused).diagnostics.filter((d) => d.severity === 'warning' && d.path === '/spec/delivery/mesh/chartRepository');
    expect(warnings.map((d) => d.message)).toContain('environment "dev" takes its mesh objects from manifests/, so this chart repository is not used');
    const bad = exampleDocument();
    bad.spec.delivery.mesh = { source: 'helm' };
    expect(errorsOf(bad).map(([path]) => path)).toContain('/spec/delivery/mesh/source');
  });
});

describe('delivery.mesh: what each engine is told', () => {
  it('Argo CD, chart from Git: each part is the chart folder with its release name and its template files', () => {
    const fleet = renderDocument(exampleWith({ source: 'chart' }, { engine: 'argocd' }), APPS);
    expect(fleet.rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    const apps = fileDocs(fleet, 'prod/gitops/argocd/clusters/eu-1.yaml');
    for (const part of meshParts(fleet, 'eu-1')) {
      const app = apps.find((a) => a.metadata.name === `eu-1-${part.name}`)!;
      expect(app.spec.source).toStrictEqual({
        repoURL: 'https://git.acme.example/platform/mesh.git',
        targetRevision: 'main',
        path: 'charts-out/prod/eu-1/mesh',
        helm: { releaseName: part.name, valuesObject: { files: [...part.files!] } },
      });
      expect(fleet.rendered.files.has('prod/eu-1/mesh/Chart.yaml')).toBe(true);
      for (const f of part.files!) expect(fleet.rendered.files.has(`prod/eu-1/mesh/templates/${f}`)).toBe(true);
    }
    // routes/ is not part of the chart: still a folder of manifests.
    const routes = apps.find((a) => a.metadata.name === 'eu-1-routes')!;
    expect(routes.spec.source.path).toBe('charts-out/prod/eu-1/routes');
  });

  it('Argo CD, chart repository (https or OCI): the chart of the cluster at the version Chart.yaml holds', () => {
    for (const [repository, repoURL] of [['https://charts.acme.example/mesh', 'https://charts.acme.example/mesh'], ['oci://registry.acme.example/mesh', 'registry.acme.example/mesh']]) {
      const fleet = renderDocument(exampleWith({ source: 'chart-repository', chartRepository: repository }, { engine: 'argocd', argocd: { generator: 'list' } }), APPS);
      expect(fleet.rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
      const version = parse(fleet.rendered.files.get('prod/us-1/mesh/Chart.yaml')!).version;
      const set = fileDocs(fleet, 'gitops/argocd/applicationset.yaml')[0];
      const elements = set.spec.generators.flatMap((g: Json) => g.list?.elements ?? []);
      const mesh = elements.find((e: Json) => e.app === 'us-1-mesh');
      expect(mesh.source).toStrictEqual({ repoURL, chart: 'mesh-us-1', targetRevision: version, helm: { releaseName: 'mesh', valuesObject: { files: expect.any(Array) } } });
    }
  });

  it('Flux, chart from Git: a HelmRelease per part from the GitRepository folder, applied by the part\'s step', () => {
    const fleet = renderDocument(exampleDocument(), APPS); // the example: prod takes the chart from Git
    expect(fleet.rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    const steps = fileDocs(fleet, 'prod/gitops/flux/clusters/eu-1.yaml');
    for (const part of meshParts(fleet, 'eu-1')) {
      const step = steps.find((k) => k.metadata.name === `eu-1-${part.name}`)!;
      expect(step.spec.path).toBe(`./charts-out/prod/gitops/flux/steps/eu-1/${part.name}`);
      // The HelmRelease lives beside Flux; it carries the cluster's kubeConfig itself.
      expect(step.spec.kubeConfig).toBeUndefined();
      expect(step.spec.wait).toBe(part.name !== 'mesh-link-credentials');
      const [release] = fileDocs(fleet, `prod/gitops/flux/steps/eu-1/${part.name}/release.yaml`);
      expect(release.kind).toBe('HelmRelease');
      expect(release.spec.chart.spec).toStrictEqual({ chart: './charts-out/prod/eu-1/mesh', sourceRef: { kind: 'GitRepository', name: 'meshfleet-prod' }, reconcileStrategy: 'ChartVersion', interval: '5m' });
      expect(release.spec.values).toStrictEqual({ files: [...part.files!] });
      expect(release.spec.releaseName).toBe(part.name);
      expect(release.spec.kubeConfig).toStrictEqual({ secretRef: { name: 'eu-1-kubeconfig' } });
      // Helm writes its record before any object, and the chart itself creates linkerd.
      expect(release.spec.storageNamespace).toBe('default');
      // A part that waits on another cluster is Ready once installed, so it holds nothing.
      expect(release.spec.install.disableWait ?? false).toBe(part.name === 'mesh-link-credentials');
      // Its dependsOn names releases its step also waits for, nothing more.
      const stepDeps = (step.spec.dependsOn ?? []).map((d: Json) => d.name);
      for (const d of release.spec.dependsOn ?? []) expect(stepDeps).toContain(d.name);
    }
    // No engine creates the namespace the mesh chart's release owns (Helm adopts nothing).
    const [crds] = fileDocs(fleet, 'prod/gitops/flux/steps/eu-1/linkerd-crds/release.yaml');
    expect(crds.spec.install.createNamespace).toBe(false);
    expect(crds.spec.storageNamespace).toBe('default');
  });

  it('Flux, chart repository: a HelmRepository with the chart at its version, or an OCIRepository at the version tag', () => {
    const https = renderDocument(exampleWith({ source: 'chart-repository', chartRepository: 'https://charts.acme.example/mesh' }), APPS);
    const version = parse(https.rendered.files.get('prod/eu-2/mesh/Chart.yaml')!).version;
    const sources = fileDocs(https, 'gitops/flux/sources.yaml');
    expect(sources.find((s) => s.metadata.name === 'meshfleet-charts-prod')!.spec.url).toBe('https://charts.acme.example/mesh');
    const [release] = fileDocs(https, 'prod/gitops/flux/steps/eu-2/mesh/release.yaml');
    expect(release.spec.chart.spec).toMatchObject({ chart: 'mesh-eu-2', version, sourceRef: { kind: 'HelmRepository', name: 'meshfleet-charts-prod' } });

    const oci = renderDocument(exampleWith({ source: 'chart-repository', chartRepository: 'oci://registry.acme.example/mesh' }), APPS);
    const docs = fileDocs(oci, 'prod/gitops/flux/steps/eu-2/mesh/release.yaml');
    const repository = docs.find((d) => d.kind === 'OCIRepository')!;
    expect(repository.spec).toMatchObject({ url: 'oci://registry.acme.example/mesh/mesh-eu-2', ref: { tag: version } });
    expect(docs.find((d) => d.kind === 'HelmRelease')!.spec.chartRef).toStrictEqual({ kind: 'OCIRepository', name: 'eu-2-mesh' });
  });
});

describe('delivery.mesh: the new objects are validated against the Argo CD and Flux CRD schemas', () => {
  it('accepts what meshfleet writes and refuses a field the CRD lacks or a value it does not allow', () => {
    const flux = renderDocument(exampleWith({ source: 'chart-repository', chartRepository: 'oci://registry.acme.example/mesh' }), APPS);
    const argo = renderDocument(exampleWith({ source: 'chart' }, { engine: 'argocd' }), APPS);
    const release = fileDocs(flux, 'prod/gitops/flux/steps/eu-1/mesh-links/release.yaml');
    const apps = fileDocs(argo, 'prod/gitops/argocd/clusters/eu-1.yaml');
    expect(validateObjects([...release, ...apps], {})).toStrictEqual([]);
    const helmRelease = structuredClone(release.find((d) => d.kind === 'HelmRelease')!);
    helmRelease.spec.install.disableWait = 'yes';
    const app = structuredClone(apps.find((a) => a.metadata.name === 'eu-1-mesh-links')!);
    app.spec.source.helm.valuesFiles = ['x'];
    expect(validateObjects([helmRelease, app], {}).map((i) => `${i.kind} ${i.path}`)).toEqual(expect.arrayContaining(['HelmRelease /spec/install/disableWait', 'Application /spec/source/helm/valuesFiles']));
  });
});

describe('delivery.mesh: the real helm renders the chart into the objects of manifests/', () => {
  it('renders each cluster\'s Git chart, whole and part by part as the engines ask, into the manifests\' objects', async () => {
    const example = renderDocument(exampleDocument(), APPS);
    await Promise.all(
      CLUSTERS.map(async (folder) => {
        const chart = join(OUT, folder, 'mesh');
        expect(helmObjects(await runHelmAsync(['template', 'mesh', chart]))).toStrictEqual(manifestObjects(folder));
        for (const part of meshParts(example, folder.split('/')[1])) {
          if (!part.files) continue;
          const rendered = await runHelmAsync(['template', part.name, chart, '--set-json', `files=${JSON.stringify(part.files)}`]);
          expect(helmObjects(rendered)).toStrictEqual(manifestObjects(folder, part.files));
        }
      }),
    );
  }, 120_000);

  it('packages byte-identical .tgz files that helm renders like the Git chart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-package-'));
    for (const folder of CLUSTERS) {
      const first = packageChart(chartFiles(folder));
      const second = packageChart(new Map([...chartFiles(folder)].reverse()));
      expect(second.bytes.equals(first.bytes)).toBe(true);
      expect(first.file).toBe(`mesh-${folder.split('/')[1]}-${chartVersion(folder)}.tgz`);
      writeFileSync(join(dir, first.file), first.bytes);
      expect(runHelm(['show', 'chart', join(dir, first.file)])).toBe(runHelm(['show', 'chart', join(OUT, folder, 'mesh')]));
      expect(helmObjects(runHelm(['template', 'mesh', join(dir, first.file)]))).toStrictEqual(manifestObjects(folder));
    }
  }, 120_000);

  describe('served as a chart repository', () => {
    let server: Server;
    let url: string;
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meshfleet-repo-'));
      const packages = CLUSTERS.map((folder) => packageChart(chartFiles(folder)));
      mkdirSync(join(dir, 'charts'));
      for (const p of packages) writeFileSync(join(dir, 'charts', p.file), p.bytes);
      writeFileSync(join(dir, 'charts', 'index.yaml'), repositoryIndex(packages));
      server = createServer((req, res) => {
        try {
          res.end(readFileSync(join(dir, 'charts', (req.url ?? '/').slice(1))));
        } catch {
          res.statusCode = 404;
          res.end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('has an index.yaml listing every chart with its version and the digest of its .tgz, and helm installs from it', async () => {
      const index = parse(readFileSync(join(dir, 'charts', 'index.yaml'), 'utf8'));
      expect(index.apiVersion).toBe('v1');
      expect(Object.keys(index.entries).sort()).toStrictEqual(CLUSTERS.map((c) => `mesh-${c.split('/')[1]}`).sort());
      for (const folder of CLUSTERS) {
        const [entry] = index.entries[`mesh-${folder.split('/')[1]}`];
        expect(entry.version).toBe(chartVersion(folder));
        expect(entry.digest).toBe(createHash('sha256').update(readFileSync(join(dir, 'charts', entry.urls[0]))).digest('hex'));
      }
      // Helm reads the index as a repository, resolves the relative URL and renders the chart.
      const env = { HELM_REPOSITORY_CONFIG: join(dir, 'repositories.yaml'), HELM_REPOSITORY_CACHE: join(dir, 'cache') };
      await runHelmAsync(['repo', 'add', 'meshtest', url], { env });
      const search = await runHelmAsync(['search', 'repo', 'meshtest/', '-o', 'json'], { env });
      expect(JSON.parse(search).map((c: Json) => `${c.name}@${c.version}`).sort()).toStrictEqual(CLUSTERS.map((c) => `meshtest/mesh-${c.split('/')[1]}@${chartVersion(c)}`).sort());
      const rendered = await runHelmAsync(['template', 'mesh', 'meshtest/mesh-eu-1', '--version', chartVersion('prod/eu-1')], { env });
      expect(helmObjects(rendered)).toStrictEqual(manifestObjects('prod/eu-1'));
    }, 120_000);
  });

  it('meshfleet package writes the charts of chart-repository environments and their index, the same bytes twice', async () => {
    const to = join(mkdtempSync(join(tmpdir(), 'meshfleet-package-cli-')), 'packages');
    const io = { out: () => {}, err: () => {} };
    expect(await runCli(['package', join(APPS, 'main.ts'), '--out', OUT, '--to', to], io)).toBe(0);
    const file = `mesh-staging-1-${chartVersion('staging/staging-1')}.tgz`;
    const bytes = readFileSync(join(to, file));
    const index = parse(readFileSync(join(to, 'index.yaml'), 'utf8'));
    expect(Object.keys(index.entries)).toStrictEqual(['mesh-staging-1']);
    expect(await runCli(['package', join(APPS, 'main.ts'), '--out', OUT, '--to', to], io)).toBe(0);
    expect(readFileSync(join(to, file)).equals(bytes)).toBe(true);
    expect(await runCli(['package', join(APPS, 'main.ts'), '--out', OUT, '--to', to, '--all'], io)).toBe(0);
    expect(Object.keys(parse(readFileSync(join(to, 'index.yaml'), 'utf8')).entries)).toHaveLength(CLUSTERS.length);
    // Never into the output folder, which synth replaces whole.
    expect(await runCli(['package', join(APPS, 'main.ts'), '--out', OUT, '--to', join(OUT, 'packages')], io)).toBe(2);
  }, 120_000);
});

it('meshfleet package refuses charts the output folder does not hold as synth would write them', async () => {
  const out = await fleetFileOutputCopy();
  const template = join(out, 'staging', 'staging-1', 'mesh', 'templates', 'identity-issuer.yaml');
  writeFileSync(template, readFileSync(template, 'utf8').replace('duration: ', 'duration:  '));
  const err: string[] = [];
  const to = join(mkdtempSync(join(tmpdir(), 'meshfleet-package-stale-')), 'packages');
  expect(await runCli(['package', join(APPS, 'fleet.yaml'), '--out', out, '--to', to], { out: () => {}, err: (t) => err.push(t) })).toBe(1);
  expect(err.join('')).toContain('staging/staging-1/mesh/templates/identity-issuer.yaml); run meshfleet synth and commit the output first');
}, 120_000);

/** Every permutation of the names (720 for the example's 6 clusters). */
function permutations(names: readonly string[]): string[][] {
  if (names.length <= 1) return [[...names]];
  return names.flatMap((name, i) => permutations([...names.slice(0, i), ...names.slice(i + 1)]).map((rest) => [name, ...rest]));
}

describe('delivery.mesh: the first install with the mesh as Helm releases', () => {
  for (const [label, mesh, prod] of [
    ['Flux HelmReleases from the Git chart (the example)', undefined, undefined],
    ['every environment from an OCI chart repository, prod by Argo CD app-of-apps', { source: 'chart-repository', chartRepository: 'oci://registry.acme.example/mesh' }, { engine: 'argocd' }],
    ['every environment from the Git chart, prod by Flux', { source: 'chart' }, { engine: 'flux', repo: { tag: 'prod' } }],
  ] as const) {
    it(`converges in all 720 orders of the clusters: ${label}`, () => {
      const fleet = renderDocument(mesh === undefined ? exampleDocument() : exampleWith(mesh, prod), APPS);
      expect(fleet.rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
      expect(fleet.model.steps.some((s) => s.component.kind === 'mesh' && s.component.chart)).toBe(true);
      for (const order of permutations(fleet.model.clusters.map((c) => c.name))) {
        const result = simulate(fleet.model, order);
        expect(result.stuck.map((o) => o.step.id)).toStrictEqual([]);
        expect(result.waitingOnAbsent.filter((w) => w.through === 'wait')).toStrictEqual([]);
      }
    }, 120_000);
  }

  it('knows the HelmRelease gates: the step of a mesh part waits for its release, and no release record waits on a namespace the mesh chart makes', () => {
    const fleet = renderDocument(exampleDocument(), APPS);
    const step = fleet.model.steps.find((s) => s.id === 'eu-1-mesh')!;
    expect(step.order).toContain('HelmRelease of chart mesh-eu-1');
    const crds = fleet.model.steps.find((s) => s.id === 'eu-1-linkerd-crds')!;
    // The release record of linkerd-crds goes to default, so it waits on no namespace the mesh makes.
    expect(crds.units.flatMap((u) => u.waits).filter((w) => w.fact.kind === 'namespace')).toStrictEqual([]);
    expect(crds.createsNamespace).toBeUndefined();
  });
});
