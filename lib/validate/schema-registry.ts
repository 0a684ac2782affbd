// Validators for custom resources, compiled from the CRD schemas generated into schemas/crds/
// (scripts/gen-schemas.ts). Everything is lazy: the index is read on first use and a schema file
// only when an object of that apiVersion/kind is validated, so a small fleet never parses the
// Gateway API bundles it does not use. Compiled validators are kept for the process, and ajv's
// generated code on disk (lib/compiled-cache.ts), so a warm run does not compile schemas at all.
//
// How a CRD's OpenAPI v3 schema is turned into something ajv (JSON Schema draft-07) checks like
// the API server does:
// - Unknown fields are errors. Wherever a schema lists `properties` (or is a bare `type: object`)
//   without `x-kubernetes-preserve-unknown-fields`, we add `additionalProperties: false`. The API
//   server would prune such a field silently, or refuse it under kubectl's default strict field
//   validation; for a generator either way the output does not say what we meant. Only structural
//   positions get this (properties/items/additionalProperties), never allOf/anyOf/oneOf/not
//   branches, which repeat a subset of the fields to state constraints.
// - `x-kubernetes-int-or-string: true` means integer or string; `nullable: true` admits null.
// - Schema `default`s are applied (on a copy) before validating, as the API server does; without
//   that some valid objects fail (a Gateway address without `type` matches both oneOf branches).
// - `x-kubernetes-list-type: set|map` (+ `x-kubernetes-list-map-keys`) reject duplicate entries, and
//   formats follow Kubernetes (kubernetes-keywords.ts).
// - `matchLabels` is a map of strings even where a CRD declares it preserve-unknown-fields, and a
//   few admission-webhook value sets missing from CRD schemas are added (EXTRA_CONSTRAINTS; the
//   webhook's other rules run after the schema, in linkerd-admission.ts).
// - `metadata` is ObjectMeta for every kind and is checked in core-kinds.ts, not here; an emitted
//   `status` is reported without compiling its (large) schema.
// - CEL rules (`x-kubernetes-validations`) are evaluated over the defaulted object (cel-rules.ts),
//   unless a structural error blocks them, as in the API server.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { celRulesCheck, memoKey, type CelRulesCheck } from './cel-rules.ts';
import { CRD_RUNTIME_MODULE, crdRuntimeRequire, isKubernetesDuration, KNOWN_FORMATS, kubernetesFormats, LIST_TYPE_KEYWORD_VERSION, listTypeKeyword } from './kubernetes-keywords.ts';
import { cachedModule } from '../compiled-cache.ts';
import { escapePointer } from './json-pointer.ts';
import { apiGroupOf } from '../model/kube-object.ts';
import { MIN_SHARED_SIZE, SHARED_SUBSCHEMAS_VERSION, withSharedSubschemas } from '../subschema-sharing.ts';
import { packageFile } from '../package-files.ts';
import { validationLibraries } from '../validation-libraries.ts';
import { ACCESS_POLICIES, PROXY_PROTOCOLS } from '../compat/access-policies.ts';
import type { GatewayAPIChannel } from '../compat/gateway-api.ts';
import type { LinkerdValuesSet } from '../compat/linkerd-releases.ts';

/** The Linkerd CRD schema sets: one per release of the release table (lib/compat/linkerd-releases.ts). */
export type LinkerdSchemaVersion = LinkerdValuesSet;
export type { GatewayAPIChannel };

export interface SchemaSources {
  /** Which linkerd-crds release the cluster runs. Omitted: Linkerd kinds have no schema. */
  readonly linkerd?: LinkerdSchemaVersion;
  /** Which Gateway API bundle the cluster runs (version with or without the leading "v"). */
  readonly gatewayAPI?: { readonly version: string; readonly channel: GatewayAPIChannel };
}

export interface SchemaViolation {
  /** JSON pointer inside the object, e.g. `/spec/duration`. */
  readonly path: string;
  readonly message: string;
  /** For a failed CEL rule (`x-kubernetes-validations`): the rule's text. */
  readonly rule?: string;
}

