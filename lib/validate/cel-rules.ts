// CEL rules (`x-kubernetes-validations`) of one CRD schema, evaluated over an object the way the
// API server does on create:
// - a rule runs once per value at the place it is attached (for every item of a list, every value
//   of a map), with `self` bound to that value; absent and null values are not checked;
// - the value is converted as Kubernetes types it: `integer` fields are CEL ints (bigint here),
//   `number` fields doubles, fields the schema does not declare are pruned, and property names
//   that are CEL keywords or hold `.`, `-`, `/`, `__` are escaped (`namespace` → `__namespace__`);
// - rules that use `oldSelf` are transition rules, checked only on update: skipped;
// - a failed rule reports its `messageExpression` (when it evaluates to a non-empty string), else
//   its `message`, else "failed rule: <rule>", at the place it is attached plus its `fieldPath`.
import { compileRule, type CompiledRule } from './cel-environment.ts';
import { escapePointer } from './json-pointer.ts';

type Schema = { readonly [keyword: string]: unknown };

export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
}

export interface CelViolation {
  /** JSON pointer of the value the rule is attached to, plus the rule's fieldPath. */
  readonly path: string;
  readonly message: string;
  /** The rule's text, so a caller can tell which rule failed. */
  readonly rule: string;
}

/** Evaluates every rule of a schema over an (already defaulted) object. */
export type CelRulesCheck = (object: unknown) => CelViolation[];

interface SiteRule {
  readonly rule: CelRule;
  /** Compiled when the first value reaches the rule: most rules of a big CRD never see a value. */
  readonly compiled: () => CompiledRule;
  /** The rule's fieldPath as a JSON pointer, appended to the place of the value. */
  readonly fieldPointer: string;
}

/** What a site's rules said about one value: per failed rule its message, relative to the value's place. */
type SiteOutcome = readonly { readonly suffix: string; readonly message: string; readonly rule: string }[];

interface RuleSite {
  readonly rules: readonly SiteRule[];
  /**
   * Outcomes by the value's text (memoKey): rules are pure functions of `self`, and generated
   * objects repeat the same values across clusters, so most evaluations are answered from here.
   */
  readonly memo: SiteMemo;
  /** Every site below converts its value as this site's conversion would hand it down (see ruleSite). */
  readonly convertsAlike: boolean;
  /** Declared properties whose subtree holds rules: name → its escaped CEL name and site. */
  readonly properties: readonly { readonly name: string; readonly celName: string | undefined; readonly pointer: string; readonly site: RuleSite }[];
  readonly items?: RuleSite;
  /** additionalProperties (map values); the keys of a map are not escaped. */
  readonly values?: RuleSite;
  readonly declared: ReadonlySet<string>;
  /** Converts the value here into its CEL form; built on first use. */
  readonly toCel: () => CelConverter;
}

type CelConverter = (value: unknown) => unknown;

interface SiteMemo {
  /** Undefined once the trial found that the site's values rarely repeat (see checkSite). */
  outcomes: Map<string, SiteOutcome> | undefined;
  lookups: number;
  hits: number;
}

/** The check for a CRD's `openAPIV3Schema` (without status), or undefined when it has no rules. */
export function celRulesCheck(schema: Schema): CelRulesCheck | undefined {
  const root = ruleSite(schema, true);
  if (!root) return undefined;
  return (object) => {
    const violations: CelViolation[] = [];
    checkSite(root, object, undefined, '', violations);
    return violations;
  };
}

/** Every rule of a schema with the place it is attached (`*` for any list index or map key). */
export function listCelRules(schema: Schema): { readonly path: string; readonly rule: CelRule }[] {
  const found: { path: string; rule: CelRule }[] = [];
  const visit = (node: Schema, path: string, isRoot: boolean) => {
    for (const rule of rulesAt(node)) found.push({ path, rule });
    for (const [name, sub] of Object.entries(isSchema(node.properties) ? node.properties : {})) {
      if (isSchema(sub) && !(isRoot && name === 'status')) visit(sub, `${path}/${escapePointer(name)}`, false);
    }
    if (isSchema(node.items)) visit(node.items, `${path}/*`, false);
    if (isSchema(node.additionalProperties)) visit(node.additionalProperties, `${path}/*`, false);
  };
  visit(schema, '', true);
  return found;
}

