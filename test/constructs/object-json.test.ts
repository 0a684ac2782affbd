// objectJson (lib/constructs/object-json.ts) must give exactly what cdk8s's toJson() gives: the same
// values in the same key order, for every object meshfleet emits, and fall back to toJson() for
// anything that is not plain data.
import { ApiObject, App, Chart, JsonPatch, Lazy, Testing, type ApiObjectProps, type IResolver, type ResolutionContext } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Certificate } from '../../imports/cert-manager.io.ts';
import { generateFleet } from '../../bench/generate-fleet.ts';
import { loadInput } from '../../lib/cli/load-input.ts';
import { ClusterApplications, clusterApplicationObjects } from '../../lib/constructs/delivery/argocd/cluster-applications.ts';
import { ClusterSteps, clusterStepsObjects } from '../../lib/constructs/delivery/flux/cluster-steps.ts';
import { ComponentRelease, componentReleaseObjects } from '../../lib/constructs/delivery/flux/component-release.ts';
import { MeshRelease, meshReleaseObjects } from '../../lib/constructs/delivery/flux/mesh-release.ts';
import { fastJson, objectJson, plainObjectJson } from '../../lib/constructs/object-json.ts';
import { renderFleet } from '../../lib/synth/render.ts';
import { planFleet } from '../../lib/synth/plan.ts';
import { REPO } from '../support/fleet.ts';

// Every object the pipeline turns into JSON is found with ApiObject.isApiObject (objectFilesOf and the
// GitOps files): recorded there, the real check still answers.
const seen = new Set<ApiObject>();
const isApiObject = ApiObject.isApiObject.bind(ApiObject);
vi.spyOn(ApiObject, 'isApiObject').mockImplementation((o: unknown): o is ApiObject => {
  const is = isApiObject(o);
  if (is) seen.add(o as ApiObject);
  return is;
});

/** The same values and the same key order at every depth (toStrictEqual ignores key order). */
function expectSameJson(actual: unknown, expected: unknown, where: string): void {
  expect(JSON.stringify(actual), where).toBe(JSON.stringify(expected));
  expect(actual, where).toStrictEqual(expected);
}

