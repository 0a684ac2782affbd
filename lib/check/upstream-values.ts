// Values that reach an upstream chart template, checked against what the template does with them
// (lib/compat/upstream-value-types.ts): typed keys against their type, free maps (written with
// toYaml) for template syntax and control characters, every other string as an unquoted plain YAML
// scalar. Used on the user's overrides (at the layer that set them) and on the final values.
import { isIP } from 'node:net';
import { upstreamValueType, type ValueType } from '../compat/upstream-value-types.ts';
import type { KeyTree, UpstreamChart } from '../compat/upstream-values.ts';
import { pointer, show } from '../model/diagnostics.ts';
import { ANNOTATION_VALUE, QUALIFIED_NAME } from '../compat/value-patterns.ts';
import { parseCidr } from '../model/cidr.ts';

/** JSON pointers of every key in `values` that the upstream chart does not know. */
export function unknownValueKeys(values: unknown, tree: KeyTree, at = ''): string[] {
  if (tree === true || '*' in tree) return [];
  if (!values || typeof values !== 'object' || Array.isArray(values)) return [];
  const unknown: string[] = [];
  collectUnknownKeys(values as Record<string, unknown>, tree, at, unknown);
  return unknown;
}

function collectUnknownKeys(values: Record<string, unknown>, tree: Exclude<KeyTree, true>, at: string, unknown: string[]): void {
  for (const key of Object.keys(values)) {
    const here = at + segment(key);
    const sub = tree[key];
    if (sub === undefined) unknown.push(here);
    else {
      const value = values[key];
      if (sub !== true && !('*' in sub) && value && typeof value === 'object' && !Array.isArray(value)) collectUnknownKeys(value as Record<string, unknown>, sub, here, unknown);
    }
  }
}

/** pointer(key) without its rest array and regular expressions for the usual key that needs no escaping. */
function segment(key: string): string {
  return key.includes('~') || key.includes('/') ? pointer(key) : `/${key}`;
}

/** upstreamValueType per chart and pointer (null: untyped): every cluster's values visit the same pointers. */
const valueTypes = new Map<UpstreamChart, Map<string, ValueType | null>>();
const MAX_VALUE_TYPES = 16384;

function valueTypeAt(chart: UpstreamChart, at: string): ValueType | undefined {
  let byPointer = valueTypes.get(chart);
  if (!byPointer) valueTypes.set(chart, (byPointer = new Map()));
  let type = byPointer.get(at);
  if (type === undefined) {
    type = upstreamValueType(chart, at) ?? null;
    if (byPointer.size < MAX_VALUE_TYPES) byPointer.set(at, type);
  }
  return type ?? undefined;
}

/**
 * linkerd-multicluster's `controllers` is a list, which a key tree cannot describe: each entry may
 * set `link` and any key of `controllerDefaults` (the chart merges them).
 */
export function unknownControllerKeys(values: Record<string, unknown>, tree: KeyTree): string[] {
  const controllers = values.controllers;
  if (!Array.isArray(controllers) || tree === true) return [];
  const defaults = tree.controllerDefaults;
  if (!defaults || defaults === true) return [];
  const entryTree: KeyTree = { ...defaults, link: { ref: { name: true } } };
  return controllers.flatMap((entry, i) => unknownValueKeys(entry, entryTree, `/controllers/${i}`));
}

export interface ValueProblem {
  /** JSON pointer inside the values. */
  readonly pointer: string;
  readonly message: string;
  readonly fix: string;
}

const QUALIFIED = new RegExp(QUALIFIED_NAME);
const ANNOTATION = new RegExp(ANNOTATION_VALUE);
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const TEMPLATE_SYNTAX = /\{\{|\}\}/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Every value in `values` that the chart's templates would not write as meant. */
export function upstreamValueProblems(chart: UpstreamChart, values: unknown, tree: KeyTree): ValueProblem[] {
  const problems: ValueProblem[] = [];
  walk(chart, values, tree, '', problems);
  // linkerd-multicluster's controllers: a list whose entries take controllerDefaults' keys and `link`.
  const controllers = (values as { controllers?: unknown } | null)?.controllers;
  const defaults = tree === true ? undefined : tree.controllerDefaults;
  if (chart === 'linkerd-multicluster' && Array.isArray(controllers) && defaults && defaults !== true) {
    const entryTree: KeyTree = { ...defaults, link: { ref: { name: true } } };
    controllers.forEach((entry, i) => walk(chart, entry, entryTree, `/controllers/${i}`, problems));
  }
  return problems;
}

function walk(chart: UpstreamChart, value: unknown, tree: KeyTree | undefined, at: string, problems: ValueProblem[]): void {
  if (value === null || value === undefined || tree === undefined) return;
  const type = at === '' ? undefined : valueTypeAt(chart, at);
  if (type) {
    problems.push(...checkType(type, value, at));
    return;
  }
  if (chart === 'linkerd-multicluster' && at === '/controllers') return;
  if (tree === true) {
    // A scalar default, or a list/map the table does not type: written as a plain scalar or with toYaml.
    if (typeof value === 'string') problems.push(...plainScalar(value, at));
    else if (Array.isArray(value)) value.forEach((item, i) => (typeof item === 'string' ? problems.push(...plainScalar(item, `${at}/${i}`)) : yamlSafe(item, `${at}/${i}`, problems)));
    else if (typeof value === 'object') yamlSafe(value, at, problems);
    return;
  }
  if ('*' in tree) {
    yamlSafe(value, at, problems);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ pointer: at, message: `${show(value)} is not a map; the chart reads keys below ${show(at.slice(1).replace(/\//g, '.'))}`, fix: 'give a map with the keys of the chart\'s values.yaml, or remove it' });
    return;
  }
  const map = value as Record<string, unknown>;
  for (const key of Object.keys(map)) walk(chart, map[key], tree[key], at + segment(key), problems);
}