/** Returns the violations of one object; empty when it is valid. Never mutates the object. */
export type ValidateFn = (object: unknown) => SchemaViolation[];

/** Always searched: these projects' CRDs have no version axis in meshfleet. */
export const UNVERSIONED_SOURCE_SETS = ['cert-manager', 'trust-manager', 'external-secrets', 'sealed-secrets', 'argo-cd', 'flux'] as const;

const schemasDir = packageFile('schemas/crds/');

interface SchemaIndexFile {
  readonly header: string;
  /** source set → apiVersion → kind → schema file name */
  readonly sourceSets: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>>;
}

let schemaIndex: SchemaIndexFile | undefined;

function loadIndex(): SchemaIndexFile {
  if (!schemaIndex) {
    const url = new URL('index.json', schemasDir);
    try {
      schemaIndex = JSON.parse(readFileSync(url, 'utf8')) as SchemaIndexFile;
    } catch (error) {
      throw new Error(`cannot read ${url.pathname} (${(error as Error).message}): run \`npm run gen:schemas\``);
    }
  }
  return schemaIndex;
}

/** The source sets searched for these sources, most specific first (names as in index.json). */
export function sourceSetsFor(sources: SchemaSources): string[] {
  const sets: string[] = [];
  const known = loadIndex().sourceSets;
  if (sources.linkerd !== undefined) {
    const name = `linkerd/${sources.linkerd}`;
    if (!known[name]) throw new Error(`no CRD schemas for Linkerd ${sources.linkerd}; known: ${knownNames('linkerd/')}`);
    sets.push(name);
  }
  if (sources.gatewayAPI !== undefined) {
    const version = sources.gatewayAPI.version.startsWith('v') ? sources.gatewayAPI.version : `v${sources.gatewayAPI.version}`;
    const name = `gateway-api/${version}/${sources.gatewayAPI.channel}`;
    if (!known[name]) throw new Error(`no CRD schemas for Gateway API ${version} ${sources.gatewayAPI.channel}; known: ${knownNames('gateway-api/')}`);
    sets.push(name);
  }
  sets.push(...UNVERSIONED_SOURCE_SETS);
  return sets;
}

function knownNames(prefix: string): string {
  return Object.keys(loadIndex().sourceSets)
    .filter((name) => name.startsWith(prefix))
    .map((name) => name.slice(prefix.length))
    .join(', ');
}

/**
 * The validator for apiVersion/kind from the first source set that serves it, or undefined when
 * none does (the caller must treat that as an error: an object nothing can check is not "valid").
 */
export function schemaFor(apiVersion: string, kind: string, sources: SchemaSources): ValidateFn | undefined {
  return crdValidatorsFor(apiVersion, kind, sources)?.all;
}

/**
 * Like schemaFor, without the CEL rules (`x-kubernetes-validations`): for callers that read only the
 * schema's structural verdicts (unknown fields, types), which then neither load CEL for this schema
 * nor evaluate its rules.
 */
export function structuralSchemaFor(apiVersion: string, kind: string, sources: SchemaSources): ValidateFn | undefined {
  return crdValidatorsFor(apiVersion, kind, sources)?.withoutCelRules();
}

function crdValidatorsFor(apiVersion: string, kind: string, sources: SchemaSources): CrdValidators | undefined {
  // Asked for every emitted object: the answer per sources and kind is looked up once.
  const key = `${sources.linkerd ?? ''}\u0000${sources.gatewayAPI?.version ?? ''}\u0000${sources.gatewayAPI?.channel ?? ''}\u0000${apiVersion}\u0000${kind}`;
  if (schemaAnswers.has(key)) return schemaAnswers.get(key);
  const validators = findSchema(apiVersion, kind, sources);
  schemaAnswers.set(key, validators);
  return validators;
}

const schemaAnswers = new Map<string, CrdValidators | undefined>();

function findSchema(apiVersion: string, kind: string, sources: SchemaSources): CrdValidators | undefined {
  const sets = loadIndex().sourceSets;
  for (const setName of sourceSetsFor(sources)) {
    const fileName = sets[setName]?.[apiVersion]?.[kind];
    if (fileName !== undefined) return validatorForFile(fileName, apiGroupOf(apiVersion), kind);
  }
  return undefined;
}

