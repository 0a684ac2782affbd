// The fleet schema's validator is generated with repeated subschemas and large array elements' subschemas
// shared (lib/subschema-sharing.ts):
// what validate-document.ts reads of its errors (instancePath, keyword, params, data, and of the
// enclosing schema its property names and x-fix) is what the schema with every subschema in place
// gives, for documents wrong in every field (array items stay in place under uniqueItems: ajv's check
// skips items of a wrong type only when it sees their type; this test failed without that).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fleetSchema } from '../../lib/model/schema.ts';
import { FLEET_SCHEMA_SHARING } from '../../lib/model/validate-document.ts';
import { withSharedSubschemas } from '../../lib/subschema-sharing.ts';
import { REPO } from '../support/fleet.ts';
import { mutated } from '../support/mutated.ts';

const require = createRequire(import.meta.url);

describe('the fleet schema with shared subschemas', () => {
  it('reports what the schema with every subschema in place reports', () => {
    const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const options = { allErrors: true, strict: false, verbose: true, discriminator: true } as const;
    const sharing = withSharedSubschemas(fleetSchema as never, FLEET_SCHEMA_SHARING) as { properties: { spec: { properties: Record<string, { items?: object }> } } };
    // A cluster's checks are a function of their own, called per cluster (validate-document.ts).
    expect(sharing.properties.spec.properties.clusters!.items).toStrictEqual({ $ref: expect.stringMatching(/^#\/\$defs\/s\d+$/) });
    const shared = new Ajv2020({ ...options, inlineRefs: false }).compile(sharing);
    const inPlace = new Ajv2020(options).compile(fleetSchema);
    const read = (validate: typeof shared, document: unknown) => {
      validate(document);
      return (validate.errors ?? []).map(({ schemaPath: _path, parentSchema, ...rest }: ErrorObject) => ({
        ...rest,
        fix: (parentSchema as { 'x-fix'?: unknown } | undefined)?.['x-fix'],
        fields: Object.keys((parentSchema as { properties?: object } | undefined)?.properties ?? {}),
      }));
    };
    const fleet = parse(readFileSync(`${REPO}/apps/fleet.yaml`, 'utf8')) as unknown;
    let compared = 0;
    for (const document of [fleet, mutated(fleet, 'types', 2), mutated(fleet, 'unknown', 2), mutated(fleet, 'empty', 2)]) {
      const expected = read(inPlace, document);
      const got = read(shared, document);
      expect(got).toStrictEqual(expected);
      compared += expected.length;
    }
    expect(compared).toBeGreaterThan(100);
  });
});
