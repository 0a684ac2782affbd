// The CEL environment that CRD validation rules (`x-kubernetes-validations`) run in, as the API
// server sets it up: CEL's standard library and macros (@bufbuild/cel, which also brings RE2
// regular expressions, so `(?i)` and friends mean what they mean in Go), the strings extension
// (`split`, `substring`, `lowerAscii`, …), and those Kubernetes library functions that the CRDs
// meshfleet validates actually call (`isIP`). Rules are compiled once per distinct text and cached.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import type { CelEnv } from '@bufbuild/cel';
import { cacheFile, ensureCacheFolder, saveAtExit, writeCacheFile } from '../compiled-cache.ts';
import { validationLibraries } from '../validation-libraries.ts';

// For the folders Node would look for @bufbuild/cel in (celVersion).
const require = createRequire(import.meta.url);
// Loaded with the first rule, not at start-up: @bufbuild/cel and the protobuf runtime under it are
// the largest part of loading the validators, and many runs (lint of built-in kinds) need no CEL.
let library: { cel: typeof import('@bufbuild/cel'); strings: typeof import('@bufbuild/cel/ext').strings } | undefined;

function celLibrary() {
  library ??= { cel: validationLibraries().cel(), strings: validationLibraries().celStrings() };
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
/** Text that may name `oldSelf` or one of the above (CEL names are never escaped in a call or identifier). */
const MAYBE_SPECIAL = new RegExp(['oldSelf', ...UNIMPLEMENTED_KUBERNETES_FUNCTIONS, ...UNIMPLEMENTED_KUBERNETES_NAMESPACES].join('|'));

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
  const expression = parse(text) as Expression;
  // A name the text does not hold is not in its tree: most rules need no walk of the tree.
  if (MAYBE_SPECIAL.test(text)) {
    const { identifiers, functions } = namesUsed(expression);
    if (identifiers.has('oldSelf')) return { kind: 'transition' };
    const missing = [...functions].filter((name) => UNIMPLEMENTED_KUBERNETES_FUNCTIONS.has(name) || UNIMPLEMENTED_KUBERNETES_NAMESPACES.has(name));
    if (missing.length > 0) return { kind: 'unsupported', reason: `calls the Kubernetes CEL library (${missing.join(', ')}), which meshfleet does not implement` };
  }
  const planned = cel.plan(celEnvironment(), expression);
  return {
    kind: 'program',
    run: (bindings) => {
      const result = planned(bindings as never);
      return cel.isCelError(result) ? new Error(result.message) : result;
    },
  };
}

/** The expression of a parsed rule (a protobuf `cel.expr.Expr`), which is all that plan() reads of it. */
type Expression = NonNullable<ReturnType<typeof import('@bufbuild/cel').parse>['expr']>;

/**
 * Identifier and function names in an expression (a protobuf `cel.expr` tree). The qualifier
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

// ---------------------------------------------------------------------------------------------
// Parse trees kept between runs

// Parsing is most of compiling a rule (@bufbuild/cel's parser runs cold in a short run: some 10 ms
// a rule), and the rules are the same from run to run. The trees are kept in one file of the cache
// folder (lib/compiled-cache.ts) named by @bufbuild/cel's version and the format below, as JSON
// text by rule text; read once, written at exit when the run parsed a rule it did not hold.
// A tree that cannot be read is parsed again; a rule that does not parse is never stored.
// Only the expression is kept (format 2), not the parser's source info (the offset of every node
// and a copy of every macro call as written): plan() reads the expression alone, and the source
// info was some 40% of the file and a third of the time decoding the trees took at a run's start.
const TREE_FORMAT = 2;

interface ParseTrees {
  readonly file: string | undefined;
  readonly trees: Map<string, string>;
  added: boolean;
}

let parseTrees: ParseTrees | undefined;

/** The expression of a rule: from the store, else parsed (and stored at exit); throws on a syntax error. */
function parse(text: string): unknown {
  const store = (parseTrees ??= readParseTrees());
  const stored = store.trees.get(text);
  if (stored !== undefined) {
    try {
      return decodeTree(stored);
    } catch {
      // Unreadable: parsed again below and replaced.
    }
  }
  const parsed = celLibrary().cel.parse(text);
  // The parser always sets the expression; without one, plan() is handed what it would have read.
  const tree = parsed.expr;
  if (tree === undefined) return parsed;
  if (store.file === undefined) return tree;
  try {
    store.trees.set(text, encodeTree(tree));
  } catch {
    return tree; // Not kept: a tree JSON cannot hold exactly.
  }
  if (!store.added && ensureCacheFolder()) {
    store.added = true;
    // Merged with what other runs stored meanwhile.
    saveAtExit(() => writeCacheFile(store.file!, JSON.stringify(Object.fromEntries([...readTreeFile(store.file!), ...store.trees]))));
  }
  return tree;
}

function readParseTrees(): ParseTrees {
  const version = installedCelVersion();
  const file = version === undefined ? undefined : cacheFile(`cel-parse-trees-${version}-${TREE_FORMAT}.json`);
  return { file, trees: file === undefined ? new Map() : readTreeFile(file), added: false };
}

/**
 * The version of @bufbuild/cel as Node finds the package from here: the package.json in the first
 * node_modules folder on the way up that holds it. Read directly, not through require.resolve,
 * which costs milliseconds at start (the package's exports and every package.json on the way).
 * Undefined when none is found: no version to name the file by, nothing is kept.
 */
function installedCelVersion(): string | undefined {
  for (const folder of require.resolve.paths('@bufbuild/cel') ?? []) {
    try {
      const { version } = JSON.parse(readFileSync(join(folder, '@bufbuild', 'cel', 'package.json'), 'utf8')) as { version?: unknown };
      if (typeof version === 'string') return version;
    } catch {
      // Not in this folder (or unreadable): the next one up.
    }
  }
  return undefined;
}

function readTreeFile(file: string): Map<string, string> {
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (stored !== null && typeof stored === 'object' && !Array.isArray(stored)) {
      return new Map(Object.entries(stored).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    }
  } catch {
    // Missing or corrupt: an empty store, replaced at exit.
  }
  return new Map();
}

/**
 * A parse tree (plain objects, as @bufbuild/cel's parser builds them) as JSON text, with what JSON
 * lacks tagged: int64 ids and literals (bigint), bytes literals, non-finite and negative-zero
 * doubles, properties that hold undefined.
 */
export function encodeTree(tree: unknown): string {
  return JSON.stringify(tree, (_key, value: unknown) => {
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
    if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return { $double: Object.is(value, -0) ? '-0' : String(value) };
    // Macros leave properties that are there but undefined (the target of an expanded call).
    if (value === undefined) return { $undefined: true };
    return value;
  });
}

/** The tree encodeTree wrote. Parsed plain, then the tags are replaced in place (a reviver is slower). */
export function decodeTree(text: string): unknown {
  return untag(JSON.parse(text) as unknown);
}

function untag(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  if (!Array.isArray(node)) {
    if (node.$bigint !== undefined) return BigInt(node.$bigint as string);
    if (node.$undefined !== undefined) return undefined;
    if (node.$bytes !== undefined) return new Uint8Array(Buffer.from(node.$bytes as string, 'base64'));
    if (node.$double !== undefined) return node.$double === '-0' ? -0 : Number(node.$double);
  }
  for (const key in node) {
    const child = node[key];
    if (child !== null && typeof child === 'object') node[key] = untag(child);
  }
  return node;
}