/** The apiVersions the searched sets serve for group/kind, for "did you mean" messages. */
export function servedApiVersionsOf(group: string, kind: string, sources: SchemaSources): string[] {
  const sets = loadIndex().sourceSets;
  const found = new Set<string>();
  for (const setName of sourceSetsFor(sources)) {
    for (const [apiVersion, kinds] of Object.entries(sets[setName] ?? {})) {
      if (apiVersion.startsWith(`${group}/`) && kinds[kind] !== undefined) found.add(apiVersion);
    }
  }
  return [...found].sort();
}

// ---------------------------------------------------------------------------------------------
// Compilation

/** A CRD schema's checks: everything the API server checks on create, or all but the CEL rules (made on first use). */
interface CrdValidators {
  readonly all: ValidateFn;
  readonly withoutCelRules: () => ValidateFn;
}

const compiledByFile = new Map<string, CrdValidators>();

/** Schema files compiled so far in this process (for tests and the benchmark: laziness is a feature). */
export function loadedSchemaFiles(): string[] {
  return [...compiledByFile.keys()].sort();
}

function validatorForFile(fileName: string, group: string, kind: string): CrdValidators {
  const extraConstraints = EXTRA_CONSTRAINTS.filter((extra) => extra.group === group && extra.kind === kind);
  // Files are shared between kinds with identical schemas (Issuer/ClusterIssuer); extras are per kind.
  const cacheKey = extraConstraints.length > 0 ? `${fileName}#${kind}` : fileName;
  let validators = compiledByFile.get(cacheKey);
  if (!validators) {
    let crdSchema = JSON.parse(readFileSync(new URL(fileName, schemasDir), 'utf8')) as Schema;
    for (const extra of extraConstraints) crdSchema = withExtraConstraint(crdSchema, extra.path, extra.schema);
    validators = compileCrdSchema(crdSchema, fileName);
    compiledByFile.set(cacheKey, validators);
  }
  return validators;
}

/**
 * Rules the API server enforces through a project's admission webhook rather than its CRD schema,
 * where they are plain value sets: as enums they give "must be one of" messages and block CEL like
 * schema errors. The value lists and every other webhook rule live in linkerd-admission.ts.
 */
const EXTRA_CONSTRAINTS: readonly { group: string; kind: string; path: readonly string[]; schema: Schema }[] = [
  { group: 'policy.linkerd.io', kind: 'Server', path: ['spec', 'proxyProtocol'], schema: { enum: [...PROXY_PROTOCOLS] } },
  { group: 'policy.linkerd.io', kind: 'Server', path: ['spec', 'accessPolicy'], schema: { enum: [...ACCESS_POLICIES] } },
];

/** A copy of schema with `extra` merged into the property at `path` (if that version has it). */
function withExtraConstraint(schema: Schema, path: readonly string[], extra: Schema): Schema {
  if (path.length === 0) return { ...schema, ...extra };
  const [head, ...rest] = path;
  if (!isSchema(schema.properties) || !isSchema(schema.properties[head!])) return schema;
  return { ...schema, properties: { ...schema.properties, [head!]: withExtraConstraint(schema.properties[head!] as Schema, rest, extra) } };
}

type Schema = { [keyword: string]: unknown };

let sharedAjv: Ajv | undefined;

// ajv is loaded only to compile a CRD schema whose generated code is not cached yet: `meshfleet lint`
// of built-in kinds (kubernetes-models brings its own compiled validators) and runs with a warm
// cache never load it.
const require = createRequire(import.meta.url);

const AJV_OPTIONS = {
  strict: false, // CRD schemas carry x-kubernetes-* and other keywords ajv does not know
  allErrors: true, // report every problem of an object at once
  verbose: true, // errors carry the offending value, for messages like "got number 4143"
  addUsedSchema: false, // compiled schemas are cached by file name here, not by $id in ajv
  inlineRefs: false, // a shared subschema (subschema-sharing.ts) is one function, not inlined at each $ref
} as const;
// ajv's code optimiser costs 3-4x the compile time of big CRDs (Argo CD Application: ~570 ms
// → ~150 ms without it) and buys nothing measurable when validating small objects.
const CODE_OPTIONS = { optimize: false, source: true } as const;

