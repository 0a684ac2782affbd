// Built-in kinds validated like the API server with strict field validation (lib/validate/core-kinds.ts):
// unknown fields at any depth, port ranges, list-map keys, required fields as the server enforces
// them, nulls read as absent. Each case failed (was accepted or falsely rejected) before.
import { readdirSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { BUILT_IN_GROUPS, coreKindValidator, EMITTED_CORE_KINDS, isCoreKind, isPrereleaseCoreApiVersion } from '../../lib/validate/core-kinds.ts';
import { validationLibraries } from '../../lib/validation-libraries.ts';
import { validateObjects, type KubeObject } from '../../lib/validate/index.ts';

const sources = {};
const pathsOf = (object: KubeObject) => validateObjects([object], sources).map((issue) => `${issue.path}: ${issue.message}`);

function deployment(spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}, extraContainers: object[] = []): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'app' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: '1' }], ...container }, ...extraContainers] },
      },
      ...spec,
    },
  };
}

function service(ports: object[], spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'app' }, spec: { selector: { app: 'web' }, ports, ...spec } };
}

describe('built-in kinds: strict fields at any depth', () => {
  it('accepts a plain Deployment and Service', () => {
    expect(pathsOf(deployment())).toStrictEqual([]);
    expect(pathsOf(service([{ name: 'http', port: 80, targetPort: 8080 }, { name: 'grpc', port: 9090, targetPort: 'grpc' }]))).toStrictEqual([]);
  });

  it.each([
    ['Deployment spec.replicaz', deployment({ replicaz: 3 }), '/spec/replicaz'],
    ['container portz', deployment({}, { portz: [{ containerPort: 80 }] }), '/spec/template/spec/containers/0/portz'],
    ['pod template metadata labelz', deployment({ template: { metadata: { labelz: { a: 'b' } }, spec: { containers: [{ name: 'a', image: 'b' }] } } }), '/spec/template/metadata/labelz'],
    ['Service spec.portz', service([{ port: 80 }], { portz: [] }), '/spec/portz'],
    ['a port field inside a Service port', service([{ port: 80, targetPortz: 1 }]), '/spec/ports/0/targetPortz'],
  ])('rejects %s', (_, object, path) => {
    expect(pathsOf(object)).toStrictEqual([`${path}: unknown field: not in the schema (kubectl apply with strict field validation and the API server reject it)`]);
  });
});

describe('built-in kinds: value ranges and names the API server checks', () => {
  it('rejects a Service port of 700000 and a container port of 0', () => {
    expect(pathsOf(service([{ port: 700000 }]))).toStrictEqual(['/spec/ports/0/port: must be between 1 and 65535, inclusive, got 700000']);
    expect(pathsOf(deployment({}, { ports: [{ containerPort: 0 }] }))).toStrictEqual(['/spec/template/spec/containers/0/ports/0/containerPort: must be between 1 and 65535, inclusive, got 0']);
  });

  it('rejects a targetPort name that is no IANA service name, negative replicas and unnamed ports of a multi-port Service', () => {
    expect(pathsOf(service([{ port: 80, targetPort: 'HTTP_port' }]))[0]).toMatch(/^\/spec\/ports\/0\/targetPort: must be a port number or an IANA service name/);
    expect(pathsOf(deployment({ replicas: -1 }))).toStrictEqual(['/spec/replicas: must be greater than or equal to 0, got -1']);
    expect(pathsOf(service([{ port: 80 }, { port: 81 }]))).toStrictEqual([
      '/spec/ports/0/name: required field is missing: a Service with more than one port must name each port',
      '/spec/ports/1/name: required field is missing: a Service with more than one port must name each port',
    ]);
  });
});