function rulesAt(schema: Schema): CelRule[] {
  const rules = schema['x-kubernetes-validations'];
  return Array.isArray(rules) ? (rules.filter((rule) => isSchema(rule) && typeof rule.rule === 'string') as unknown as CelRule[]) : [];
}

function ruleSite(schema: Schema, isRoot = false): RuleSite | undefined {
  const rules = rulesAt(schema).map((rule): SiteRule => {
    let compiled: CompiledRule | undefined;
    return { rule, compiled: () => (compiled ??= compileRuleOrExplain(rule.rule)), fieldPointer: fieldPathPointer(rule.fieldPath) };
  });
  const properties: { name: string; celName: string | undefined; pointer: string; site: RuleSite }[] = [];
  const declared = new Set<string>();
  if (isSchema(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      declared.add(name);
      // Status is written by controllers; an emitted one is reported by the schema registry.
      if (!isSchema(sub) || (isRoot && name === 'status')) continue;
      const site = ruleSite(sub);
      if (site) properties.push({ name, celName: escapeCelName(name), pointer: `/${escapePointer(name)}`, site });
    }
  }
  const items = isSchema(schema.items) ? ruleSite(schema.items) : undefined;
  const values = isSchema(schema.additionalProperties) ? ruleSite(schema.additionalProperties) : undefined;
  if (rules.length === 0 && properties.length === 0 && !items && !values) return undefined;
  let converter: CelConverter | undefined;
  // celConverter converts root metadata and the undeclared fields of an object with properties its
  // own way; a site below there must get its value from the enclosing conversion.
  const convertsAlike =
    !(isRoot && properties.some(({ name }) => name === 'metadata')) && !(values && isSchema(schema.properties)) &&
    properties.every(({ site }) => site.convertsAlike) && (items?.convertsAlike ?? true) && (values?.convertsAlike ?? true);
  return { rules, memo: { outcomes: new Map(), lookups: 0, hits: 0 }, convertsAlike, properties, items, values, declared, toCel: () => (converter ??= celConverter(schema, isRoot)) };
}

/** A rule that does not parse would be refused by the API server with the CRD; say so when hit. */
function compileRuleOrExplain(text: string): CompiledRule {
  try {
    return compileRule(text);
  } catch (error) {
    return { kind: 'unsupported', reason: `does not parse: ${(error as Error).message}` };
  }
}

/**
 * Walks the raw object along the sites. `celValue` is the CEL form of `value` when an enclosing
 * site has converted it already, so each value is converted once however many rules see it.
 */
function checkSite(site: RuleSite, value: unknown, celValue: unknown, path: string, violations: CelViolation[]): void {
  if (value === undefined || value === null) return;
  if (site.rules.length > 0) {
    const memo = site.memo;
    const key = memo.outcomes ? memoKey(value) : undefined;
    let outcome = key === undefined ? undefined : memo.outcomes!.get(key);
    if (key !== undefined) {
      memo.lookups++;
      if (outcome) memo.hits++;
    }
    if (!outcome) {
      celValue ??= site.toCel()(value);
      outcome = evaluateRules(site.rules, celValue);
      // A site whose values all differ (a HelmRelease's spec, which holds the cluster's values)
      // stops paying for their text after a trial; the rules are evaluated as before.
      if (key !== undefined) {
        if (memo.lookups >= MEMO_TRIAL && memo.hits * 4 < memo.lookups) memo.outcomes = undefined;
        else if (key.length <= MAX_MEMO_KEY && memo.outcomes!.size < MAX_MEMO_ENTRIES) memo.outcomes!.set(key, outcome);
      }
    }
    for (const { suffix, message, rule } of outcome) violations.push({ path: path + suffix, rule, message });
    // A remembered outcome leaves the value unconverted: sites below convert their part themselves,
    // unless their own conversion differs from the one this site would hand them.
    if (!site.convertsAlike) celValue ??= site.toCel()(value);
  }
  if (Array.isArray(value)) {
    if (!site.items) return;
    const celItems = celValue as unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      // A hole is skipped, as forEach did.
      if (index in value) checkSite(site.items, value[index], celItems?.[index], `${path}/${index}`, violations);
    }
    return;
  }
  if (!isSchema(value)) return;
  const celObject = celValue as Record<string, unknown> | undefined;
  for (const { name, celName, pointer, site: child } of site.properties) {
    if (!Object.hasOwn(value, name)) continue;
    checkSite(child, value[name], celName === undefined ? undefined : celObject?.[celName], path + pointer, violations);
  }
  if (site.values) {
    for (const key of Object.keys(value)) {
      if (!site.declared.has(key)) checkSite(site.values, value[key], celObject?.[key], `${path}/${escapePointer(key)}`, violations);
    }
  }
}