function ajv(): Ajv {
  if (!sharedAjv) {
    const { Ajv, _ } = validationLibraries().ajv();
    // Formats are referenced by name in the generated code, through the runtime module.
    sharedAjv = new Ajv({ ...AJV_OPTIONS, code: { ...CODE_OPTIONS, formats: _`require(${CRD_RUNTIME_MODULE}).formats` } });
    for (const [name, format] of Object.entries(kubernetesFormats())) sharedAjv.addFormat(name, format);
    sharedAjv.addKeyword(listTypeKeyword);
  }
  return sharedAjv;
}

/**
 * ajv's validator for a CRD schema (already in ajv's form), as standalone code cached on disk keyed by
 * everything it is generated from: the schema, ajv's version and options, and the keyword's generator
 * (by its version: its function text differs between the bundle and dist/, which share the cache).
 */
function compiledValidator(ajvSchema: Schema, fileName: string): ValidateFunction {
  const key = crdValidatorKey(ajvSchema);
  const generate = () => {
    const standaloneCode = validationLibraries().standaloneCode();
    // On a miss the function ajv just compiled is used as is: evaluating its standalone code again
    // would compile the same code twice. Both run the same generated code (the tests compare them).
    const compiled = ajv().compile(withSharedSubschemas(ajvSchema));
    return { code: standaloneCode(ajv(), compiled), exports: { default: compiled } };
  };
  const name = `crd-${fileName.replace(/\.json$/, '')}`;
  return (cachedModule(name, key, generate, crdRuntimeRequire) as { default: ValidateFunction }).default;
}

/**
 * ajv's validator of a CRD schema file (without extra constraints), compiled in this call and never
 * cached; with `shared: false` every repeated subschema is generated in place (for tests).
 */
export function uncachedCrdValidator(fileName: string, shared = true): ValidateFunction {
  const ajvSchema = toAjvSchema(JSON.parse(readFileSync(new URL(fileName, schemasDir), 'utf8')) as Schema, 'root');
  return ajv().compile(shared ? withSharedSubschemas(ajvSchema) : ajvSchema);
}

/** What names a CRD validator's cached code: everything the code is generated from (exported for tests). */
export function crdValidatorKey(ajvSchema: Schema): string {
  const { version } = require('ajv/package.json') as { version: string };
  return JSON.stringify({ ajv: version, options: AJV_OPTIONS, code: CODE_OPTIONS, formats: [...KNOWN_FORMATS], keyword: LIST_TYPE_KEYWORD_VERSION, shared: [SHARED_SUBSCHEMAS_VERSION, MIN_SHARED_SIZE], schema: ajvSchema });
}

function compileCrdSchema(crdSchema: Schema, fileName: string): CrdValidators {
  let compiled: ValidateFunction;
  try {
    compiled = compiledValidator(toAjvSchema(crdSchema, 'root'), fileName);
  } catch (error) {
    throw new Error(`cannot compile CRD schema ${fileName}: ${(error as Error).message}`);
  }
  const applyDefaults = buildDefaulter(withoutStatus(crdSchema));
  // Walked on first use: a schema only checked without its rules never builds their sites.
  let celRules: { readonly check: CelRulesCheck | undefined } | undefined;
  const check = (object: unknown, withCelRules: boolean) => {
    const defaulted = applyDefaults ? applyDefaults(object) : object;
    const errors = compiled(defaulted) ? undefined : (compiled.errors ?? undefined);
    const violations: SchemaViolation[] = errors ? violationsFromAjvErrors(errors) : [];
    const checkCelRules = withCelRules ? (celRules ??= { check: celRulesCheck(withoutStatus(crdSchema)) }).check : undefined;
    if (checkCelRules) {
      if (errors?.some(blocksCelRules)) violations.push(CEL_RULES_NOT_CHECKED);
      else for (const violation of checkCelRules(defaulted)) violations.push(violation);
    }
    if (isSchema(object) && object.status !== undefined) violations.push(STATUS_VIOLATION);
    return violations;
  };
  // CEL rules see metadata when they sit at the root or inside metadata's own schema.
  const metadataSchema = isSchema(crdSchema.properties) ? crdSchema.properties.metadata : undefined;
  const rulesSeeMetadata = Array.isArray(crdSchema['x-kubernetes-validations']) || JSON.stringify(metadataSchema ?? {}).includes('"x-kubernetes-validations"');
  let withoutCelRules: ValidateFn | undefined;
  return {
    all: rememberedByContent((object) => check(object, true), rulesSeeMetadata),
    withoutCelRules: () => (withoutCelRules ??= rememberedByContent((object) => check(object, false), false)),
  };
}

