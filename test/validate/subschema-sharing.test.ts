// Repeated subschemas of a CRD are generated once (lib/subschema-sharing.ts): the
// validators get much smaller and report exactly what they reported with every subschema in place
// (only an error's schemaPath inside a shared subschema differs, which nothing reads there).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { uncachedCrdValidator, violationsFromAjvErrors } from '../../lib/validate/schema-registry.ts';
import { withSharedSubschemas } from '../../lib/subschema-sharing.ts';
import { REPO } from '../support/fleet.ts';
import { mutated } from '../support/mutated.ts';

const require = createRequire(import.meta.url);
type Schema = { [keyword: string]: unknown };

const schemaFiles = (): string[] => {
  const index = JSON.parse(readFileSync(`${REPO}/schemas/crds/index.json`, 'utf8')) as { sourceSets: Record<string, Record<string, Record<string, string>>> };
  return [...new Set(Object.values(index.sourceSets).flatMap((apiVersions) => Object.values(apiVersions).flatMap((kinds) => Object.values(kinds))))].sort();
};
const schemaOf = (file: string) => JSON.parse(readFileSync(`${REPO}/schemas/crds/${file}`, 'utf8')) as Schema;

const isSchema = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

/** An object with every declared field filled (first enum value, or a value of the declared type). */
function sample(schema: Schema, depth = 0): unknown {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (depth > 14) return undefined;
  if (type === 'array' || isSchema(schema.items)) return isSchema(schema.items) ? [sample(schema.items, depth + 1), sample(schema.items, depth + 1)] : [];
  if (type === 'object' || isSchema(schema.properties)) {
    const object: Record<string, unknown> = {};
    for (const [name, sub] of Object.entries(isSchema(schema.properties) ? schema.properties : {})) if (isSchema(sub) && name !== 'status') object[name] = sample(sub, depth + 1);
    if (isSchema(schema.additionalProperties)) object.key = sample(schema.additionalProperties, depth + 1);
    return object;
  }
  return type === 'integer' ? 1 : type === 'number' ? 1.5 : type === 'boolean' ? true : 'text';
}

/** ajv's errors without what sharing changes: where in the schema (schemaPath) and the enclosing schema object. */
function errorsOf(validate: ValidateFunction, object: unknown): unknown[] {
  validate(object);
  return (validate.errors ?? []).map(({ schemaPath: _path, parentSchema: _parent, ...rest }: ErrorObject) => rest);
}

describe('shared subschemas', () => {
  it('report the same errors and messages as subschemas in place, for every CRD schema', () => {
    let errorsCompared = 0;
    for (const file of schemaFiles()) {
      const shared = uncachedCrdValidator(file);
      const inPlace = uncachedCrdValidator(file, false);
      const valid = sample(schemaOf(file));
      for (const object of [valid, mutated(valid, 'types', 3), mutated(valid, 'unknown', 3), mutated(valid, 'empty', 3)]) {
        const expected = errorsOf(inPlace, object);
        expect(errorsOf(shared, object), file).toStrictEqual(expected);
        shared(object);
        inPlace(object);
        expect(violationsFromAjvErrors(shared.errors ?? []), file).toStrictEqual(violationsFromAjvErrors(inPlace.errors ?? []));
        errorsCompared += expected.length;
      }
    }
    // The objects did reach deep into the schemas.
    expect(errorsCompared).toBeGreaterThan(5000);
    // Two validators of every CRD schema compiled: 14–52 s in CI and local runs, 60 s once beside
    // another test suite, which the default timeout cut off.
  }, 180_000);

  it("make cert-manager's Issuer and Argo CD's Application validators less than half the code", () => {
    const standaloneCode = (require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default;
    const { Ajv } = require('ajv') as typeof import('ajv');
    // No formats are added: both validators ignore them alike, and the logger's notes about it are noise.
    const ajv = new Ajv({ strict: false, logger: false, allErrors: true, verbose: true, inlineRefs: false, code: { source: true, optimize: false } });
    for (const file of ['cert-manager.io.564f3cad984b91c0.json', 'argoproj.io.cdc5c305efac42c5.json']) {
      const schema = schemaOf(file);
      const inPlace = standaloneCode(ajv, ajv.compile(schema)).length;
      const shared = standaloneCode(ajv, ajv.compile(withSharedSubschemas(schema))).length;
      expect(shared, file).toBeLessThan(inPlace / 2);
    }
  });

  it('shares a repeated subschema once, outer before inner, never one inside a branch or under uniqueItems', () => {
    const ref = { type: 'object', properties: { name: { type: 'string' }, key: { type: 'string' } }, required: ['name'] };
    const pod = { type: 'object', properties: { a: ref, b: ref, c: { type: 'string', maxLength: 63, pattern: '^[a-z]+(-[a-z]+)*$' } } };
    const schema = {
      type: 'object',
      properties: { x: pod, y: pod, z: ref, w: { anyOf: [ref, { type: 'string' }] }, v: { type: 'array', items: ref }, u: { type: 'array', uniqueItems: true, items: ref } },
    };
    const result = withSharedSubschemas(schema, { minSize: 40 }) as { properties: Record<string, unknown>; definitions: Record<string, Schema> };
    expect(result.properties).toStrictEqual({
      x: { $ref: '#/definitions/s0' },
      y: { $ref: '#/definitions/s0' },
      z: { $ref: '#/definitions/s1' },
      w: { anyOf: [ref, { type: 'string' }] },
      v: { type: 'array', items: { $ref: '#/definitions/s1' } },
      // uniqueItems reads the items' type: they stay in place.
      u: { type: 'array', uniqueItems: true, items: ref },
    });
    // In pod, `c` occurs once (pod is shared): in place.
    expect(result.definitions).toStrictEqual({ s0: { ...pod, properties: { a: { $ref: '#/definitions/s1' }, b: { $ref: '#/definitions/s1' }, c: pod.properties.c } }, s1: ref });
    // Nothing repeats: the schema itself.
    expect(withSharedSubschemas(ref, { minSize: 40 })).toBe(ref);
  });

  it("moves an element's subschema of the size asked for to a function of its own, even once", () => {
    const item = { type: 'object', properties: { name: { type: 'string', maxLength: 63 }, port: { type: 'integer', minimum: 1 } } };
    const small = { type: 'string', maxLength: 8 };
    const schema = {
      type: 'object',
      properties: {
        list: { type: 'array', items: item },
        map: { type: 'object', additionalProperties: item },
        one: item,
        tags: { type: 'array', items: small },
        unique: { type: 'array', uniqueItems: true, items: item },
      },
    };
    const result = withSharedSubschemas(schema, { minSize: 1000, minLoopBodySize: 60 }) as { properties: Record<string, unknown>; definitions: Record<string, Schema> };
    expect(result.properties).toStrictEqual({
      list: { type: 'array', items: { $ref: '#/definitions/s0' } },
      map: { type: 'object', additionalProperties: { $ref: '#/definitions/s0' } },
      // The same subschema where it is not an element's: one function all the same.
      one: { $ref: '#/definitions/s0' },
      tags: { type: 'array', items: small },
      unique: { type: 'array', uniqueItems: true, items: item },
    });
    expect(result.definitions).toStrictEqual({ s0: item });
    // Without the option, nothing that occurs once moves.
    expect(withSharedSubschemas({ type: 'array', items: item }, { minSize: 1000 })).toStrictEqual({ type: 'array', items: item });
  });
});
