// Mutations of the example fleet file (apps/fleet.yaml) that are invalid by construction, as
// fast-check arbitraries. Each one breaks a rule of the fleet schema (schemas/fleet.schema.json)
// or of YAML itself, so a correct synth must refuse every one of them, and say where.
//
// Document mutations pick a place in the parsed fleet and consult the schema there: a value of a
// type the schema does not allow, a required field removed, an unknown field, a string that breaks
// the field's pattern/enum/length, a null outside the settings layers (where null means "remove"),
// deep nesting where nesting is not allowed. Text mutations break the YAML: duplicated keys, alias
// bombs, stray tabs and unclosed brackets. Documents are written as block YAML, flow YAML or JSON.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { REPO } from '../support/fleet.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [keyword: string]: unknown };
type Path = (string | number)[];

export const EXAMPLE_FLEET_TEXT = readFileSync(`${REPO}/apps/fleet.yaml`, 'utf8');
const EXAMPLE_FLEET = parse(EXAMPLE_FLEET_TEXT) as Json;
const FLEET_SCHEMA = JSON.parse(readFileSync(`${REPO}/schemas/fleet.schema.json`, 'utf8')) as Schema;

export interface Mutation {
  /** What was done, for the counterexample report. */
  readonly description: string;
  /** The fleet file's text. */
  readonly text: string;
}

interface Place {
  readonly path: Path;
  readonly value: Json;
  /** The schema of this place when it is unambiguous (no oneOf/anyOf on the way, not free-form). */
  readonly schema: Schema;
}

const isObject = (value: unknown): value is Record<string, any> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every place of the example fleet that has a definite schema. */
function placesWithSchema(): Place[] {
  const places: Place[] = [];
  const visit = (value: Json, schema: Schema | undefined, path: Path) => {
    if (!schema || schema.oneOf || schema.anyOf) return;
    places.push({ path, value, schema });
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, isObject(schema.items) ? schema.items : undefined, [...path, index]));
    else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        const properties = isObject(schema.properties) ? schema.properties : {};
        const sub = properties[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
        visit(child as Json, sub as Schema | undefined, [...path, key]);
      }
    }
  };
  visit(EXAMPLE_FLEET, FLEET_SCHEMA, []);
  return places;
}

const PLACES = placesWithSchema();

function withValueAt(path: Path, edit: (parent: any, key: string | number) => void): Json {
  const copy = structuredClone(EXAMPLE_FLEET);
  if (path.length === 0) throw new Error('cannot edit the root in place');
  let parent: any = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment];
  edit(parent, path[path.length - 1]!);
  return copy;
}

const pointer = (path: Path) => (path.length === 0 ? '/' : path.map((s) => `/${String(s)}`).join(''));

// ---------------------------------------------------------------------------------------------
// Values

const unicodeText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
const hugeText = fc.tuple(fc.constantFrom('A', 'ü', '€', ' ', '名', '\u0000', '🦀'), fc.integer({ min: 10_000, max: 200_000 })).map(([unit, n]) => unit.repeat(n));
const awkwardNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 2 ** 53 + 1, 1e308, -1e-308, 4143));
const valueOfKind: Record<string, fc.Arbitrary<Json>> = {
  string: fc.oneof(unicodeText, fc.constantFrom('', 'true', '4143', 'null', '~')),
  number: awkwardNumber,
  boolean: fc.boolean(),
  array: fc.array(fc.oneof(unicodeText, awkwardNumber, fc.constant(null)), { maxLength: 4 }),
  object: fc.dictionary(unicodeText, fc.oneof(unicodeText, awkwardNumber), { maxKeys: 3 }),
};

/** JSON kinds the schema of a place allows (`integer` counts as number). */
function allowedKinds(schema: Schema): Set<string> | undefined {
  if (schema.type === undefined) return undefined;
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  return new Set(types.map((t) => (t === 'integer' ? 'number' : t)));
}

const STRING_RULES = ['pattern', 'enum', 'const', 'maxLength', 'minLength'];

/** True when a string breaks the place's own constraints. */
function breaksStringRules(schema: Schema, text: string): boolean {
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(text)) return true;
  if (Array.isArray(schema.enum) && !schema.enum.includes(text)) return true;
  if ('const' in schema && schema.const !== text) return true;
  if (typeof schema.maxLength === 'number' && [...text].length > schema.maxLength) return true;
  if (typeof schema.minLength === 'number' && [...text].length < schema.minLength) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Document mutations

interface DocumentEdit {
  readonly description: string;
  readonly document: Json;
  readonly onlyJson?: boolean;
}