/** After this many objects a validator whose objects rarely repeat stops remembering them. */
const MEMO_TRIAL = 256;
const MEMO_MAX_ENTRIES = 4096;

/**
 * Violations remembered by the object's content without its metadata: the check above is a pure
 * function of the object, and reads of metadata only that it is an object (ObjectMeta is checked
 * in core-kinds.ts), unless CEL rules can see it (at the root or in metadata's schema). Generated
 * objects repeat across clusters except for their names and labels (a fleet's Certificates,
 * Issuers, Servers and routes), so most are answered from here; a kind whose objects all differ
 * (credentials naming both clusters) stops paying for the key after a trial.
 */
function rememberedByContent(check: ValidateFn, rulesSeeMetadata: boolean): ValidateFn {
  // One memo for objects without metadata and one for those with it (keys are the rest's text).
  let memos: [Map<string, SchemaViolation[]>, Map<string, SchemaViolation[]>] | undefined = [new Map(), new Map()];
  let lookups = 0;
  let hits = 0;
  return (object: unknown) => {
    if (!memos || !isSchema(object) || (object.metadata !== undefined && !isPlainObject(object.metadata))) return check(object);
    const key = rulesSeeMetadata ? memoKey(object) : memoKeyWithoutMetadata(object);
    if (key === undefined) return check(object);
    const memo = memos[object.metadata === undefined ? 0 : 1];
    const seen = memo.get(key);
    lookups++;
    if (seen) {
      hits++;
      return [...seen];
    }
    const violations = check(object);
    if (lookups >= MEMO_TRIAL && hits * 4 < lookups) memos = undefined;
    else if (memos[0].size + memos[1].size < MEMO_MAX_ENTRIES) memo.set(key, [...violations]);
    return violations;
  };
}

/**
 * memoKey of the object without its metadata, without copying the object to leave it out: the
 * top-level fields' keys in order, each value's memoKey. Like memoKey it tells apart any two
 * objects that differ outside metadata (each value's key is self-delimiting: JSON or spelled out).
 */
function memoKeyWithoutMetadata(object: Schema): string | undefined {
  let key = '{';
  for (const name in object) {
    if (name === 'metadata') continue;
    if (!Object.hasOwn(object, name)) return undefined;
    const inner = memoKey(object[name]);
    if (inner === undefined) return undefined;
    key += `${JSON.stringify(name)}:${inner},`;
  }
  return key;
}

function isPlainObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Like the API server, CEL rules are not evaluated when the object has a wrong type, a missing
 * required field, a value outside an enum or over a size limit: rules may assume all of those hold.
 * Errors inside anyOf/oneOf/not branches only say which branch failed; they do not block.
 */
const CEL_BLOCKING_KEYWORDS = new Set(['type', 'required', 'enum', 'maxLength', 'maxItems', 'maxProperties']);

function blocksCelRules(error: ErrorObject): boolean {
  return CEL_BLOCKING_KEYWORDS.has(error.keyword) && !/\/(?:anyOf|oneOf|not)\//.test(error.schemaPath);
}

const CEL_RULES_NOT_CHECKED: SchemaViolation = {
  path: '',
  message: 'x-kubernetes-validations rules were not checked because of the errors above (the API server skips them too); fix those and validate again',
};

const STATUS_VIOLATION: SchemaViolation = {
  path: '/status',
  message: 'status is written by controllers; the API server ignores it on create/update, so emitting it is a defect',
};

