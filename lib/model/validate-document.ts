// Checks a fleet document against the JSON Schema (all errors at once) and for private keys, and
// turns ajv's errors into diagnostics that name the field, the value and the fix.
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { cachedModule } from '../compiled-cache.ts';
import { validationLibraries } from '../validation-libraries.ts';
import { MIN_SHARED_SIZE, SHARED_SUBSCHEMAS_VERSION, withSharedSubschemas } from '../subschema-sharing.ts';
import { error, pointer, show, type Diagnostic } from './diagnostics.ts';
import { chooseFrom } from './suggest.ts';
import { fleetSchema } from './schema.ts';
import { findSecretMaterial, mayHoldSecretMaterial } from './secret-material.ts';

let compiled: ValidateFunction | undefined;

const require = createRequire(import.meta.url);
// inlineRefs off: a repeated subschema (subschema-sharing.ts) is one function, called from each place.
const AJV_OPTIONS = { allErrors: true, strict: false, verbose: true, discriminator: true, inlineRefs: false } as const;
/**
 * Repeats shared, and each element's subschema of 1 KB or more (a cluster's, a route's, a service's)
 * a function of its own that V8 optimizes: the first validation of a 1000-cluster fleet took 38–52 ms
 * with the clusters' checks inlined in one 620 KB function, 26–38 ms with them apart.
 */
export const FLEET_SCHEMA_SHARING = { definitionsKeyword: '$defs', minLoopBodySize: 1000 } as const;

/** Compiled once per schema and ajv version: its generated code is cached on disk (lib/compiled-cache.ts). */
function validator(): ValidateFunction {
  if (!compiled) {
    const { version } = require('ajv/package.json') as { version: string };
    const key = JSON.stringify({ ajv: version, options: AJV_OPTIONS, shared: [SHARED_SUBSCHEMAS_VERSION, MIN_SHARED_SIZE, FLEET_SCHEMA_SHARING], schema: fleetSchema });
    // ajv itself is loaded only to compile, on a cache miss.
    const generate = () => {
      const { Ajv2020 } = validationLibraries().ajv2020();
      const standaloneCode = validationLibraries().standaloneCode();
      const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true } });
      return standaloneCode(ajv, ajv.compile(withSharedSubschemas(fleetSchema, FLEET_SCHEMA_SHARING)));
    };
    compiled = (cachedModule('fleet-schema', key, generate, require) as { default: ValidateFunction }).default;
  }
  return compiled;
}

/**
 * Every place in a parsed document where secret material appears (lib/model/secret-material.ts:
 * private keys of any kind, kubeconfig credentials, cloud tokens), as diagnostics. A message names
 * the place and a fingerprint, never the secret; a secret used as a map key is reported at the map
 * (its JSON pointer would print it whole).
 */
