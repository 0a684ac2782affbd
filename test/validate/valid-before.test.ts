// Objects a CRD schema's checks found valid are kept between runs by content (lib/validate/valid-before.ts):
// a run with an earlier run's verdicts must report exactly what a run without them reports, read and
// compile no schema for objects found valid before, and never keep an invalid object. Each run uses
// fresh modules (nothing remembered in the process) and a file of its own.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { corpusCases } from './corpus.ts';
import { identityIssuerCertificate, linkerdServer } from './fixtures.ts';

type Modules = { registry: typeof import('../../lib/validate/schema-registry.ts'); verdicts: typeof import('../../lib/validate/valid-before.ts') };

/** A fresh process as far as validation goes, reading and writing `file` (none: verdicts off). */
async function freshRun(file: string | undefined): Promise<Modules> {
  vi.resetModules();
  const verdicts = await import('../../lib/validate/valid-before.ts');
  const registry = await import('../../lib/validate/schema-registry.ts');
  verdicts.useValidBefore(file);
  return { registry, verdicts };
}

/** Every corpus object against each of its sources: the violations, in order. */
function checkCorpus({ registry }: Modules): unknown[] {
  return corpusCases().flatMap(({ name, sources, objects }) =>
    sources.flatMap(({ label, sources: schemaSources }) =>
      objects.map((object) => {
        const validate = registry.schemaFor(String(object.apiVersion), String(object.kind), schemaSources);
        return { name, label, kind: object.kind, violations: validate ? validate(object) : 'no schema' };
      }),
    ),
  );
}

const fileIn = () => join(mkdtempSync(join(tmpdir(), 'meshfleet-valid-before-')), 'valid-before.bin');

describe('objects found valid before', () => {
  it('give exactly the violations of a run without them, and a run of valid objects compiles no schema', async () => {
    const file = fileIn();
    const without = checkCorpus(await freshRun(undefined));
    const first = await freshRun(file);
    expect(checkCorpus(first)).toStrictEqual(without);
    const compiledCold = first.registry.loadedSchemaFiles();
    first.verdicts.saveValidBefore();

    const warm = await freshRun(file);
    expect(checkCorpus(warm)).toStrictEqual(without);
    // The invalid cases (never kept) have every schema read again.
    expect(warm.registry.loadedSchemaFiles()).toStrictEqual(compiledCold);

    const valid = await freshRun(file);
    for (const { sources, objects } of corpusCases().filter((c) => c.valid)) {
      for (const { sources: schemaSources } of sources) for (const object of objects) valid.registry.schemaFor(String(object.apiVersion), String(object.kind), schemaSources)?.(object);
    }
    expect(valid.registry.loadedSchemaFiles()).toStrictEqual([]);
  });

  it('keep no invalid object: it is checked and reported on every run', async () => {
    const file = fileIn();
    const bad = { ...linkerdServer(), spec: { ...(linkerdServer().spec as object), proxyProtocol: 'TCP' } };
    for (let run = 0; run < 2; run++) {
      const { registry, verdicts } = await freshRun(file);
      expect(registry.schemaFor('policy.linkerd.io/v1beta3', 'Server', { linkerd: '2.20' })!(bad).length).toBeGreaterThan(0);
      expect(registry.loadedSchemaFiles()).toHaveLength(1);
      verdicts.saveValidBefore();
    }
  });

  it('are a verdict of one check on one object: another schema or another object is checked', async () => {
    const file = fileIn();
    const certificate = identityIssuerCertificate();
    const cold = await freshRun(file);
    expect(cold.registry.schemaFor('cert-manager.io/v1', 'Certificate', {})!(certificate)).toStrictEqual([]);
    cold.verdicts.saveValidBefore();
    const warm = await freshRun(file);
    expect(warm.registry.schemaFor('cert-manager.io/v1', 'Certificate', {})!(certificate)).toStrictEqual([]);
    expect(warm.registry.loadedSchemaFiles()).toStrictEqual([]);
    const changed = { ...certificate, spec: { ...(certificate.spec as object), duration: 3 } };
    expect(warm.registry.schemaFor('cert-manager.io/v1', 'Certificate', {})!(changed).length).toBeGreaterThan(0);
    expect(warm.registry.loadedSchemaFiles()).toHaveLength(1);
  });

  it('found on a render worker are kept by the main thread, and a file that cannot be read only costs the checks', async () => {
    const file = fileIn();
    const worker = await freshRun(file);
    expect(worker.registry.schemaFor('cert-manager.io/v1', 'Certificate', {})!(identityIssuerCertificate())).toStrictEqual([]);
    const found = worker.verdicts.takeFound();
    expect(found?.digests.length).toBe(16);
    expect(worker.verdicts.takeFound()).toBeUndefined();

    const main = await freshRun(file);
    main.verdicts.addFound(found!);
    main.verdicts.saveValidBefore();
    const next = await freshRun(file);
    expect(next.registry.schemaFor('cert-manager.io/v1', 'Certificate', {})!(identityIssuerCertificate())).toStrictEqual([]);
    expect(next.registry.loadedSchemaFiles()).toStrictEqual([]);

    writeFileSync(file, 'not json\n0123456789abcdef');
    const corrupt = await freshRun(file);
    expect(corrupt.registry.schemaFor('cert-manager.io/v1', 'Certificate', {})!(identityIssuerCertificate())).toStrictEqual([]);
    expect(corrupt.registry.loadedSchemaFiles()).toHaveLength(1);
    corrupt.verdicts.saveValidBefore();
    expect(readFileSync(file, 'latin1').split('\n')[0]).toMatch(/^\{.*\}$/);
  });
});