/** Renders a fleet document and compares each object's fast JSON with cdk8s's; returns the counts. */
function compareAll(document: unknown, baseDir: string, apps?: Parameters<typeof renderFleet>[3]): { fast: number; fallback: string[] } {
  seen.clear();
  const plan = planFleet(document, { baseDir });
  if (!plan.fleet) throw new Error(plan.diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  renderFleet(plan.fleet, { charts: {} } as never, {}, apps);
  let fast = 0;
  const fallback: string[] = [];
  for (const o of seen) {
    const expected = o.toJson();
    const json = fastJson(o);
    if (json === undefined) fallback.push(o.node.path);
    else {
      fast++;
      expectSameJson(json, expected, o.node.path);
    }
    expectSameJson(objectJson(o), expected, o.node.path);
  }
  return { fast, fallback };
}

describe('objectJson equals cdk8s toJson()', () => {
  it('for every object of the example fleet, as fleet file and as TypeScript', async () => {
    const yaml = await loadInput(join(REPO, 'apps', 'fleet.yaml'));
    const fromYaml = compareAll(yaml.document, yaml.baseDir);
    expect(fromYaml.fast).toBeGreaterThan(100);
    // meshfleet's own objects are plain data: none takes the slow path.
    expect(fromYaml.fallback).toStrictEqual([]);

    const ts = await loadInput(join(REPO, 'apps', 'main.ts'));
    const fromTs = compareAll(ts.document, ts.baseDir, ts.apps);
    expect(fromTs.fast).toBeGreaterThan(fromYaml.fast);
    // Only the applications' own cdk8s-plus objects (Lazy values), compared above all the same; the
    // mesh chart's copies of them are plain.
    expect(fromTs.fallback.length).toBeGreaterThan(0);
    expect(fromTs.fallback.filter((path) => path.startsWith('mesh/') || path.startsWith('routes/'))).toStrictEqual([]);
  });

  it('for every object of a generated 100-cluster fleet', () => {
    const counts = compareAll(generateFleet(100), REPO);
    expect(counts.fast).toBeGreaterThan(5000);
    expect(counts.fallback).toStrictEqual([]);
  });
});

describe('objectJson on plain data', () => {
  const chart = () => Testing.chart();

  it('sorts keys, drops null and undefined, keeps empty values outside metadata, and puts apiVersion, kind, metadata first', () => {
    const o = new ApiObject(chart(), 'o', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: {}, annotations: { b: '2', a: '1' }, finalizers: [] },
      data: { z: 'last', a: 'first', '10': 'ten', '2': 'two', gone: undefined, nil: null as never },
      binaryData: {},
      list: [null, { b: [], a: {} }, 'x'],
    } as never);
    const json = fastJson(o)!;
    expect(Object.keys(json)).toStrictEqual(['apiVersion', 'kind', 'metadata', 'binaryData', 'data', 'list']);
    expect(json.metadata).toStrictEqual({ annotations: { a: '1', b: '2' }, name: 'x' });
    expectSameJson(json, o.toJson(), 'plain');
  });

  it('drops empty arrays and objects in metadata at any depth, as cdk8s does', () => {
    const o = new ApiObject(chart(), 'o', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'x', ownerReferences: [{ apiVersion: 'v1', kind: 'A', name: 'a', uid: 'u', extra: {} } as never], managedFields: [] },
    });
    o.metadata.add('deep', { keep: 'x', drop: {}, alsoDrop: [] });
    expectSameJson(fastJson(o), o.toJson(), 'metadata');
    expect((fastJson(o)!.metadata as any).deep).toStrictEqual({ keep: 'x' });
  });

  it('applies JSON patches', () => {
    const o = new ApiObject(chart(), 'o', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } });
    o.addJsonPatch(JsonPatch.add('/spec/ports/0/appProtocol', 'http'), JsonPatch.remove('/metadata/labels'));
    expectSameJson(fastJson(o), o.toJson(), 'patched');
  });

  it('maps an imported kind through its generated toJson_ function (isCa → isCA)', () => {
    const c = new Certificate(chart(), 'c', { metadata: { name: 'c' }, spec: { secretName: 's', isCa: true, issuerRef: { name: 'i', kind: 'Issuer' } } });
    const json = fastJson(c)!;
    expect(json.spec).toStrictEqual({ isCA: true, issuerRef: { kind: 'Issuer', name: 'i' }, secretName: 's' });
    expectSameJson(json, c.toJson(), 'imported');
  });
});

describe('objectJson metadata and imported kinds', () => {
  it('reads the metadata fields in sorted order, with chart labels, and drops empty ones', () => {
    const chart = new Chart(Testing.app(), 'c', { labels: { 'z.dev/chart': 'c', 'a.dev/chart': 'a' }, namespace: 'ns' });
    const o = new ApiObject(chart, 'o', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: { 'm.dev/own': 'm' }, annotations: {}, finalizers: ['f'], ownerReferences: [] },
    });
    const json = fastJson(o)!;
    expect(Object.keys(json.metadata as object)).toStrictEqual(['finalizers', 'labels', 'name', 'namespace']);
    expect(Object.keys((json.metadata as any).labels)).toStrictEqual(['a.dev/chart', 'm.dev/own', 'z.dev/chart']);
    expectSameJson(json, o.toJson(), 'six fields');
    const unnamed = new ApiObject(Testing.chart(), 'unnamed', { apiVersion: 'v1', kind: 'ConfigMap' });
    expectSameJson(fastJson(unnamed), unnamed.toJson(), 'generated name, nothing else');
  });

  it('places other metadata attributes among the fields in sorted order', () => {
    const o = new ApiObject(Testing.chart(), 'o', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', generateName: 'x-', uid: 'u', annotations: { a: '1' } } as never,
    });
    o.metadata.add('aaa', 'first');
    const json = fastJson(o)!;
    expect(Object.keys(json.metadata as object)).toStrictEqual(['aaa', 'annotations', 'generateName', 'name', 'uid']);
    expectSameJson(json, o.toJson(), 'extra attributes');
  });

  it('maps a patched imported kind with extra metadata as its toJson() does', () => {
    const c = new Certificate(Testing.chart(), 'c', { metadata: { name: 'c', namespace: 'n', labels: { b: '2', a: '1' } }, spec: { secretName: 's', isCa: true, issuerRef: { name: 'i', kind: 'Issuer' }, dnsNames: ['b', 'a'] } });
    c.metadata.add('generateName', 'c-');
    c.addJsonPatch(JsonPatch.add('/spec/duration', '1h'));
    const json = fastJson(c)!;
    expect(Object.keys(json)).toStrictEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect((json.spec as any).duration).toBe('1h');
    expectSameJson(json, c.toJson(), 'patched imported');
  });
});