const wrongType: fc.Arbitrary<DocumentEdit> = fc
  .constantFrom(...PLACES.filter((p) => p.path.length > 0 && allowedKinds(p.schema)))
  .chain((place) => {
    const allowed = allowedKinds(place.schema)!;
    const kinds = Object.keys(valueOfKind).filter((kind) => !allowed.has(kind));
    return fc.constantFrom(...kinds).chain((kind) =>
      valueOfKind[kind]!.map((value) => ({
        description: `${pointer(place.path)}: ${kind} ${JSON.stringify(value)?.slice(0, 60)} where the schema wants ${[...allowed].join('|')}`,
        document: withValueAt(place.path, (parent, key) => (parent[key] = value)),
      })),
    );
  });

const missingRequired: fc.Arbitrary<DocumentEdit> = fc
  .constantFrom(...PLACES.filter((p) => Array.isArray(p.schema.required) && isObject(p.value)))
  .chain((place) => fc.constantFrom(...(place.schema.required as string[]).filter((key) => key in (place.value as object))).map((key) => ({ place, key })))
  .map(({ place, key }) => ({
    description: `${pointer(place.path)}: required field ${key} removed`,
    document: place.path.length === 0 ? (({ [key]: _removed, ...rest }) => rest)(EXAMPLE_FLEET as Record<string, Json>) : withValueAt(place.path, (parent, k) => delete parent[k][key]),
  }));

const unknownField: fc.Arbitrary<DocumentEdit> = fc
  .tuple(
    fc.constantFrom(...PLACES.filter((p) => p.schema.additionalProperties === false && isObject(p.value))),
    fc.oneof(unicodeText, fc.constantFrom('apiversion', 'Name', 'podCidr', 'clusters ', '__proto__', 'constructor')),
    fc.oneof(unicodeText, awkwardNumber, fc.constant(null)),
  )
  .filter(([place, key]) => !Object.hasOwn(isObject(place.schema.properties) ? place.schema.properties : {}, key))
  .map(([place, key, value]) => ({
    description: `${pointer(place.path)}: unknown field ${JSON.stringify(key)}`,
    document: place.path.length === 0 ? { ...(EXAMPLE_FLEET as object), [key]: value } : withValueAt(place.path, (parent, k) => Object.defineProperty(parent[k], key, { value, enumerable: true, writable: true, configurable: true })),
  }));

const ruleBreakingString: fc.Arbitrary<DocumentEdit> = fc
  .tuple(
    fc.constantFrom(...PLACES.filter((p) => p.path.length > 0 && STRING_RULES.some((rule) => rule in p.schema))),
    fc.oneof(hugeText, unicodeText, fc.constantFrom('', ' ', 'UPPER', 'a\nb', 'eu-1 ', '-eu', 'x'.repeat(64), '1.2.3.4/99', '\u202Eevil')),
  )
  .filter(([place, text]) => breaksStringRules(place.schema, text))
  .map(([place, text]) => ({
    description: `${pointer(place.path)}: string of ${text.length} characters breaking its rules (${JSON.stringify(text.slice(0, 20))}…)`,
    document: withValueAt(place.path, (parent, key) => (parent[key] = text)),
  }));

// Outside the settings layers null is just a wrong value (inside them it means "remove").
const NULL_IS_WRONG = /^\/(apiVersion|kind|metadata(\/name)?|spec|spec\/trust(\/.*)?|spec\/clusters(\/\d+(\/(name|environment|network|podCIDR|serviceCIDR|apiServer))?)?)$/;
const nullOutsideLayers: fc.Arbitrary<DocumentEdit> = fc.constantFrom(...PLACES.filter((p) => p.path.length > 0 && NULL_IS_WRONG.test(pointer(p.path)))).map((place) => ({
  description: `${pointer(place.path)}: null`,
  document: withValueAt(place.path, (parent, key) => (parent[key] = null)),
}));

const deepNesting: fc.Arbitrary<DocumentEdit> = fc
  .tuple(
    fc.constantFrom(...PLACES.filter((p) => p.path.length > 0 && (p.schema.type !== 'object' || p.schema.additionalProperties === false) && p.schema.type !== 'array')),
    fc.integer({ min: 30, max: 3000 }),
    fc.boolean(),
  )
  .map(([place, depth, asArrays]) => {
    let nested: Json = 'bottom';
    for (let i = 0; i < depth; i++) nested = asArrays ? [nested] : { deeper: nested };
    // Deep nesting overflows the yaml package's stringify in this test process: JSON is YAML too.
    return { description: `${pointer(place.path)}: ${asArrays ? 'arrays' : 'objects'} nested ${depth} deep`, document: withValueAt(place.path, (parent, key) => (parent[key] = nested)), onlyJson: true };
  });