export function findSecrets(value: unknown, path = ''): Diagnostic[] {
  const found: Diagnostic[] = [];
  // Each node that may hold something with the way to it; its pointer is made only for a finding (most
  // documents have none). Numbers, booleans and short strings are left out where they are met.
  const pending: Step[] = [];
  const visit = (node: unknown, parent?: Step, key?: string | number) => {
    if (typeof node === 'string' ? mayHoldSecretMaterial(node) : typeof node === 'object' && node !== null) pending.push({ node, parent, key });
  };
  visit(value);
  while (pending.length > 0) {
    const step = pending.pop()!;
    const { node } = step;
    if (typeof node === 'string') {
      for (const f of findSecretMaterial(node)) found.push(secretError(pointerOf(step, path), `contains secret material: ${f.kind} (${f.fingerprint})`));
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) visit(node[i], step, i);
    } else {
      const record = node as Record<string, unknown>;
      const keys = Object.keys(record);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const secretKey = findSecretMaterial(k);
        for (const f of secretKey) found.push(secretError(pointerOf(step, path), `a key of this map contains secret material: ${f.kind} (${f.fingerprint})`));
        // Below a secret key, every pointer would print the key.
        if (!secretKey.length) visit(record[k], step, k);
      }
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A node findSecrets walks, with its parent's step and its key there (none for the root). */
type Step = { readonly node: unknown; readonly parent?: Step; readonly key?: string | number };

function pointerOf(step: Step, root: string): string {
  const keys: (string | number)[] = [];
  for (let at: Step | undefined = step; at?.parent; at = at.parent) keys.push(at.key!);
  return root + pointer(...keys.reverse());
}

function secretError(path: string, message: string): Diagnostic {
  return error('MF1101',
    path,
    message,
    'remove it: meshfleet never handles secret material; give only public certificates, let cert-manager read keys from a secret store (spec.trust.issuer) and Link credentials come from spec.credentials',
  );
}

export function validateDocument(document: unknown): Diagnostic[] {
  const validate = validator();
  const removals: string[][] = [];
  const misspeltRemovals = () => unknownRemovals(removals);
  if (validate(withoutRemovals(document, removals))) return misspeltRemovals();
  const errors = validate.errors ?? [];
  // Branch failures under an anyOf/oneOf only repeat the combined error in a confusing form.
  const combined = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath + '/');
  const relevant = errors.filter((e) => !combined.some((prefix) => e.schemaPath.startsWith(prefix)));
  return dedupe([...relevant.flatMap((e) => toDiagnostics(e)), ...misspeltRemovals()]);
}

/**
 * `null` removes a setting; removing one that the layer does not have (`logLevl: null`) is a typo
 * that would otherwise do nothing, silently. Free-form places (controlPlane.values) take any key.
 */
function unknownRemovals(removals: readonly string[][]): Diagnostic[] {
  return removals.flatMap((path) => {
    let schema = fleetSchema as SchemaNode | undefined;
    for (const segment of path.slice(0, -1)) {
      schema = schema?.properties?.[segment] ?? (isObject(schema?.additionalProperties) ? (schema.additionalProperties as SchemaNode) : schema?.items);
    }
    const field = path[path.length - 1]!;
    if (schema?.additionalProperties !== false || Object.hasOwn(schema.properties ?? {}, field)) return [];
    const known = Object.keys(schema.properties ?? {});
    return [error('MF1102', pointer(...path), `unknown field ${show(field)}: null removes a setting, and there is no such setting here`, chooseFrom(field, known, 'remove it or use one of'))];
  });
}

interface SchemaNode {
  readonly properties?: Record<string, SchemaNode>;
  readonly additionalProperties?: unknown;
  readonly items?: SchemaNode;
}

const CLUSTER_IDENTITY = new Set(['name', 'environment', 'network', 'podCIDR', 'serviceCIDR', 'apiServer']);

/**
 * In a settings layer (defaults, an environment, a cluster's settings) `null` means "remove what a
 * lower layer set" (lib/model/merge.ts), so it is valid wherever a setting is; the schema sees the
 * layer without those keys. A null anywhere else still fails the schema.
 */