describe('objectJson falls back to toJson()', () => {
  it('for a Lazy value', () => {
    const o = new ApiObject(Testing.chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: Lazy.any({ produce: () => 'late' }) } });
    expect(fastJson(o)).toBeUndefined();
    expect(objectJson(o)).toStrictEqual(o.toJson());
    expect((objectJson(o) as any).data).toStrictEqual({ a: 'late' });
  });

  it('for cdk8s-plus workloads, with a patch as MeshedWorkload adds', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [{ image: 'ghcr.io/acme/web:1.0.0', portNumber: 8080 }] });
    const service = deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
    ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/ports/0/appProtocol', 'http'));
    const objects = chart.node.findAll().filter(ApiObject.isApiObject);
    expect(objects.length).toBeGreaterThan(1);
    for (const o of objects) {
      expect(fastJson(o), o.node.path).toBeUndefined();
      expectSameJson(objectJson(o), o.toJson(), o.node.path);
    }
  });

  it('for an app with resolvers of its own', () => {
    const upper: IResolver = {
      resolve(context: ResolutionContext) {
        if (context.value === 'x') context.replaceValue('X');
      },
    };
    const o = new ApiObject(new Chart(new App({ resolvers: [upper] }), 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'x' } });
    expect(fastJson(o)).toBeUndefined();
    expect((objectJson(o) as any).data).toStrictEqual({ a: 'X' });
  });

  it('for a class instance in the props and for a construct overriding toJson()', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const withInstance = new ApiObject(Testing.chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { p: new Point(1) } });
    expect(fastJson(withInstance)).toBeUndefined();
    expect(() => objectJson(withInstance)).toThrow(/non-simple object of type 'Point'/);

    class Custom extends ApiObject {
      override toJson(): any {
        return { ...super.toJson(), extra: true };
      }
    }
    const custom = new Custom(Testing.chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(fastJson(custom)).toBeUndefined();
    expect(objectJson(custom)).toMatchObject({ extra: true });
  });

  it("for data whose `constructor` is Object but not as a {}'s is (a deeper chain, a key of that name), which cdk8s reads its own way", () => {
    const deeper = Object.create({ inherited: 1 }) as Record<string, unknown>;
    deeper.own = 'x';
    const deep = new ApiObject(Testing.chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { p: deeper } } as ApiObjectProps);
    expect(fastJson(deep)).toBeUndefined();
    expect(objectJson(deep)).toStrictEqual(deep.toJson());
    // cdk8s refuses a map with a key named constructor; so does objectJson, through it.
    const named = new ApiObject(Testing.chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: JSON.parse('{"constructor": "Object", "a": 1}') } as ApiObjectProps);
    expect(fastJson(named)).toBeUndefined();
    expect(() => objectJson(named)).toThrow(/non-simple object/);
    // A {} is plain, at any depth.
    const plain = new ApiObject(Testing.chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { p: { q: {} } } } as ApiObjectProps);
    expect(fastJson(plain)).toStrictEqual(plain.toJson());
  });
});