describe('built-in kinds: list-map keys', () => {
  it('rejects Service ports with the same port and protocol (protocol defaults to TCP)', () => {
    expect(pathsOf(service([{ name: 'a', port: 80 }, { name: 'b', port: 80, protocol: 'TCP' }]))).toStrictEqual([
      '/spec/ports/1: duplicate entry: same port+protocol (80,"TCP") as entry 0 (x-kubernetes-list-type: map); give each entry its own port and protocol',
    ]);
    expect(pathsOf(service([{ name: 'a', port: 53, protocol: 'UDP' }, { name: 'b', port: 53, protocol: 'TCP' }]))).toStrictEqual([]);
  });

  it('rejects containers with the same name, container ports and env entries repeated', () => {
    expect(pathsOf(deployment({}, {}, [{ name: 'web', image: 'x' }]))).toStrictEqual([
      '/spec/template/spec/containers/1: duplicate entry: same name ("web") as entry 0 (x-kubernetes-list-type: map); give each entry its own name',
    ]);
    expect(pathsOf(deployment({}, { env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }))).toStrictEqual([
      '/spec/template/spec/containers/0/env/1: duplicate entry: same name ("A") as entry 0 (x-kubernetes-list-type: map); give each entry its own name',
    ]);
    expect(pathsOf(deployment({}, { ports: [{ containerPort: 80 }, { containerPort: 80, protocol: 'TCP' }] }))).toHaveLength(1);
  });
});

describe('built-in kinds: null is absent, required as the server enforces it', () => {
  it('accepts a Namespace with `annotations:` null (linkerd viz install output)', () => {
    expect(pathsOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'linkerd-viz', annotations: null, labels: { a: 'b' } } })).toStrictEqual([]);
  });

  it('accepts an EndpointSlice without endpoints (Gateway API conformance applies such slices)', () => {
    const slice: KubeObject = {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', namespace: 'app' }, addressType: 'IPv4', ports: [{ name: 'http', port: 80 }],
    };
    expect(pathsOf(slice)).toStrictEqual([]);
    expect(pathsOf({ ...slice, endpoints: null })).toStrictEqual([]);
  });

  it('still requires what the server requires: a container image-less Deployment without containers', () => {
    expect(pathsOf({ ...deployment(), spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: {} } } })).toContain('/spec/template/spec/containers: required field is missing');
  });
});

