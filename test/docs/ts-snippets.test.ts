// Every TypeScript snippet in README.md and docs/ compiles against lib/: each ```ts block is
// type-checked by the TypeScript compiler as a module of its own, `meshfleet` resolving to
// lib/index.ts. A block with no imports of its own gets the public API, cdk8s and cdk8s-plus imported,
// and a declaration for each name from the fleet a page builds that it uses without making
// (fleet, app, the example's clusters and environments, an application builder's scope).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/fleet.ts';

interface Snippet {
  /** "README.md:58": the page and the line of the block's fence. */
  readonly origin: string;
  readonly code: string;
}

/** Names a fragment may use without making them, and what they are. */
const CONTEXT: Readonly<Record<string, string>> = {
  app: 'App',
  fleet: 'Fleet',
  scope: 'FleetApp',
  dev: 'Environment',
  staging: 'Environment',
  prod: 'Environment',
  dev1: 'Cluster',
  eu1: 'Cluster',
  eu2: 'Cluster',
  us1: 'Cluster',
  us2: 'Cluster',
};

function pages(): string[] {
  const docs = readdirSync(join(REPO, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', ...docs.sort()];
}

function snippetsOf(page: string): Snippet[] {
  const lines = readFileSync(join(REPO, page), 'utf8').split('\n');
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i])) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    found.push({ origin: `${page}:${i + 1}`, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return found;
}

/** The names lib/index.ts exports, for blocks that import nothing themselves. */
function publicApi(): { names: string[]; program: ts.Program } {
  const program = ts.createProgram([join(REPO, 'lib', 'index.ts')], compilerOptions());
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(join(REPO, 'lib', 'index.ts'))!)!;
  return { names: checker.getExportsOfModule(module).map((s) => s.name), program };
}

function compilerOptions(): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    types: ['node'],
    baseUrl: REPO,
    paths: { meshfleet: ['lib/index.ts'], 'meshfleet/constructs': ['lib/constructs/index.ts'] },
  };
}

/** The module the compiler checks for a snippet. */
function moduleText(snippet: Snippet, names: readonly string[]): string {
  if (/^import /m.test(snippet.code)) return snippet.code;
  const params = [...snippet.code.matchAll(/\(([\w\s,]*)\)\s*=>/g)].flatMap((m) => m[1].split(',').map((p) => p.trim()));
  const declared = (name: string) => params.includes(name) || new RegExp(`\\b(const|let|var|function|class)\\s+${name}\\b`).test(snippet.code);
  const context = Object.entries(CONTEXT)
    .filter(([name]) => new RegExp(`\\b${name}\\b`).test(snippet.code) && !declared(name))
    .map(([name, type]) => `declare const ${name}: ${type};`);
  return [
    "import { App, Chart, Duration } from 'cdk8s';",
    "import * as kplus from 'cdk8s-plus-28';",
    `import { ${names.join(', ')} } from 'meshfleet';`,
    ...context,
    snippet.code,
    'export {};',
  ].join('\n');
}

/** Type errors per snippet, as "origin: message" lines (empty when every snippet compiles). */
function typeErrors(snippets: readonly Snippet[]): string[] {
  const options = compilerOptions();
  const { names, program: api } = publicApi();
  const files = new Map(snippets.map((s, i) => [join(REPO, 'test', 'docs', `snippet-${i}.ts`), s]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) => {
    const snippet = files.get(file);
    return snippet ? ts.createSourceFile(file, moduleText(snippet, names), language) : getSourceFile(file, language, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => files.has(file) || fileExists(file);
  // Reusing the library's program: lib/ and its dependencies are parsed once.
  const program = ts.createProgram([...files.keys()], options, host, api);
  return [...files].flatMap(([file, snippet]) => {
    const source = program.getSourceFile(file)!;
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
      (d) => `${snippet.origin}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
  });
}

describe('TypeScript snippets of the README and docs', () => {
  it('all compile against lib', { timeout: 300_000 }, () => {
    // The main.ts `meshfleet init --typescript` writes, with its placeholders filled as init does.
    const template = readFileSync(join(REPO, 'templates', 'init', 'typescript', 'main.ts'), 'utf8');
    const init = { origin: 'templates/init/typescript/main.ts', code: template.replace('{{name}}', 'acme').replace('{{linkerd}}', '2.20').replace('{{kubernetes}}', '1.33') };
    const snippets = [...pages().flatMap(snippetsOf), init];
    // README: the front page fleet, delivery, applications; docs: the first TypeScript fleet.
    expect(snippets.length).toBeGreaterThanOrEqual(4);
    expect(snippets.map((s) => s.origin.split(':')[0])).toContain('docs/how-to/first-fleet-typescript.md');
    // Wrong snippets, checked alongside, show that a mistake is reported: an API that does not exist
    // (the README once showed `new Link(…)`), a Linkerd version the release table lacks.
    const wrong: Snippet[] = [
      { origin: 'wrong-link', code: "new Link(fleet, 'eu-1-us-1', { from: eu1, to: us1, mode: 'gateway' });" },
      { origin: 'wrong-version', code: "fleet.addCluster('eu-3', { environment: prod, linkerd: '2.17' });" },
    ];
    const errors = typeErrors([...snippets, ...wrong]);
    expect(errors.filter((e) => !e.startsWith('wrong-'))).toStrictEqual([]);
    expect(errors.filter((e) => e.startsWith('wrong-'))).toStrictEqual([
      "wrong-link: TS2304 Cannot find name 'Link'.",
      'wrong-version: TS2322 Type \'"2.17"\' is not assignable to type \'LinkerdVersion | undefined\'.',
    ]);
  });
});
