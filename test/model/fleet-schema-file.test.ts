// The committed fleet schema file is the schema the code defines, documented from the TSDoc of the
// model types, and the field reference page is generated from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownLinkerdVersions } from '../../lib/compat/linkerd-releases.ts';
import { fleetSchema } from '../../lib/model/schema.ts';
import { fleetFieldsPage } from '../../scripts/fleet-fields-page.ts';
import { documentedFleetSchema, documentedSchema } from '../../scripts/fleet-schema-docs.ts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { exampleDocument, REPO } from '../support/fleet.ts';

type Node = Record<string, any>;
const committed = JSON.parse(readFileSync(join(REPO, 'schemas', 'fleet.schema.json'), 'utf8')) as Node;

/** Every entry of every `properties` map, with its JSON pointer. */
function properties(node: unknown, path = ''): [string, Node][] {
  if (Array.isArray(node)) return node.flatMap((n, i) => properties(n, `${path}/${i}`));
  if (!node || typeof node !== 'object') return [];
  const own = Object.entries<Node>((node as Node).properties ?? {}).map(([k, v]) => [`${path}/properties/${k}`, v] as [string, Node]);
  return [...own, ...Object.entries(node).flatMap(([k, v]) => properties(v, `${path}/${k}`))];
}

/** The schema without what documentation adds. */
function bare(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(bare);
  if (!node || typeof node !== 'object') return node;
  const { description: _d, default: _f, examples: _e, $schema: _s, ...rest } = node as Node;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, bare(v)]));
}

describe('schemas/fleet.schema.json', () => {
  const generated = documentedFleetSchema();

  it('is what the generator writes from lib/model (npm run gen:fleet-schema), and the generator finds nothing missing', () => {
    expect(generated.problems).toEqual([]);
    expect(committed).toStrictEqual(generated.schema);
  });

  it('describes every field', () => {
    const all = properties(committed);
    const undocumented = all.filter(([, p]) => typeof p.description !== 'string' || p.description.length < 8).map(([path]) => path);
    expect(undocumented).toEqual([]);
    expect(all.length).toBeGreaterThan(500);
  });

  it('validates like lib/model/schema.ts; only the Linkerd version gets an editor enum, from the release table', () => {
    const added: string[] = [];
    const strip = (node: unknown, original: unknown, path: string): unknown => {
      if (Array.isArray(node)) return node.map((n, i) => strip(n, (original as unknown[])?.[i], `${path}/${i}`));
      if (!node || typeof node !== 'object') return node;
      const { enum: values, ...rest } = node as Node;
      const keep = values !== undefined && (original as Node | undefined)?.enum !== undefined;
      if (values !== undefined && !keep) {
        added.push(path);
        expect(values).toEqual(knownLinkerdVersions());
      }
      return Object.fromEntries([
        ...Object.entries(rest).map(([k, v]) => [k, strip(v, (original as Node | undefined)?.[k], `${path}/${k}`)]),
        ...(keep ? [['enum', values]] : []),
      ]);
    };
    const { description: _d, ...root } = bare(committed) as Node;
    expect(strip(root, JSON.parse(JSON.stringify(fleetSchema)), '')).toStrictEqual(JSON.parse(JSON.stringify(fleetSchema)));
    expect(added.every((p) => p.endsWith('/properties/linkerd'))).toBe(true);
    expect(added).toHaveLength(4); // spec.defaults, an environment, an environment's cluster, spec.clusters[]
  });

  it('accepts the example fleet as an editor would, and flags a Linkerd version the release table lacks', () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(committed);
    expect(validate(exampleDocument()), JSON.stringify(validate.errors)).toBe(true);
    const doc = exampleDocument();
    doc.spec.environments.staging.linkerd = '2.17';
    expect(validate(doc)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ instancePath: '/spec/environments/staging/linkerd', keyword: 'enum' }));
  });

  it('has the TSDoc defaults and examples of the model (values, not prose)', () => {
    const clusters = committed.properties.spec.properties.clusters.items.properties;
    expect(committed.properties.spec.properties.trust.properties.domain.default).toBe('cluster.local');
    expect(clusters.gateway.properties.port.default).toBe(4143);
    expect(clusters.gatewayAPI.default).toEqual({ mode: 'managed' });
    expect(clusters.network.default).toBeUndefined();
    expect(clusters.network.description).toContain("Default: the cluster's own name.");
    expect(clusters.podCIDR.examples).toEqual(['10.10.0.0/16']);
  });
});

describe('the TSDoc generator', () => {
  const entry = join(REPO, 'test', 'fixtures', 'schema-docs', 'types.ts');
  const schema = {
    type: 'object',
    properties: {
      name: { type: 'string' },
      size: { type: 'integer' },
      count: { type: 'integer' },
      place: { type: 'string', pattern: '^[a-z]+$' },
      colour: { enum: ['red', 'blue'] },
      weight: { type: 'number' },
    },
  };
  const { schema: out, problems } = documentedSchema(schema, entry, 'Thing');
  const props = (out as Node).properties;

  it('reports a field without TSDoc, a schema property the type lacks and an example that does not fit', () => {
    expect(problems).toEqual([
      '/properties/size: no TSDoc on Thing.size',
      '/properties/colour: @example purple is not a valid value',
      '/properties/weight: the model type Thing has no property weight',
    ]);
  });

  it('turns @default values into default, prose into the description, @example into examples', () => {
    expect(out).toMatchObject({ description: 'A thing.' });
    expect(props.name).toEqual({ description: 'Its name.', type: 'string', examples: ['widget'] });
    expect(props.count).toEqual({ description: 'How many.', type: 'integer', default: 3 });
    expect(props.place.description).toBe('Where it is. Default: the shelf it was put on.');
    expect(props.place.default).toBeUndefined();
  });
});

describe('docs/reference/fleet-fields.md', () => {
  const page = readFileSync(join(REPO, 'docs', 'reference', 'fleet-fields.md'), 'utf8');

  it('is generated from the schema file (npm run gen:fleet-schema)', () => {
    expect(page).toBe(fleetFieldsPage(committed));
  });

  it('documents the yaml-language-server line and every field path', () => {
    expect(page).toContain('# yaml-language-server: $schema=./node_modules/meshfleet/schemas/fleet.schema.json');
    for (const path of ['spec.trust.anchor.file', 'spec.clusters[].network', 'spec.links[].hub', 'spec.routes[].rules[].backendRefs[].weight', 'spec.environments.<name>.delivery.engine']) {
      expect(page).toContain(`| \`${path}\``);
    }
  });
});
