// The generated toJson_ functions in imports/ filter undefined values with a linear helper that
// scripts/imports-linear-filter.mjs puts in place of cdk8s import's quadratic reduce: it must give the
// same object (keys, order, values, own "__proto__"), and no generated module may keep the old form.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toJson_CertificateSpecSubject } from '../../imports/cert-manager.io.ts';
import { toJson_LinkV1Alpha3Spec } from '../../imports/multicluster.linkerd.io.ts';
import { linearFilters } from '../../scripts/imports-linear-filter.mjs';
import { REPO } from '../support/fleet.ts';

/** cdk8s import's own filter, as it generates it. */
const generatedFilter = (obj: object): Record<string, unknown> => Object.entries(obj).reduce((r, i) => (i[1] === undefined ? r : { ...r, [i[0]]: i[1] }), {});

const IMPORTS = join(REPO, 'imports');

describe('imports/ undefined-value filter', () => {
  it('no generated module keeps the quadratic reduce, and each defines the helper once', () => {
    for (const name of readdirSync(IMPORTS).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join(IMPORTS, name), 'utf8');
      expect(text, name).not.toMatch(/\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: i\[1\] \}\), \{\}\)/);
      expect(text.split('function definedEntries(').length - 1, name).toBe(1);
      expect(linearFilters(text), name).toBe(text);
    }
  });

  it('the rewrite turns the generated expression into the helper call', () => {
    const generated = "  return Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});\n" +
      "    'labels': ((obj.labels) === undefined) ? undefined : (Object.entries(obj.labels).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})),\n";
    const rewritten = linearFilters(generated);
    expect(rewritten).toContain('return definedEntries(result);');
    expect(rewritten).toContain("(definedEntries(obj.labels))");
    expect(rewritten.split('\n/**')[0]).not.toContain('.reduce(');
  });

  it('the helper gives what the generated reduce gives', () => {
    // The helper is module-private: load one generated module's copy of it.
    const text = readFileSync(join(IMPORTS, 'bitnami.com.ts'), 'utf8');
    const source = text.slice(text.indexOf('function definedEntries(')).replace(/\(obj: object\): Record<string, any>/, '(obj)').replace(/: Record<string, any> = \{\}/, ' = {}').replace(/\(obj as Record<string, any>\)/, 'obj');
    const definedEntries = new Function(`${source}; return definedEntries;`)() as (o: object) => Record<string, unknown>;
    const proto = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as object;
    const cases: object[] = [
      {},
      { b: 1, a: undefined, c: null, d: 0, e: '', f: false, g: [], h: {} },
      { 2: 'two', 1: 'one', z: 'z', a: undefined, '-1': 'neg' },
      proto,
      Object.assign(Object.create({ inherited: 1 }) as object, { own: 1 }),
    ];
    for (const c of cases) {
      const expected = generatedFilter(c);
      const actual = definedEntries(c);
      expect(Object.keys(actual)).toEqual(Object.keys(expected));
      expect(Object.getPrototypeOf(actual)).toBe(Object.prototype);
      expect(actual).toStrictEqual(expected);
    }
    expect(Object.hasOwn(definedEntries(proto), '__proto__')).toBe(true);
  });

  it('generated converters drop undefined, keep null and keep schema order', () => {
    expect(Object.keys(toJson_CertificateSpecSubject({ serialNumber: 's', countries: ['x'], organizations: undefined })!)).toEqual(['countries', 'serialNumber']);
    const spec = toJson_LinkV1Alpha3Spec({ targetClusterName: 't', clusterCredentialsSecret: 'c' } as never)!;
    expect(Object.keys(spec)).toEqual(Object.keys(generatedFilter(spec)));
    expect(Object.values(spec)).not.toContain(undefined);
  });
});
