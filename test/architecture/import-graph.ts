// The import graph of lib/ and the layer rule it must follow (ARCHITECTURE.md: Layers). Type-only and
// lazy imports count: a type cycle still ties two files together, and a lazy import is still a use.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layers of lib/, bottom first. A file may import its own folder and folders below it, never one
 * above. Files directly in lib/ count as the folder named like the file (`package-files`, `index`).
 */
export const LAYERS = [
  'package-files', // the package's own files, found from lib/ and dist/lib/
  'compiler-tuning', // V8's compiler flags, tuned while render threads take every core, and the code caches made with them
  'full-collection', // a full garbage collection on request, for the watch mode's threads between runs
  'compiled-cache', // generated code (ajv's) kept between runs under node_modules/.cache
  'validation-libraries', // the libraries that check objects (ajv, CEL, kubernetes-models), bundled apart
  'bundled-validation-libraries', // what the CLI's bundles hold in its place: its bundle, read on first use
  'worker-code', // the code a worker thread starts with, from the sources or dist/
  'spare-thread', // a thread bin/meshfleet.js started before the bundle loaded, taken by the first thread meshfleet starts
  'thread-watchdog', // how the main thread notices a worker thread of its own that stopped without a word
  'subschema-sharing', // repeated subschemas moved to definitions, so ajv generates each once
  'compat', // data every list derives from: release and Gateway API tables, Linkerd's vocabulary, value formats
  'model', // fleet types, schema, merge, diagnostics, small value parsers and value rules
  'resolve', // fleet → resolved clusters with their views (links, policy, routes, delivery)
  'check', // fleet-wide rules returning diagnostics
  'constructs', // cdk8s constructs per cluster, delivery objects included; no checks, no files
  'fleet', // the TypeScript front door: builds the model, beside the pipeline
  'validate', // schemas, CEL, admission rules, secret scan of any object
  'output', // what is written: layout, YAML, charts, values, versioning, atomic swap, diff
  'rollout', // the wait graph, how Argo CD and Flux gate it, the GitOps files
  'synth', // the pipeline
  'graph', // the topology picture of a checked fleet
  'cli', // commands and process I/O
  'index', // the public entry point (re-exports)
] as const;

export type ImportGraph = ReadonlyMap<string, readonly string[]>;

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^;'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|(?:^|[\s;(=])import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^import\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

/** Every .ts file under `libRoot` → the files of `libRoot` it imports (paths relative to libRoot). */
export function importGraphOf(libFolder: string): ImportGraph {
  const libRoot = resolve(libFolder);
  const graph = new Map<string, string[]>();
  for (const file of tsFilesUnder(libRoot)) {
    const targets = new Set<string>();
    const text = codeOf(file);
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? match[3];
      let target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      if (!existsSync(target) && existsSync(join(target, 'index.ts'))) target = join(target, 'index.ts');
      if (!target.startsWith(libRoot + '/')) continue; // imports/, node packages: outside the layers
      targets.add(relative(libRoot, target));
    }
    graph.set(relative(libRoot, file), [...targets].sort());
  }
  return graph;
}

/** Every .ts file under a folder, as absolute paths. */
function tsFilesUnder(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  walk(root);
  return files;
}

/** A file's text without comments (a comment naming an import or process.cwd() is not a use). */
function codeOf(file: string): string {
  return readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
}

/** `process.<member>` uses, and imports of node:process, in a file's code ("process.cwd", "node:process"). */
export function processUsesIn(code: string): string[] {
  const uses = [...code.matchAll(/\bprocess\s*\.\s*([A-Za-z_$][\w$]*)/g)].map((m) => `process.${m[1]}`);
  if (/from\s+['"](?:node:)?process['"]|import\s*\(\s*['"](?:node:)?process['"]\s*\)/.test(code)) uses.push('node:process');
  return [...new Set(uses)].sort();
}

/** lib/ file → its process uses, for files that have any. */
export function processUsesOf(libFolder: string): ReadonlyMap<string, readonly string[]> {
  const libRoot = resolve(libFolder);
  const uses = new Map<string, string[]>();
  for (const file of tsFilesUnder(libRoot)) {
    const found = processUsesIn(codeOf(file));
    if (found.length) uses.set(relative(libRoot, file), found);
  }
  return uses;
}

/** The folder (layer) a lib/ file belongs to. */
export function folderOf(file: string): string {
  return file.split('/')[0].replace(/\.ts$/, '');
}

/** Strongly connected components of more than one node (or a node importing itself): the cycles. */
export function cyclesOf(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The graph of folders: an edge where some file of one imports a file of another. */
export function folderGraphOf(graph: ImportGraph): ImportGraph {
  const folders = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    const edges = folders.get(folderOf(from)) ?? new Set<string>();
    folders.set(folderOf(from), edges);
    for (const to of targets) if (folderOf(to) !== folderOf(from)) edges.add(folderOf(to));
  }
  return new Map([...folders].map(([folder, edges]) => [folder, [...edges].sort()]));
}

/** Imports that point up the layer list (or into a folder the list does not name), as "from -> to". */
export function layerBreaches(graph: ImportGraph, layers: readonly string[] = LAYERS): string[] {
  const breaches: string[] = [];
  for (const [from, targets] of graph) {
    const own = layers.indexOf(folderOf(from));
    for (const to of targets) {
      const target = layers.indexOf(folderOf(to));
      if (own < 0 || target < 0 || target > own) breaches.push(`${from} -> ${to}`);
    }
  }
  return breaches.sort();
}