describe('built-in kinds: which apiVersions are looked up in kubernetes-models', () => {
  it('finds a kind of every group and version the package holds, and looks no custom group up', () => {
    // One resource kind per group/version folder of the package: a group left out by the lookup's
    // guard (core-kinds.ts BUILT_IN_GROUPS) would find no validator here.
    const root = join(dirname(createRequire(import.meta.url).resolve('kubernetes-models/package.json')));
    const folders = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('_'));
    // The guard's groups are the package's, no more and no fewer (the core group's folders are its versions).
    expect([...BUILT_IN_GROUPS].sort()).toStrictEqual([...new Set(folders.map((f) => (/^v\d/.test(f.name) ? '' : f.name)))].sort());
    const versions = folders.flatMap((group) => {
      const inGroup = readdirSync(join(root, group.name), { withFileTypes: true }).filter((e) => e.isDirectory());
      // The core group's versions are top-level folders (v1/); the others nest (apps/v1/).
      return /^v\d/.test(group.name) ? [{ apiVersion: group.name, folder: join(root, group.name) }] : inGroup.map((v) => ({ apiVersion: `${group.name}/${v.name}`, folder: join(root, group.name, v.name) }));
    });
    expect(versions.length).toBeGreaterThan(40);
    for (const { apiVersion, folder } of versions) {
      const kinds = readdirSync(folder).filter((f) => /^[A-Z]\w*\.js$/.test(f)).map((f) => f.slice(0, -3));
      const resource = kinds.find((kind) => {
        const model = createRequire(import.meta.url)(`kubernetes-models/${apiVersion}/${kind}`)[kind] as { apiVersion?: string; kind?: string } | undefined;
        return model?.apiVersion === apiVersion && model.kind === kind;
      });
      if (!resource) continue;
      const found = /^(?:.*\/)?v\d+$/.test(apiVersion) ? coreKindValidator(apiVersion, resource) !== undefined : isPrereleaseCoreApiVersion(apiVersion, resource);
      expect(found, `${apiVersion} ${resource}`).toBe(true);
    }
    for (const [apiVersion, kind] of [['cert-manager.io/v1', 'Certificate'], ['helm.toolkit.fluxcd.io/v2', 'HelmRelease'], ['gateway.networking.k8s.io/v1', 'HTTPRoute']]) expect(coreKindValidator(apiVersion!, kind!)).toBeUndefined();
  });

  it('tells a built-in kind from a custom one as the validator lookup does, loading no model for a kind meshfleet emits', async () => {
    // The rollout asks this of every kind it orders, in runs that validate nothing (lib/rollout/object-waits.ts).
    // The libraries hold a model for each kind meshfleet emits.
    const models = validationLibraries().emittedCoreKind;
    expect(Object.keys(models).sort()).toStrictEqual([...EMITTED_CORE_KINDS].sort());
    const emitted = [...EMITTED_CORE_KINDS].map((key) => key.split(' ') as [string, string]);
    expect(emitted.length).toBeGreaterThan(3);
    vi.resetModules();
    const loaded: string[] = [];
    vi.doMock('../../lib/validation-libraries.ts', () => ({
      validationLibraries: () => ({ ...validationLibraries(), emittedCoreKind: Object.fromEntries(Object.entries(models).map(([key, load]) => [key, () => (loaded.push(key), load())])) }),
    }));
    try {
      const fresh = await import('../../lib/validate/core-kinds.ts');
      for (const [apiVersion, kind] of emitted) expect(fresh.isCoreKind(apiVersion, kind), `${apiVersion} ${kind}`).toBe(true);
      expect(loaded).toStrictEqual([]);
      // The same answer as the lookup of a validator, which loads each model.
      for (const [apiVersion, kind] of emitted) expect(fresh.coreKindValidator(apiVersion, kind), `${apiVersion} ${kind}`).toBeDefined();
      expect(loaded).toHaveLength(emitted.length);
    } finally {
      vi.doUnmock('../../lib/validation-libraries.ts');
      vi.resetModules();
    }
    // A built-in kind meshfleet does not emit is looked up; a custom one is not built in.
    expect(isCoreKind('batch/v1', 'Job')).toBe(true);
    for (const [apiVersion, kind] of [['cert-manager.io/v1', 'Certificate'], ['gateway.networking.k8s.io/v1', 'HTTPRoute'], ['v1', 'NoSuchKind']]) expect(isCoreKind(apiVersion!, kind!), `${apiVersion} ${kind}`).toBe(false);
  });

  it("does not look a custom group up, one under k8s.io neither (Gateway API's): no resolution that fails", () => {
    const modules = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
    const resolve = modules._resolveFilename;
    const asked: string[] = [];
    modules._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
      asked.push(request);
      return resolve.call(this, request, ...rest);
    };
    try {
      for (const [apiVersion, kind] of [['gateway.networking.k8s.io/v1', 'GRPCRoute'], ['gateway.networking.k8s.io/v1beta1', 'ReferenceGrant'], ['policy.linkerd.io/v1beta3', 'Server']]) expect(coreKindValidator(apiVersion!, kind!)).toBeUndefined();
      expect(isPrereleaseCoreApiVersion('gateway.networking.k8s.io/v1beta1', 'HTTPRoute')).toBe(false);
      expect(asked.filter((request) => request.startsWith('kubernetes-models/'))).toStrictEqual([]);
      // A built-in kind is looked up (what is asked is seen).
      expect(coreKindValidator('rbac.authorization.k8s.io/v1', 'RoleBinding')).toBeDefined();
      expect(asked).toContain('kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding');
    } finally {
      modules._resolveFilename = resolve;
    }
  });
});
