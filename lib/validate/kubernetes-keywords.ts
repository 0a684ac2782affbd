// The Kubernetes-specific keywords and formats of CRD schemas, in the form ajv compiles to standalone
// code (so compiled validators can be cached on disk, lib/compiled-cache.ts): the generated code
// calls the checks below through `require(CRD_RUNTIME_MODULE)`, which crdRuntimeRequire resolves to
// this file's exports. Only code-generating keywords and formats named by that module survive in
// standalone code; a keyword given as a `validate` function would not.
// - `x-kubernetes-list-type: set|map` (+ `x-kubernetes-list-map-keys`) reject duplicate entries.
// - Formats follow Kubernetes: `duration` is a Go duration ("3s"), not ISO 8601 as in ajv-formats;
//   formats the API server does not know are ignored, as it ignores them (see KNOWN_FORMATS).
import { createRequire } from 'node:module';
import type { CodeKeywordDefinition, ErrorObject, Format, KeywordCxt } from 'ajv';
import { validationLibraries } from '../validation-libraries.ts';

const require = createRequire(import.meta.url);

/** What the generated code requires for the checks of this file (resolved by crdRuntimeRequire). */
export const CRD_RUNTIME_MODULE = 'meshfleet:crd-runtime';

/**
 * Formats whose ajv-formats check matches the API server's (`uri`, `hostname`, `email` are stricter in
 * ajv-formats than in Go, so they are left out rather than risk refusing valid objects; no CRD used
 * here declares them). `duration` has its own check below. Any other format is ignored, as the API
 * server ignores formats it does not know (e.g. `int-or-string`).
 */
export const FORMATS_FROM_AJV_FORMATS = ['date-time', 'date', 'ipv4', 'ipv6', 'uuid', 'byte', 'int32', 'int64', 'float', 'double'] as const;
export const KNOWN_FORMATS: ReadonlySet<string> = new Set<string>([...FORMATS_FROM_AJV_FORMATS, 'duration']);

let formats: Readonly<Record<string, Format>> | undefined;

/** Every known format's check; the same objects at compile time and in cached code. */
export function kubernetesFormats(): Readonly<Record<string, Format>> {
  if (!formats) {
    const fullFormats = validationLibraries().ajvFormats();
    const chosen: Record<string, Format> = {};
    for (const name of FORMATS_FROM_AJV_FORMATS) chosen[name] = fullFormats[name];
    chosen.duration = { type: 'string', validate: isKubernetesDuration };
    formats = chosen;
  }
  return formats;
}

/** The exports of CRD_RUNTIME_MODULE. */
const crdRuntime = {
  get formats() {
    return kubernetesFormats();
  },
  listTypeErrors,
};

/** `require` for generated validator code: CRD_RUNTIME_MODULE is this file, anything else ajv's helpers. */
export function crdRuntimeRequire(id: string): unknown {
  return id === CRD_RUNTIME_MODULE ? crdRuntime : require(id);
}

/**
 * Names what listTypeKeyword generates in cached validators' keys (schema-registry.ts), the same in
 * the CLI bundle and in dist/ or the sources, whose function texts differ: bump it with every change
 * to the keyword's code (test/validate/crd-validator-cache.test.ts fails until then).
 */
export const LIST_TYPE_KEYWORD_VERSION = 1;

/**
 * `x-kubernetes-list-type`, generating a call of listTypeErrors. Its errors are ajv errors as a
 * `validate` keyword's would be (instancePath, schemaPath, keyword, params, message).
 */