// Bounds of a site's memo: values beyond this size are evaluated every time, and a site stops
// remembering after this many distinct values (memory stays bounded on any fleet).
const MAX_MEMO_KEY = 64 * 1024;
const MAX_MEMO_ENTRIES = 4096;
const MEMO_TRIAL = 256;

/**
 * The text of a JSON-like value that tells apart everything a rule can see of it (types, -0,
 * undefined members, key order); undefined for anything else, which is then not remembered.
 * Values JSON states exactly (the usual case: finite numbers other than -0, no undefined members,
 * no holes, plain objects and arrays) take the engine's JSON.stringify in one native pass, marked
 * "J"; the rest are spelled out member by member. A value always takes the same way, so two keys
 * are equal only for equal values.
 */
export function memoKey(value: unknown): string | undefined {
  return isExactJson(value) ? `J${JSON.stringify(value)}` : spelledOut(value);
}

/** JSON.stringify(value) keeps everything memoKey must tell apart (no -0, NaN, undefined, holes, functions such as toJSON). */
function isExactJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isExactJson(value[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) return false;
        if (!isExactJson((value as Record<string, unknown>)[key])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function spelledOut(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'bigint':
      return `${value}n`;
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let text = '[';
        for (const item of value) {
          const inner = spelledOut(item);
          if (inner === undefined) return undefined;
          text += `${inner},`;
        }
        return `${text}]`;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return undefined;
      let text = '{';
      for (const key of Object.keys(value)) {
        const inner = spelledOut((value as Record<string, unknown>)[key]);
        if (inner === undefined) return undefined;
        text += `${JSON.stringify(key)}:${inner},`;
      }
      return `${text}}`;
    }
    default:
      return undefined;
  }
}

function evaluateRules(rules: readonly SiteRule[], self: unknown): SiteOutcome {
  const outcome: { suffix: string; message: string; rule: string }[] = [];
  for (const { rule, compiled, fieldPointer } of rules) {
    const message = failureOf(rule, compiled(), self);
    if (message !== undefined) outcome.push({ suffix: fieldPointer, message, rule: rule.rule });
  }
  return outcome;
}

/** The message of a failed rule, undefined when it holds (or is not evaluated). */
function failureOf(rule: CelRule, compiled: CompiledRule, self: unknown): string | undefined {
  if (compiled.kind !== 'program') return undefined;
  const result = compiled.run({ self });
  if (result === true) return undefined;
  if (result instanceof Error || typeof result !== 'boolean') {
    const problem = result instanceof Error ? result.message : `it returned ${typeof result}, not a bool`;
    return `${messageOf(rule, self)} (the rule could not be evaluated: ${problem})`;
  }
  return messageOf(rule, self);
}

function messageOf(rule: CelRule, self: unknown): string {
  if (rule.messageExpression !== undefined) {
    try {
      const compiled = compileRule(rule.messageExpression);
      const message = compiled.kind === 'program' ? compiled.run({ self }) : undefined;
      if (typeof message === 'string' && message.trim() !== '') return message;
    } catch {
      // The API server falls back to `message` when messageExpression fails; so do we.
    }
  }
  return rule.message ?? `failed rule: ${rule.rule}`;
}