type Position = 'root' | 'structural' | 'branch';

/** OpenAPI v3 (Kubernetes structural schema) → JSON Schema for ajv; see the header comment. */
function toAjvSchema(schema: Schema, position: Position, isMatchLabels = false): Schema {
  const result: Schema = { ...schema };
  const preservesUnknownFields = schema['x-kubernetes-preserve-unknown-fields'] === true;

  if (isMatchLabels && preservesUnknownFields && schema.properties === undefined && schema.additionalProperties === undefined) {
    // Every Kubernetes `matchLabels` is map[string]string, but many CRDs (Linkerd's Link, Server, …)
    // declare it as preserve-unknown-fields: `mirror.linkerd.io/exported: true` (a boolean) would pass
    // and the controller would fail to decode it.
    result.additionalProperties = { type: 'string' };
  }
  if (isSchema(schema.properties)) {
    const properties: Schema = {};
    for (const [name, sub] of Object.entries(schema.properties)) {
      if (position === 'root' && name === 'metadata') {
        // metadata is ObjectMeta whatever the CRD says: checked by core-kinds.ts, only its type here.
        properties[name] = { type: 'object' };
      } else if (position === 'root' && name === 'status') {
        // Controllers write status; an emitted one is reported by the caller (see compileCrdSchema).
        // Not compiling it roughly halves compile time for big CRDs (Argo CD Application, Gateway).
        properties[name] = {};
      } else {
        properties[name] = toAjvSchema(sub as Schema, childPosition(position), name === 'matchLabels');
      }
    }
    if (position === 'root' || schema['x-kubernetes-embedded-resource'] === true) {
      // The API server accepts these on every resource even when the CRD schema omits them.
      properties.apiVersion ??= { type: 'string' };
      properties.kind ??= { type: 'string' };
      properties.metadata ??= { type: 'object' };
    }
    result.properties = properties;
    if (position !== 'branch' && !preservesUnknownFields && schema.additionalProperties === undefined) {
      result.additionalProperties = false;
    }
  }
  // `type: object` with no fields at all is a marker ({}): the API server prunes anything put in it.
  if (
    position === 'structural' && schema.type === 'object' && schema.properties === undefined && schema.additionalProperties === undefined &&
    !preservesUnknownFields && schema['x-kubernetes-embedded-resource'] !== true
  ) {
    result.additionalProperties = false;
  }
  if (isSchema(schema.additionalProperties)) result.additionalProperties = toAjvSchema(schema.additionalProperties, childPosition(position));
  if (isSchema(schema.items)) result.items = toAjvSchema(schema.items, childPosition(position));
  for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = schema[combinator];
    if (Array.isArray(branches)) result[combinator] = branches.map((branch: Schema) => toAjvSchema(branch, 'branch'));
  }
  if (isSchema(schema.not)) result.not = toAjvSchema(schema.not, 'branch');

  if (schema['x-kubernetes-int-or-string'] === true) {
    result.type = ['integer', 'string'];
    // The usual companion `anyOf: [{type: integer}, {type: string}]` only repeats that and would
    // double every error message.
    if (Array.isArray(schema.anyOf) && schema.anyOf.every(isPlainIntOrStringBranch)) delete result.anyOf;
  }
  if (schema.nullable === true) {
    if (typeof result.type === 'string') result.type = [result.type, 'null'];
    else if (Array.isArray(result.type)) result.type = [...result.type, 'null'];
    if (Array.isArray(result.enum)) result.enum = [...result.enum, null];
  }
  // OpenAPI 3.0 booleans → JSON Schema draft-07 numbers.
  if (schema.exclusiveMinimum === true) {
    result.exclusiveMinimum = schema.minimum;
    delete result.minimum;
  } else if (schema.exclusiveMinimum === false) delete result.exclusiveMinimum;
  if (schema.exclusiveMaximum === true) {
    result.exclusiveMaximum = schema.maximum;
    delete result.maximum;
  } else if (schema.exclusiveMaximum === false) delete result.exclusiveMaximum;
  if (typeof schema.format === 'string' && !KNOWN_FORMATS.has(schema.format)) delete result.format;
  return result;
}