export const listTypeKeyword: CodeKeywordDefinition = {
  keyword: 'x-kubernetes-list-type',
  schemaType: 'string',
  type: 'array',
  code(cxt: KeywordCxt) {
    const { _, str, strConcat, stringify, Name } = validationLibraries().ajvCodegen();
    const { gen, data, schema, parentSchema, it } = cxt;
    if (schema !== 'set' && schema !== 'map') return;
    const keyFields = schema === 'map' && Array.isArray(parentSchema['x-kubernetes-list-map-keys']) ? (parentSchema['x-kubernetes-list-map-keys'] as string[]) : null;
    const check = gen.scopeValue('func', { ref: listTypeErrors, code: _`require(${CRD_RUNTIME_MODULE}).listTypeErrors` });
    // ajv's own names for the error list and count of the function being generated (compile/names.ts).
    const [vErrors, errors, instancePath] = [new Name('vErrors'), new Name('errors'), new Name('instancePath')];
    const found = gen.const(
      'duplicates',
      _`${check}(${data}, ${schema}, ${stringify(keyFields)}, ${strConcat(instancePath, it.errorPath)}, ${str`${it.errSchemaPath}/x-kubernetes-list-type`})`,
    );
    gen.if(found, () => {
      gen.if(_`${vErrors} === null`, () => gen.assign(vErrors, found), () => gen.code(_`${vErrors}.push(...${found})`));
      gen.assign(errors, _`${vErrors}.length`);
    });
    cxt.ok(_`${found} === null`);
  },
};

/** The duplicate entries of a `set` or `map` list as ajv errors, or null when there are none. */
export function listTypeErrors(data: readonly unknown[], listType: string, keyFields: readonly string[] | null, instancePath: string, schemaPath: string): Partial<ErrorObject>[] | null {
  let errors: Partial<ErrorObject>[] | null = null;
  if (data.length < 2) return errors;
  const seen = new Map<string, number>();
  data.forEach((item, index) => {
    const identity = keyFields ? JSON.stringify(keyFields.map((field) => (isObject(item) ? item[field] : undefined) ?? null)) : stableJson(item);
    const firstIndex = seen.get(identity);
    if (firstIndex === undefined) {
      seen.set(identity, index);
      return;
    }
    const what = keyFields ? `same ${keyFields.join('+')} (${identity.slice(1, -1)})` : 'same value';
    (errors ??= []).push({
      instancePath: `${instancePath}/${index}`,
      schemaPath,
      keyword: 'x-kubernetes-list-type',
      params: { listType, duplicateOf: firstIndex },
      message: `duplicate entry: ${what} as entry ${firstIndex} (x-kubernetes-list-type: ${listType})`,
    });
  });
  return errors;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// What the API server accepts for `format: duration` (kube-openapi strfmt.ParseDuration): a Go
// time.ParseDuration string ("1h30m", "1.5h", "-2m", "0"), else one or more number+unit parts
// ("3 days", "1w", "1 hour 30 minutes") where at least one unit is known: exactly one of
// ns us µs ms s m h hr d w wk, or a word starting with nano micro milli sec min hour day week.
const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const STRFMT_DURATION_SHAPE = /^\s*(?:\d+\s*[A-Za-zµ]+\s*)+$/;
const STRFMT_DURATION_PART = /(\d+)\s*([A-Za-zµ]+)/g;
const STRFMT_UNITS: readonly (readonly string[])[] = [['ns', 'nano'], ['us', 'µs', 'micro'], ['ms', 'milli'], ['s', 'sec'], ['m', 'min'], ['h', 'hr', 'hour'], ['d', 'day'], ['w', 'wk', 'week']];
const GO_MAX_INT = 9223372036854775807n;

export function isKubernetesDuration(value: string): boolean {
  if (GO_DURATION.test(value)) return true;
  if (!STRFMT_DURATION_SHAPE.test(value)) return false;
  let knownUnit = false;
  for (const [, digits, unitText] of value.matchAll(STRFMT_DURATION_PART)) {
    if (BigInt(digits!) > GO_MAX_INT) return false; // strconv.Atoi fails
    const unit = unitText!.toLowerCase();
    if (STRFMT_UNITS.some((variants) => variants.some((variant, i) => unit === variant || (i === variants.length - 1 && unit.startsWith(variant))))) knownUnit = true;
  }
  return knownUnit;
}