describe('built-in kinds found valid before', () => {
  it('are valid again by content, metadata included, and an invalid one is still reported', async () => {
    const file = fileIn();
    const service = (port: number, name = 'web') => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'app' }, spec: { selector: { app: 'web' }, ports: [{ port }] } });
    const cold = await freshRun(file);
    const core = await import('../../lib/validate/core-kinds.ts');
    expect(core.coreKindValidator('v1', 'Service')!(service(80))).toStrictEqual([]);
    cold.verdicts.saveValidBefore();
    await freshRun(file);
    const warm = await import('../../lib/validate/core-kinds.ts');
    const validate = warm.coreKindValidator('v1', 'Service')!;
    expect(validate(service(80))).toStrictEqual([]);
    expect(validate(service(700000)).map((v) => v.path)).toStrictEqual(['/spec/ports/0/port']);
    expect(validate(service(80, 'Not_A_Name'))).toStrictEqual(core.coreKindValidator('v1', 'Service')!(service(80, 'Not_A_Name')));
  });
});

describe('structural checks found clean before (the fields of routes a Linkerd release reads)', () => {
  it('are clean again without their schema, and a field beyond it is still reported', async () => {
    const file = fileIn();
    const sources = { gatewayAPI: { version: '1.2.1', channel: 'experimental' as const } };
    const route = (extra: object = {}) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'app' }, spec: { parentRefs: [{ name: 'web', kind: 'Service', group: '' }], ...extra } });
    const cold = await freshRun(file);
    expect(cold.registry.structuralSchemaFor('gateway.networking.k8s.io/v1', 'HTTPRoute', sources)!(route())).toStrictEqual([]);
    cold.verdicts.saveValidBefore();
    const warm = await freshRun(file);
    expect(warm.registry.structuralSchemaFor('gateway.networking.k8s.io/v1', 'HTTPRoute', sources)!(route())).toStrictEqual([]);
    expect(warm.registry.loadedSchemaFiles()).toStrictEqual([]);
    expect(warm.registry.structuralSchemaFor('gateway.networking.k8s.io/v1', 'HTTPRoute', sources)!(route({ beyond: true })).map((v) => v.message)).toContainEqual(expect.stringMatching(/^unknown field/));
  });
});
