// lib/ follows its layers (ARCHITECTURE.md: Layers): no file imports a file that imports it back, no
// folder reaches a folder that reaches it back, and every import points down LAYERS.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cyclesOf, folderGraphOf, importGraphOf, layerBreaches, LAYERS, processUsesIn, processUsesOf, type ImportGraph } from './import-graph.ts';

const graph = importGraphOf(fileURLToPath(new URL('../../lib', import.meta.url)));

/** Edges that still point up, each with its owner and why; a stale entry fails. None today. */
const KNOWN_BREACHES: readonly string[] = [];

/** The graph without the known breaches: what the cycle checks hold to until those are gone. */
const withoutKnown: ImportGraph = new Map([...graph].map(([from, targets]) => [from, targets.filter((to) => !KNOWN_BREACHES.includes(`${from} -> ${to}`))]));

const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

describe('the layers of lib/', () => {
  it('reads the imports of lib/ (a parser that finds nothing proves nothing)', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('synth/plan.ts')).toContain('check/index.ts');
    // type-only and lazy imports count
    expect(graph.get('cli/lint.ts')).toContain('cli/io.ts');
    expect([...graph.values()].flat()).toContain('cli/lint.ts');
  });

  it('has no cycle between files', () => {
    expect(cyclesOf(withoutKnown)).toStrictEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(cyclesOf(folderGraphOf(withoutKnown))).toStrictEqual([]);
  });

  it('names every folder of lib/ in the layer list', () => {
    expect([...new Set([...graph.keys()].map((f) => f.split('/')[0].replace(/\.ts$/, '')))].filter((f) => !LAYERS.includes(f as never))).toStrictEqual([]);
  });

  it('imports only down the layer list', () => {
    expect(layerBreaches(graph)).toStrictEqual([...KNOWN_BREACHES].sort());
  });
});

/**
 * Process I/O outside lib/cli, each with why it stays; anything else fails, and so does a stale entry.
 * Where commands write, exit and read their arguments and environment is lib/cli's alone.
 */
const PROCESS_IO_ALLOWED: Readonly<Record<string, readonly string[]>> = {
  // The public synthesize() is called without the CLI too: its working folder defaults to the
  // process's here, once; the CLI passes its own (lib/output never reads it).
  'synth/synthesize.ts': ['process.cwd'],
  // The lock's own job: it records its holder's pid and tells a live holder from a stale lock.
  'output/output-lock.ts': ['process.kill', 'process.pid'],
  // Temporary and set-aside names unique per process, so two runs never share one.
  'output/atomic-write.ts': ['process.pid'],
  // The compiled-validator cache: MESHFLEET_CACHE_DIR moves it for the library and the CLI alike (the
  // library validates documents without any command), and a temporary name unique per process.
  // V8's code cache data is named by the V8 version and architecture, and written at exit.
  'compiled-cache.ts': ['process.arch', 'process.env', 'process.once', 'process.pid', 'process.versions'],
  // A TypeScript fleet's errors are made while the user's program runs, before any command: they
  // show the user's file relative to where it runs, as compilers do.
  'fleet/source-location.ts': ['process.cwd'],
  // MESHFLEET_WORKERS sets how many threads render a fleet, for the library's renderFleet and
  // synthesize as for the CLI (a shared machine, a test forcing workers on or off). The code a worker
  // starts with names V8's code cache of the bundle as compiled-cache.ts does, and writes it aside.
  'synth/render-workers.ts': ['process.arch', 'process.env', 'process.pid', 'process.versions'],
  // V8's compiler flags are measured per V8 version: none are set for another (an unknown flag prints an error).
  'compiler-tuning.ts': ['process.versions'],
  // Node's version in the stamp of the code that renders (another Node may serialize differently).
  'synth/hashing.ts': ['process.version'],
  // The incremental synth cache: a temporary name unique per process.
  'synth/incremental.ts': ['process.pid'],
};

const processIoOutsideCli = (uses: ReadonlyMap<string, readonly string[]>) =>
  Object.fromEntries([...uses].filter(([file]) => !file.startsWith('cli/')).sort(([a], [b]) => a.localeCompare(b)));

describe('process I/O', () => {
  it('is touched only by lib/cli, apart from the allowed uses', () => {
    const uses = processUsesOf(fileURLToPath(new URL('../../lib', import.meta.url)));
    // the scan finds the CLI's own uses (a scan that finds nothing proves nothing)
    expect(uses.get('cli/main.ts')).toContain('process.stdout');
    expect(processIoOutsideCli(uses)).toStrictEqual(Object.fromEntries(Object.entries(PROCESS_IO_ALLOWED).sort(([a], [b]) => a.localeCompare(b))));
  });

  it('the scan sees member uses and imports, not comments', () => {
    expect(processUsesIn("const w = process.stdout.write; const e = process . env ['X'];")).toStrictEqual(['process.env', 'process.stdout']);
    expect(processUsesIn("import { argv } from 'node:process';")).toStrictEqual(['node:process']);
    expect(processUsesIn("const env = await import('process');")).toStrictEqual(['node:process']);
    expect(processUsesIn('const processed = 1; subprocess.run();')).toStrictEqual([]);
    const planted = new Map([['output/output-folder.ts', ['process.cwd']], ['cli/main.ts', ['process.argv']]]);
    expect(processIoOutsideCli(planted)).toStrictEqual({ 'output/output-folder.ts': ['process.cwd'] });
  });
});

describe('the checks themselves', () => {
  it('find a cycle between two files and a longer one', () => {
    const cycles = cyclesOf(graphOf({ 'a/x.ts': ['a/y.ts'], 'a/y.ts': ['a/x.ts'], 'b/p.ts': ['b/q.ts'], 'b/q.ts': ['b/r.ts'], 'b/r.ts': ['b/p.ts'], 'c/s.ts': ['a/x.ts'] }));
    expect(cycles).toStrictEqual([['a/x.ts', 'a/y.ts'], ['b/p.ts', 'b/q.ts', 'b/r.ts']]);
  });

  it('find a folder cycle made of files that do not form one', () => {
    const files = graphOf({ 'model/a.ts': ['compat/b.ts'], 'compat/b.ts': [], 'compat/c.ts': ['model/d.ts'], 'model/d.ts': [] });
    expect(cyclesOf(files)).toStrictEqual([]);
    expect(cyclesOf(folderGraphOf(files))).toStrictEqual([['compat', 'model']]);
  });

  it('report an import up the list, and a folder the list does not name', () => {
    const files = graphOf({ 'check/rules.ts': ['constructs/names.ts', 'model/types.ts'], 'constructs/names.ts': [], 'model/types.ts': [], 'extras/x.ts': [] , 'cli/main.ts': ['extras/x.ts'] });
    expect(layerBreaches(files)).toStrictEqual(['check/rules.ts -> constructs/names.ts', 'cli/main.ts -> extras/x.ts']);
  });

  it('catch a deliberate bad import added to the real graph', () => {
    const bad = new Map(graph);
    bad.set('check/index.ts', [...(graph.get('check/index.ts') ?? []), 'constructs/cluster-mesh.ts']);
    expect(layerBreaches(bad)).toContain('check/index.ts -> constructs/cluster-mesh.ts');
    bad.set('model/types.ts', [...(graph.get('model/types.ts') ?? []), 'synth/plan.ts']);
    expect(cyclesOf(bad).length).toBeGreaterThan(0);
    expect(cyclesOf(folderGraphOf(bad)).length).toBeGreaterThan(0);
  });
});