describe('plainObjectJson equals the JSON of the ApiObject its props make', () => {
  const viaConstruct = (props: ApiObjectProps) => new ApiObject(new Chart(Testing.app(), 'c', { disableResourceNameHashes: true }), 'o', props).toJson();

  it('for plain props: keys sorted, empty metadata fields dropped, other metadata attributes in place', () => {
    const cases: Parameters<typeof plainObjectJson>[0][] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n', labels: { b: '2', a: '1' }, annotations: {}, finalizers: [] }, data: { z: 'z', a: 'a', gone: undefined } } as never,
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a', finalizers: ['f'], labels: undefined }, spec: { b: [null, { d: {}, c: [] }], a: 1 } } as never,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', generateName: 'x-', uid: 'u', annotations: { a: '1' } } as never },
    ];
    for (const props of cases) expectSameJson(plainObjectJson(props), viaConstruct(props), JSON.stringify(props));
  });

  it('renders through cdk8s what is not plain data, and refuses an object without a name', () => {
    const lazy = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: Lazy.any({ produce: () => 'late' }) } };
    expect((plainObjectJson(lazy) as any).data).toStrictEqual({ a: 'late' });
    expect(() => plainObjectJson({ apiVersion: 'v1', kind: 'ConfigMap' } as never)).toThrow(/ConfigMap without metadata.name/);
  });

  it('for a cluster Applications of the example fleet, as the ClusterApplications construct renders them', async () => {
    const yaml = await loadInput(join(REPO, 'apps', 'fleet.yaml'));
    const plan = planFleet(yaml.document, { baseDir: yaml.baseDir });
    const fleet = plan.fleet!;
    const rendered = renderFleet(fleet, { charts: {} } as never);
    let compared = 0;
    for (const env of fleet.delivery.environments) {
      if (env.engine !== 'argocd') continue;
      for (const r of rendered.clusters.filter((c) => c.cluster.environment === env.environment)) {
        const props = { fleet: fleet.name, cluster: r.cluster.name, environment: env, clusterDelivery: fleet.delivery.clusters.get(r.cluster.name)!, components: rendered.delivery.components.get(r.cluster.name)! };
        const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
        new ClusterApplications(chart, 'Applications', props);
        const expected = chart.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson());
        expectSameJson(clusterApplicationObjects(props), expected, r.cluster.name);
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});

describe('the Flux constructs and their plain objects', () => {
  it('ClusterSteps, MeshRelease and ComponentRelease render what their object functions make, from Git, HTTPS and OCI', async () => {
    const yaml = await loadInput(join(REPO, 'apps', 'fleet.yaml'));
    const fleet = planFleet(yaml.document, { baseDir: yaml.baseDir }).fleet!;
    const rendered = renderFleet(fleet, { charts: {} } as never);
    const flux = fleet.delivery.environments.find((e) => e.engine === 'flux')!;
    const r = rendered.clusters.find((c) => c.cluster.environment === flux.environment)!;
    const components = rendered.delivery.components.get(r.cluster.name)!;
    const constructed = (build: (scope: Chart) => void) => {
      const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
      build(chart);
      return chart.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson());
    };
    const labels = { 'meshfleet.dev/cluster': r.cluster.name };
    const steps = { cluster: r.cluster.name, environment: flux, clusterDelivery: fleet.delivery.clusters.get(r.cluster.name)!, components, labels: () => labels, gitSource: 'repo', stepFolder: (c: { name: string }) => `steps/${c.name}` };
    expectSameJson(clusterStepsObjects(steps), constructed((chart) => new ClusterSteps(chart, 'Steps', steps)), 'steps');
    let compared = 0;
    for (const component of components) {
      const common = { name: `${r.cluster.name}-${component.name}`, namespace: 'flux-system', labels, interval: '5m', dependsOn: [{ name: 'before' }], kubeConfig: { secretRef: { name: 'kc' } } };
      if (component.kind === 'upstream-chart') {
        for (const helmRepository of ['https://helm.linkerd.io/edge', 'oci://registry.example/charts']) {
          const props = { ...common, component, helmRepository, helmSourceName: 'linkerd', valuesFile: 'values.yaml' };
          expectSameJson(componentReleaseObjects(props), constructed((chart) => new ComponentRelease(chart, 'Release', props)), `${component.name} ${helmRepository}`);
          compared++;
        }
      }
      if (component.kind === 'mesh') {
        const charts = [{ from: 'git', name: 'mesh', version: '1.0.0', path: 'c/mesh' }, { from: 'repository', name: 'mesh', version: '1.0.0', repository: 'https://charts.example' }, { from: 'repository', name: 'mesh', version: '1.0.0', repository: 'oci://registry.example/mesh' }] as const;
        for (const chart of charts) {
          const props = { ...common, component: { ...component, chart }, gitSourceName: 'repo', gitChartPath: 'c/mesh', helmSourceName: 'mesh', wait: false };
          expectSameJson(meshReleaseObjects(props), constructed((scope) => new MeshRelease(scope, 'Release', props)), `${component.name} ${chart.from === 'git' ? 'git' : chart.repository}`);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(3);
  });
});
