// The CEL environment that CRD validation rules (`x-kubernetes-validations`) run in, as the API
// server sets it up: CEL's standard library and macros (@bufbuild/cel, which also brings RE2
// regular expressions, so `(?i)` and friends mean what they mean in Go), the strings extension
// (`split`, `substring`, `lowerAscii`, …), and those Kubernetes library functions that the CRDs
// meshfleet validates actually call (`isIP`). Rules are compiled once per distinct text and cached.
import { createRequire } from 'node:module';
import { isIPv6 } from 'node:net';
import type { CelEnv } from '@bufbuild/cel';

// Loaded with the first rule, not at start-up: @bufbuild/cel and the protobuf runtime under it are
// the largest part of loading the validators, and many runs (lint of built-in kinds) need no CEL.
const require = createRequire(import.meta.url);
let library: { cel: typeof import('@bufbuild/cel'); strings: typeof import('@bufbuild/cel/ext').strings } | undefined;

function celLibrary() {
  library ??= { cel: require('@bufbuild/cel'), strings: require('@bufbuild/cel/ext').strings };
  return library;
}

/** A compiled rule: returns the value of the expression, or an Error when evaluation failed. */
export type CelProgram = (bindings: Record<string, unknown>) => unknown;

export type CompiledRule =
  | { readonly kind: 'program'; readonly run: CelProgram }
  /** Uses `oldSelf`: the API server evaluates it on updates only, and meshfleet only creates. */
  | { readonly kind: 'transition' }
  /** Calls a Kubernetes library meshfleet does not implement; never evaluated, listed by tests. */
  | { readonly kind: 'unsupported'; readonly reason: string };

// Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library) that no rule of the CRDs meshfleet
// validates calls today. A rule that calls one is reported as unsupported rather than failing
// every object with "unbound function". `format` returns optional values, which @bufbuild/cel lacks.
const UNIMPLEMENTED_KUBERNETES_FUNCTIONS = new Set([
  'url', 'isURL', 'ip', 'cidr', 'isCIDR', 'quantity', 'isQuantity', 'semver', 'isSemver',
  'authorizer', 'find', 'findAll', 'isSorted', 'sum', 'min', 'max',
]);
// Namespaces of qualified Kubernetes functions (`format.dns1123Label()`), likewise not implemented.
const UNIMPLEMENTED_KUBERNETES_NAMESPACES = new Set(['format']);

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
// The canonical (compressed) form of an IPv4-mapped IPv6 address, as URL parsing writes it.
const IPV4_MAPPED_IPV6 = /^\[::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/;

/**
 * Kubernetes `isIP(string)`: Go's netip.ParseAddr, minus zones and IPv4-mapped IPv6 addresses,
 * which the library refuses. Leading zeros in IPv4 ("010.0.0.1") are invalid, as in netip.
 */
export function isKubernetesIP(value: string): boolean {
  if (IPV4.test(value)) return true;
  if (value.includes('%') || !isIPv6(value)) return false;
  return !IPV4_MAPPED_IPV6.test(new URL(`http://[${value}]/`).host);
}

let environment: CelEnv | undefined;

function celEnvironment(): CelEnv {
  if (!environment) {
    const { cel, strings } = celLibrary();
    const isIP = cel.celFunc('isIP', [cel.CelScalar.STRING], cel.CelScalar.BOOL, (value: string) => isKubernetesIP(value));
    environment = cel.celEnv({ funcs: [...strings, isIP] });
  }
  return environment;
}

const compiledByText = new Map<string, CompiledRule>();

/** Compiles a rule (or messageExpression) once per process; throws only on a syntax error. */
export function compileRule(text: string): CompiledRule {
  let compiled = compiledByText.get(text);
  if (!compiled) {
    compiled = compile(text);
    compiledByText.set(text, compiled);
  }
  return compiled;
}

function compile(text: string): CompiledRule {
  const { cel } = celLibrary();
  const parsed = cel.parse(text);
  const { identifiers, functions } = namesUsed(parsed);
  if (identifiers.has('oldSelf')) return { kind: 'transition' };
  const missing = [...functions].filter((name) => UNIMPLEMENTED_KUBERNETES_FUNCTIONS.has(name) || UNIMPLEMENTED_KUBERNETES_NAMESPACES.has(name));
  if (missing.length > 0) return { kind: 'unsupported', reason: `calls the Kubernetes CEL library (${missing.join(', ')}), which meshfleet does not implement` };
  const planned = cel.plan(celEnvironment(), parsed);
  return {
    kind: 'program',
    run: (bindings) => {
      const result = planned(bindings as never);
      return cel.isCelError(result) ? new Error(result.message) : result;
    },
  };
}

/**
 * Identifier and function names in a parsed expression (a protobuf `cel.expr` tree). The qualifier
 * of a namespaced call such as `format.dns1123Label()` counts as a function name too.
 */
function namesUsed(root: unknown): { identifiers: Set<string>; functions: Set<string> } {
  const identifiers = new Set<string>();
  const functions = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const kind = (node as { exprKind?: { case?: string; value?: Record<string, unknown> } }).exprKind;
    if (kind?.case === 'identExpr') identifiers.add(String(kind.value?.name));
    if (kind?.case === 'callExpr') {
      functions.add(String(kind.value?.function));
      const target = kind.value?.target as { exprKind?: { case?: string; value?: { name?: unknown } } } | undefined;
      const qualifier = target?.exprKind?.case === 'identExpr' ? String(target.exprKind.value?.name) : undefined;
      if (qualifier !== undefined && UNIMPLEMENTED_KUBERNETES_NAMESPACES.has(qualifier)) functions.add(qualifier);
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(root);
  return { identifiers, functions };
}