// ---------------------------------------------------------------------------------------------
// Values as Kubernetes hands them to CEL

function celConverter(schema: Schema, isRoot = false): CelConverter {
  const preservesUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true || schema['x-kubernetes-embedded-resource'] === true;
  if (isSchema(schema.properties)) {
    const fields = Object.entries(schema.properties)
      .filter(([name, sub]) => isSchema(sub) && escapeCelName(name) !== undefined && !(isRoot && name === 'status'))
      .map(([name, sub]) => ({
        name,
        celName: escapeCelName(name)!,
        // At the root, metadata is ObjectMeta, of which CEL sees only name and generateName.
        convert: isRoot && name === 'metadata' ? rootMetadata : celConverter(sub as Schema),
      }));
    const declared = new Set(Object.keys(schema.properties));
    return (value) => {
      if (!isSchema(value)) return untypedCelValue(value);
      const result: Record<string, unknown> = {};
      for (const { name, celName, convert } of fields) {
        if (value[name] !== undefined) result[celName] = convert(value[name]);
      }
      if (preservesUnknown) {
        for (const [key, entry] of Object.entries(value)) if (!declared.has(key)) result[key] = untypedCelValue(entry);
      }
      return result;
    };
  }
  if (isSchema(schema.items)) {
    const convertItem = celConverter(schema.items);
    return (value) => (Array.isArray(value) ? value.map(convertItem) : untypedCelValue(value));
  }
  if (isSchema(schema.additionalProperties)) {
    const convertValue = celConverter(schema.additionalProperties);
    return (value) => (isSchema(value) ? mapValues(value, convertValue) : untypedCelValue(value));
  }
  // `number` is a CEL double: keep the JS number even when it happens to be integral.
  if (schema.type === 'number') return (value) => value;
  if (schema.type === 'object' && !preservesUnknown) return (value) => (isSchema(value) ? {} : untypedCelValue(value));
  return untypedCelValue;
}

function rootMetadata(value: unknown): unknown {
  if (!isSchema(value)) return value;
  const result: Record<string, unknown> = {};
  if (typeof value.name === 'string') result.name = value.name;
  if (typeof value.generateName === 'string') result.generateName = value.generateName;
  return result;
}

/** Integers (integer fields, int-or-string, untyped JSON) are CEL ints. */
function untypedCelValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(untypedCelValue);
  if (isSchema(value)) return mapValues(value, untypedCelValue);
  return value;
}

/** Object.fromEntries(Object.entries(value).map(…)) without the entry arrays: every converted map and object goes through here. */
function mapValues(value: Record<string, unknown>, convert: (entry: unknown) => unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') Object.defineProperty(result, key, { value: convert(value[key]), enumerable: true, writable: true, configurable: true });
    else result[key] = convert(value[key]);
  }
  return result;
}

const CEL_RESERVED_WORDS = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);
const ESCAPABLE_NAME = /^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/;

/** Kubernetes' escaping of property names for CEL; undefined for names CEL cannot reach. */
export function escapeCelName(name: string): string | undefined {
  if (CEL_RESERVED_WORDS.has(name)) return `__${name}__`;
  if (!ESCAPABLE_NAME.test(name)) return undefined;
  return name.replaceAll('__', '__underscores__').replaceAll('.', '__dot__').replaceAll('-', '__dash__').replaceAll('/', '__slash__');
}

/** `.spec.ports['http'][0]` (a rule's fieldPath) → `/spec/ports/http/0`. */
function fieldPathPointer(fieldPath: string | undefined): string {
  if (!fieldPath) return '';
  let pointer = '';
  for (const match of fieldPath.matchAll(/\.([^.[\]]+)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[(\d+)\]/g)) {
    pointer += `/${escapePointer(match[1] ?? match[2] ?? match[3] ?? match[4]!)}`;
  }
  return pointer;
}

function isSchema(value: unknown): value is Schema & Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