/** The one problem of a value at `at`. Module-level, not a closure made per check: the build keeps function names, which costs a call per closure made. */
function typeProblem(value: unknown, at: string, message: string, fix: string): ValueProblem[] {
  return [{ pointer: at, message: `${show(value)} ${message}`, fix }];
}

function checkType(type: ValueType, value: unknown, at: string): ValueProblem[] {
  switch (type.type) {
    case 'integer': {
      const ok = typeof value === 'number' && Number.isInteger(value) && value >= type.min && (type.max === undefined || value <= type.max);
      const range = type.max === undefined ? `≥ ${type.min}` : `from ${type.min} to ${type.max}`;
      return ok ? [] : typeProblem(value, at, `is not a whole number ${range}`, `write a number ${range} without quotes, e.g. ${Math.max(type.min, 1)}`);
    }
    case 'boolean':
      return typeof value === 'boolean' ? [] : typeProblem(value, at, 'is not true or false', 'write true or false without quotes');
    case 'enum':
      return typeof value === 'string' && type.values.includes(value) ? [] : typeProblem(value, at, 'is not allowed', `use one of: ${type.values.filter((v) => v !== '').join(', ')}`);
    case 'string':
      if (typeof value === 'string' && ((type.empty && value === '') || new RegExp(type.pattern).test(value))) return [];
      return typeProblem(value, at, `is not ${type.what}`, `give ${type.what} such as ${type.example}`);
    case 'ip':
      return typeof value === 'string' && (value === '' || isIP(value) !== 0) ? [] : typeProblem(value, at, 'is not an IP address', 'give an IPv4 or IPv6 address such as 203.0.113.10');
    case 'integerOrPercent':
      return (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'string' && /^[0-9]{1,3}%$/.test(value))
        ? []
        : typeProblem(value, at, 'is not a whole number or a percentage', 'write a number such as 1 or a percentage such as "25%"');
    case 'cidrs': {
      if (!Array.isArray(value)) return typeProblem(value, at, 'is not a list of CIDRs', 'give a list such as ["203.0.113.0/24"]');
      return value.flatMap((item, i) =>
        typeof item === 'string' && parseCidr(item) ? [] : [{ pointer: `${at}/${i}`, message: `${show(item)} is not a CIDR`, fix: 'give CIDRs such as "203.0.113.0/24" or "2001:db8::/32"' }],
      );
    }
    case 'block':
      return typeof value === 'string' && !TEMPLATE_SYNTAX.test(value) && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)
        ? []
        : typeProblem(value, at, 'is not text without template syntax', 'give the text itself, without "{{ }}" or control characters');
    case 'metadata': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return typeProblem(value, at, 'is not a map of names to strings', 'give a map such as {"example.com/team": "mesh"}');
      const what = type.labels ? 'label' : 'annotation';
      return Object.entries(value).flatMap(([key, v]): ValueProblem[] => {
        // The key is not printed: it may be anything, and the pointer to the map is enough.
        if (!QUALIFIED.test(key)) return [{ pointer: at, message: `a key of this ${what} map is not a qualified name`, fix: `${what} keys are qualified names such as "example.com/name" (letters, digits, "-", "_", "."; an optional DNS prefix and "/")` }];
        const ok = typeof v === 'string' && (type.labels ? LABEL_VALUE.test(v) : ANNOTATION.test(v));
        return ok
          ? []
          : [{ pointer: `${at}${pointer(key)}`, message: `${show(v)} is not a valid ${what} value`, fix: type.labels ? 'label values are strings of up to 63 letters, digits, "-", "_", "."' : 'annotation values are strings without control characters or template syntax ({{ }}); quote numbers and booleans' }];
      });
    }
  }
}

/** Written with toYaml: any structure, but no template syntax or control characters in its strings and keys. */
function yamlSafe(value: unknown, at: string, problems: ValueProblem[]): void {
  if (typeof value === 'string') {
    if (TEMPLATE_SYNTAX.test(value) || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) {
      problems.push({ pointer: at, message: `${show(value)} holds template syntax or control characters`, fix: 'remove "{{", "}}" and control characters' });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => yamlSafe(item, `${at}/${i}`, problems));
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (TEMPLATE_SYNTAX.test(key) || CONTROL.test(key)) {
        problems.push({ pointer: at, message: 'a key of this map holds template syntax or control characters', fix: 'remove "{{", "}}" and control characters from the key' });
        continue;
      }
      yamlSafe(child, `${at}${pointer(key)}`, problems);
    }
  }
}

/**
 * A string the template may write unquoted (`key: {{ .Values.x }}`): it must read back as the same
 * one-line string, so no YAML indicators that start structure, no ": " or " #", no line breaks and
 * no template syntax.
 */
function plainScalar(value: string, at: string): ValueProblem[] {
  if (value === '') return [];
  const unsafe =
    CONTROL.test(value) ||
    TEMPLATE_SYNTAX.test(value) ||
    /^[\s,[\]{}#&*!|>'"%@`]/.test(value) ||
    /^[-?:](\s|$)/.test(value) ||
    /:(\s|$)|\s#|\s$/.test(value);
  return unsafe
    ? [{ pointer: at, message: `${show(value)} would change the YAML the chart writes (the template writes it unquoted)`, fix: 'remove line breaks, "{{ }}", ": ", " #" and leading YAML indicators (- ? : , [ ] { } # & * ! | > \' " % @ `)' }]
    : [];
}
