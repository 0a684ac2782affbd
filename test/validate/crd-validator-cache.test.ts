// CRD validators are ajv standalone code cached on disk (lib/compiled-cache.ts): a warm cache must give
// exactly the violations a cold one gives, a corrupt cache file only costs the compile, and the key
// follows the schema. Each run uses a fresh module (nothing compiled in the process) and its own
// cache folder.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIST_TYPE_KEYWORD_VERSION } from '../../lib/validate/kubernetes-keywords.ts';
import { REPO } from '../support/fleet.ts';
import { corpusCases } from './corpus.ts';
import { identityIssuerCertificate, linkerdServer } from './fixtures.ts';

type Registry = typeof import('../../lib/validate/schema-registry.ts');

/** Every corpus case against each of its sources, plus a Certificate (formats) and a Server (extra enums). */
function violationsOfEverything(registry: Registry, corpus = corpusCases()): unknown[] {
  const results: unknown[] = [];
  for (const { name, sources, objects } of corpus) {
    for (const { label, sources: schemaSources } of sources) {
      for (const object of objects) {
        const validate = registry.schemaFor(String(object.apiVersion), String(object.kind), schemaSources);
        results.push({ name, label, kind: object.kind, violations: validate ? validate(object) : 'no schema' });
      }
    }
  }
  const certificate = identityIssuerCertificate();
  const spec = certificate.spec as Record<string, unknown>;
  const fixtures = [
    certificate,
    { ...certificate, spec: { ...spec, duration: 'PT3S', renewBefore: '1 fortnight' } },
    { ...certificate, spec: { ...spec, duration: 3 } },
    linkerdServer(),
    { ...linkerdServer(), spec: { ...(linkerdServer().spec as object), proxyProtocol: 'TCP' } },
  ];
  for (const object of fixtures) {
    results.push(registry.schemaFor(String(object.apiVersion), String(object.kind), { linkerd: '2.20' })!(object));
  }
  return results;
}

async function freshRegistry(): Promise<Registry> {
  vi.resetModules();
  return import('../../lib/validate/schema-registry.ts');
}

describe('the on-disk cache of CRD validators', () => {
  let dir: string;
  const saved = process.env.MESHFLEET_CACHE_DIR;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'meshfleet-crd-cache-'));
    process.env.MESHFLEET_CACHE_DIR = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.MESHFLEET_CACHE_DIR;
    else process.env.MESHFLEET_CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  const cachedFiles = () => readdirSync(dir).filter((file) => file.startsWith('crd-'));

  it('gives the same violations warm as cold, and a warm run reads the cached code', async () => {
    // GIVEN an empty cache: every validator is compiled and stored
    const cold = violationsOfEverything(await freshRegistry());
    const files = cachedFiles();
    expect(files.length).toBeGreaterThan(5);
    // Not a check that cannot fail: the corpus has invalid cases, each with violations.
    expect(JSON.stringify(cold)).toContain('duplicate entry');
    expect(JSON.stringify(cold)).toContain('must be a valid duration');
    // WHEN a new process validates the same objects THEN it gets exactly the same violations
    expect(violationsOfEverything(await freshRegistry())).toStrictEqual(cold);
    expect(cachedFiles()).toStrictEqual(files);

    // AND it really runs the cached code: a planted validator is what a warm run uses
    const planted = 'module.exports = Object.assign(function v() { v.errors = [{ instancePath: "", keyword: "planted", message: "from the cache" }]; return false; }, {});';
    for (const file of files) writeFileSync(join(dir, file), `${planted} module.exports.default = module.exports;`);
    const fromPlanted = violationsOfEverything(await freshRegistry());
    expect(JSON.stringify(fromPlanted)).toContain('from the cache');
  });

  it('replaces a corrupt cache file and gives the same violations', async () => {
    const someCases = corpusCases().filter(({ name }) => name.includes('duplicate'));
    const cold = violationsOfEverything(await freshRegistry(), someCases);
    expect(JSON.stringify(cold)).toContain('duplicate entry');
    for (const file of cachedFiles()) writeFileSync(join(dir, file), 'module.exports = {');
    expect(violationsOfEverything(await freshRegistry(), someCases)).toStrictEqual(cold);
    // The corrupt files were written again whole.
    for (const file of cachedFiles()) expect(readFileSync(join(dir, file), 'utf8')).toContain('module.exports');
    for (const file of cachedFiles()) expect(() => new Function('require', 'module', 'exports', readFileSync(join(dir, file), 'utf8'))).not.toThrow();
  });

  it('names the cached code by the schema it was generated from', async () => {
    const { crdValidatorKey } = await freshRegistry();
    const schema = { type: 'object', properties: { spec: { type: 'object', properties: { mode: { type: 'string', enum: ['a', 'b'] } } } } };
    const changed = { type: 'object', properties: { spec: { type: 'object', properties: { mode: { type: 'string', enum: ['a', 'c'] } } } } };
    expect(crdValidatorKey(schema)).toBe(crdValidatorKey(structuredClone(schema)));
    expect(crdValidatorKey(changed)).not.toBe(crdValidatorKey(schema));
  });

  it("names it by the version of the list-type keyword's generator, which changes with its code", () => {
    // The key holds a version, not the function's text (bundle and dist/ print it differently).
    // Changed the keyword's code? Bump LIST_TYPE_KEYWORD_VERSION and add its hash here.
    const source = readFileSync(join(REPO, 'lib', 'validate', 'kubernetes-keywords.ts'), 'utf8');
    const keyword = /^export const listTypeKeyword\b[\s\S]*?^};$/m.exec(source)?.[0];
    expect(keyword).toBeDefined();
    const hashes: Record<number, string> = {
      // The codegen helpers now come from lib/validation-libraries.ts; the code generated is the same.
      1: '29d9fdf530fdf6f8',
    };
    expect(createHash('sha256').update(keyword!).digest('hex').slice(0, 16)).toBe(hashes[LIST_TYPE_KEYWORD_VERSION]);
  });
});