function withoutRemovals(document: unknown, removals: string[][]): unknown {
  const doc = document as { spec?: Record<string, unknown> } | null;
  if (!doc || typeof doc !== 'object' || !doc.spec || typeof doc.spec !== 'object') return document;
  const spec = { ...doc.spec };
  spec.defaults = dropNulls(spec.defaults, ['spec', 'defaults'], removals);
  if (isObject(spec.environments)) {
    spec.environments = Object.fromEntries(
      Object.entries(spec.environments).map(([name, env]) => {
        const cleaned = dropNulls(env, ['spec', 'environments', name], removals);
        // A copy: dropNulls returns the document's own object when it removes nothing.
        if (isObject(cleaned) && isObject(cleaned.clusters)) {
          return [name, { ...cleaned, clusters: Object.fromEntries(Object.entries(cleaned.clusters).map(([c, v]) => [c, dropNulls(v, ['spec', 'environments', name, 'clusters', c], removals)])) }];
        }
        return [name, cleaned];
      }),
    );
  }
  if (Array.isArray(spec.clusters)) {
    spec.clusters = spec.clusters.map((cluster, index) => {
      if (!isObject(cluster)) return cluster;
      const identity = Object.entries(cluster).filter(([k]) => CLUSTER_IDENTITY.has(k));
      const settings = dropNulls(Object.fromEntries(Object.entries(cluster).filter(([k]) => !CLUSTER_IDENTITY.has(k))), ['spec', 'clusters', String(index)], removals);
      return { ...Object.fromEntries(identity), ...settings };
    });
  }
  return { ...doc, spec };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The value without its null-valued keys, at any depth of objects (not arrays), each removal's path
 * added to `removals` (this level's first, then those below). The value itself where it holds no
 * null: the validator does not change what it reads, and most layers remove nothing.
 */
function dropNulls(value: unknown, path: readonly string[], removals: string[][]): any {
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  let changed = false;
  for (const k of keys) {
    if (value[k] === null) {
      removals.push([...path, k]);
      changed = true;
    }
  }
  const cleaned = keys.map((k) => {
    const v = value[k];
    if (v === null || !isObject(v)) return v;
    const below = dropNulls(v, [...path, k], removals);
    if (below !== v) changed = true;
    return below;
  });
  // fromEntries, as before: a "__proto__" key stays a key.
  return changed ? Object.fromEntries(keys.flatMap((k, i) => (value[k] === null ? [] : [[k, cleaned[i]]]))) : value;
}

function toDiagnostics(e: ErrorObject): Diagnostic[] {
  const fix = (e.parentSchema as { 'x-fix'?: string } | undefined)?.['x-fix'];
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      return [
        error('MF1103',
          `${e.instancePath}${pointer(field)}`,
          `unknown field ${show(field)}`,
          allowed.length ? chooseFrom(field, allowed, 'remove it or use one of') : 'remove it',
        ),
      ];
    }
    case 'required': {
      const field = (e.params as { missingProperty: string }).missingProperty;
      return [error('MF1104', `${e.instancePath}${pointer(field)}`, `missing required field ${show(field)}`, `add ${field}`)];
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      return [
        error('MF1105', e.instancePath, `${show(e.data)} is not allowed`, `use one of: ${allowed.map((a) => show(a)).join(', ')}`),
      ];
    }
    case 'const':
      return [error('MF1106', e.instancePath, `${show(e.data)} is not allowed`, fix ?? `use ${show((e.params as { allowedValue: unknown }).allowedValue)}`)];
    case 'type':
      return [error('MF1107', e.instancePath, `${show(e.data)} must be of type ${(e.params as { type: string }).type}`, fix ?? `write a ${(e.params as { type: string }).type}`)];
    case 'propertyNames': {
      const name = (e.params as { propertyName: string }).propertyName;
      return [error('MF1108', `${e.instancePath}${pointer(name)}`, `${show(name)} is not a valid name`, fix ?? 'use a DNS label')];
    }
    case 'pattern':
      // A failing property name is reported by its `propertyNames` error already.
      if ((e as { propertyName?: string }).propertyName !== undefined) return [];
      return [error('MF1109', e.instancePath, `${show(e.data)} is not valid`, fix ?? `match ${(e.params as { pattern: string }).pattern}`)];
    case 'anyOf':
    case 'oneOf':
      return [error('MF1110', e.instancePath, `${show(e.data)} is not valid`, fix ?? e.message ?? 'see the schema')];
    case 'discriminator':
      return [error('MF1111', `${e.instancePath}/type`, `${show((e.data as { type?: unknown })?.type)} is not a known type`, fix ?? 'see the schema')];
    default:
      return [error('MF1112', e.instancePath, `${show(e.data)} ${e.message ?? 'is not valid'}`, fix ?? 'see schemas/fleet.schema.json')];
  }
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  // Items of an anyOf report once per branch; one message per path and text is enough.
  return diagnostics.filter((d) => {
    const key = `${d.path}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