function childPosition(position: Position): Position {
  return position === 'branch' ? 'branch' : 'structural';
}

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isPlainIntOrStringBranch(branch: unknown): boolean {
  return isSchema(branch) && Object.keys(branch).length === 1 && (branch.type === 'integer' || branch.type === 'string');
}

// ---------------------------------------------------------------------------------------------
// Defaulting, as the API server does before validation: `default` of properties, recursively
// through properties/items/additionalProperties (never inside allOf/anyOf/oneOf/not).
// Copy-on-write: the caller's object is never changed; unchanged subtrees are shared.

type Defaulter = (value: unknown) => unknown;

function withoutStatus(schema: Schema): Schema {
  if (!isSchema(schema.properties) || !('status' in schema.properties)) return schema;
  const { status: _status, ...properties } = schema.properties;
  return { ...schema, properties };
}

function buildDefaulter(schema: Schema): Defaulter | undefined {
  const propertyDefaulters: { name: string; defaultValue: unknown; nullable: boolean; inner: Defaulter | undefined }[] = [];
  if (isSchema(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      if (!isSchema(sub)) continue;
      const inner = buildDefaulter(sub);
      // Shared by every defaulted object, not copied: nothing downstream changes the defaulted object
      // (ajv here neither coerces nor removes), and frozen it cannot be changed by mistake either.
      if (sub.default !== undefined || inner) propertyDefaulters.push({ name, defaultValue: deepFreeze(sub.default), nullable: sub.nullable === true, inner });
    }
  }
  const itemDefaulter = isSchema(schema.items) ? buildDefaulter(schema.items) : undefined;
  const valueDefaulter = isSchema(schema.additionalProperties) ? buildDefaulter(schema.additionalProperties) : undefined;
  if (propertyDefaulters.length === 0 && !itemDefaulter && !valueDefaulter) return undefined;
  const declared = isSchema(schema.properties) ? schema.properties : {};

  return (value: unknown) => {
    if (Array.isArray(value)) {
      if (!itemDefaulter) return value;
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        if (!(index in value)) continue; // a hole, as forEach would skip it
        const item: unknown = value[index];
        const defaulted = itemDefaulter(item);
        if (defaulted !== item) (copy ??= [...value])[index] = defaulted;
      }
      return copy ?? value;
    }
    if (!isSchema(value)) return value;
    let copy: Schema | undefined;
    for (let i = 0; i < propertyDefaulters.length; i++) {
      const { name, defaultValue, nullable, inner } = propertyDefaulters[i]!;
      const current = value[name];
      // The API server prunes a null in a non-nullable field before defaulting it.
      const missing = current === undefined || (current === null && !nullable);
      let next = current;
      if (missing && defaultValue !== undefined) next = defaultValue;
      if (inner && next !== undefined && next !== null) next = inner(next);
      if (next !== current) (copy ??= { ...value })[name] = next;
    }
    if (valueDefaulter) {
      for (const key of Object.keys(value)) {
        if (key in declared) continue;
        const entry = value[key];
        const defaulted = valueDefaulter(entry);
        if (defaulted !== entry) (copy ??= { ...value })[key] = defaulted;
      }
    }
    return copy ?? value;
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** ajv errors (ours or kubernetes-models') → path + message, one line each, no duplicates. */
export function violationsFromAjvErrors(errors: readonly Partial<ErrorObject>[]): SchemaViolation[] {
  if (errors.length === 0) return [];
  const violations: SchemaViolation[] = [];
  const seen = new Set<string>();
  for (const error of collapseCombinators(errors)) {
    const violation = toViolation(error);
    const key = `${violation.path}\u0000${violation.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    violations.push(violation);
  }
  return violations;
}

/**
 * A failed oneOf/anyOf brings one error per failed branch plus its own: one root cause, many lines.
 * Keep the outermost combinator's error and drop the errors of its branches (ajv's schemaPath of a
 * branch error starts with the combinator's), so toViolation can say once what would be accepted.
 */
function collapseCombinators(errors: readonly Partial<ErrorObject>[]): Partial<ErrorObject>[] {
  const combinators = errors
    .filter((error) => (error.keyword === 'oneOf' || error.keyword === 'anyOf') && typeof error.schemaPath === 'string')
    .map((error) => `${error.schemaPath}/`);
  if (combinators.length === 0) return [...errors];
  return errors.filter((error) => !combinators.some((prefix) => error.schemaPath?.startsWith(prefix) && error.schemaPath !== prefix.slice(0, -1)));
}

/** What a oneOf/anyOf branch accepts, in words, from its schema (ajv's verbose errors carry it). */
function describeBranch(schema: unknown): string {
  if (!isSchema(schema)) return 'anything';
  const parts: string[] = [];
  if (Array.isArray(schema.required)) parts.push(`with ${schema.required.join(' and ')}`);
  if (typeof schema.format === 'string') parts.push(`a valid ${schema.format}`);
  if (typeof schema.type === 'string') parts.push(`a ${schema.type}`);
  if (Array.isArray(schema.enum)) parts.push(schema.enum.map((value) => JSON.stringify(value)).join(' or '));
  if (isSchema(schema.not) && Array.isArray(schema.not.enum)) parts.push(`not ${schema.not.enum.map((value) => JSON.stringify(value)).join(' or ')}`);
  if (typeof schema.pattern === 'string') parts.push(`matching ${schema.pattern}`);
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const branches = schema[combinator];
    if (Array.isArray(branches)) parts.push(branches.map(describeBranch).join(' or '));
  }
  if (isSchema(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) parts.push(`${name} ${describeBranch(sub)}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'anything';
}

function combinatorViolation(error: Partial<ErrorObject>, path: string): SchemaViolation {
  const branches = Array.isArray(error.schema) ? error.schema : undefined;
  const manyMatch = error.keyword === 'oneOf' && Array.isArray((error.params as { passingSchemas?: unknown } | undefined)?.passingSchemas);
  if (!branches) return { path, message: manyMatch ? 'matches more than one of the accepted forms (oneOf)' : `matches none of the accepted forms (${error.keyword})` };
  const forms = branches.map((branch, i) => `(${i + 1}) ${describeBranch(branch)}`).join('; ');
  if (manyMatch) return { path, message: `must match exactly one of: ${forms}; it matches more than one` };
  const got = error.data !== null && typeof error.data === 'object' ? '' : describeActual(error);
  return { path, message: `must be ${error.keyword === 'oneOf' ? 'exactly one' : 'one'} of: ${forms}${got}` };
}

function toViolation(error: Partial<ErrorObject>): SchemaViolation {
  const path = error.instancePath ?? '';
  const params = (error.params ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'oneOf':
    case 'anyOf':
      return combinatorViolation(error, path);
    case 'required':
      return { path: `${path}/${escapePointer(String(params.missingProperty))}`, message: 'required field is missing' };
    case 'additionalProperties':
      return {
        path: `${path}/${escapePointer(String(params.additionalProperty))}`,
        message: 'unknown field: not in the schema (the API server would drop or reject it)',
      };
    case 'type':
      return { path, message: `must be ${formatType(params.type)}${describeActual(error)}` };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${describeActual(error)}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}${describeActual(error)}` };
    case 'pattern':
      return { path, message: `must match ${String(params.pattern)}${describeActual(error)}` };
    case 'format':
      return { path, message: `must be a valid ${String(params.format)}${describeActual(error)}` };
    default:
      return { path, message: error.message ?? `fails ${error.keyword ?? 'validation'}` };
  }
}

function formatType(type: unknown): string {
  return Array.isArray(type) ? type.join(' or ') : String(type);
}

function describeActual(error: Partial<ErrorObject>): string {
  if (!('data' in error)) return '';
  const data: unknown = error.data;
  const typeName = data === null ? 'null' : Array.isArray(data) ? 'array' : typeof data;
  if (typeName === 'object' || typeName === 'array') return `, got ${typeName}`;
  const shown = JSON.stringify(data) ?? String(data);
  return `, got ${typeName} ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`;
}

export { escapePointer, isKubernetesDuration };