const rootNotAFleet: fc.Arbitrary<DocumentEdit> = fc.oneof(fc.constant<Json>([]), fc.constant<Json>('fleet'), awkwardNumber as fc.Arbitrary<Json>, fc.constant<Json>([EXAMPLE_FLEET])).map((document) => ({
  description: `the whole file is ${JSON.stringify(document)?.slice(0, 40)}`,
  document,
}));

function serialize(document: Json, style: 'block' | 'flow' | 'json'): string {
  if (style === 'json') return JSON.stringify(document);
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false, ...(style === 'flow' ? { collectionStyle: 'flow' } : {}) });
}

export const documentMutation: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: wrongType },
      { weight: 2, arbitrary: missingRequired },
      { weight: 2, arbitrary: unknownField },
      { weight: 3, arbitrary: ruleBreakingString },
      { weight: 1, arbitrary: nullOutsideLayers },
      { weight: 1, arbitrary: deepNesting },
      { weight: 1, arbitrary: rootNotAFleet },
    ),
    fc.constantFrom('block', 'flow', 'json') as fc.Arbitrary<'block' | 'flow' | 'json'>,
  )
  .map(([{ description, document, onlyJson }, style]) => {
    const written = onlyJson ? 'json' : style;
    return { description: `${description} (written as ${written})`, text: serialize(document, written) };
  });

// ---------------------------------------------------------------------------------------------
// Text mutations

const LINES = EXAMPLE_FLEET_TEXT.split('\n');
const KEY_LINES = LINES.map((line, index) => ({ line, index })).filter(({ line }) => /^\s*[A-Za-z][\w.-]*:/.test(line));

const withLines = (edit: (lines: string[]) => void) => {
  const lines = [...LINES];
  edit(lines);
  return lines.join('\n');
};

const duplicatedKey = fc.constantFrom(...KEY_LINES).map(({ line, index }) => ({
  description: `line ${index + 1} duplicated: ${line.trim()}`,
  // A block mapping key repeated with the same indentation; its nested lines stay with the copy.
  text: withLines((lines) => lines.splice(index + 1 + nestedLineCount(index), 0, line.replace(/:.*$/, ': duplicate'))),
}));

function nestedLineCount(index: number): number {
  const indent = LINES[index]!.search(/\S/);
  let count = 0;
  for (const line of LINES.slice(index + 1)) {
    if (line.trim() !== '' && !line.trim().startsWith('#') && line.search(/\S/) <= indent) break;
    count++;
  }
  return count;
}

const aliasBomb = fc.tuple(fc.integer({ min: 4, max: 9 }), fc.integer({ min: 5, max: 12 }), fc.constantFrom('metadata', 'spec')).map(([levels, width, under]) => {
  const lines = [`  laughs0: &laughs0 ["lol"]`];
  for (let level = 1; level <= levels; level++) {
    lines.push(`  laughs${level}: &laughs${level} [${Array.from({ length: width }, () => `*laughs${level - 1}`).join(', ')}]`);
  }
  return {
    description: `alias bomb: ${levels} levels of ${width} aliases under ${under}`,
    text: EXAMPLE_FLEET_TEXT.replace(new RegExp(`^${under}:\\n`, 'm'), `${under}:\n${lines.join('\n')}\n`),
  };
});

const aliasReuse = fc.constantFrom(
  { description: 'a cluster repeated through an alias', from: '    - name: eu-1\n', to: '    - &eu1\n      name: eu-1\n', append: '    - *eu1\n' },
  { description: 'a merge key (<<) reusing the defaults', from: '  defaults:\n', to: '  defaults: &defaults\n', append: '  shared:\n    <<: *defaults\n' },
  { description: 'an alias to an undefined anchor', from: 'spec:\n', to: 'spec:\n  anchor: *nowhere\n', append: '' },
).map(({ description, from, to, append }) => ({ description, text: EXAMPLE_FLEET_TEXT.replace(from, to) + append }));

const brokenSyntax = fc
  .tuple(fc.integer({ min: 2, max: LINES.length - 2 }), fc.constantFrom('\tkey: tab-indented', '  key: [unclosed', '  key: "unclosed', '  key: {a: 1', ': no key', '  - item in a map', '  key: value: twice', '@reserved', '  key: *undefined-alias', '---\nkind: SecondDocument'))
  .map(([index, junk]) => ({ description: `line ${index + 1} replaced by ${JSON.stringify(junk)}`, text: withLines((lines) => lines.splice(index, 1, junk)) }));

export const textMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: duplicatedKey },
  { weight: 2, arbitrary: aliasBomb },
  { weight: 1, arbitrary: aliasReuse },
  { weight: 3, arbitrary: brokenSyntax },
);
