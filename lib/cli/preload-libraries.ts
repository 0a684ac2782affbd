// A TypeScript fleet's construct libraries, loaded before tsx is registered. Once tsx's loader hooks
// are in place (Node 20 runs them on a thread of their own), every module Node loads goes through
// them, one round trip per resolve and per load, and source maps are on, so every module of cdk8s and
// cdk8s-plus (each with its source map inline) has its map decoded as it loads: a fleet importing
// cdk8s, cdk8s-plus and meshfleet spent about half of its start there (docs/performance.md). Loaded first,
// those modules are in Node's module map when the fleet imports them, and the fleet gets the same
// instances: its import resolves to the same file (checked below), which Node loads once.
//
// Only the libraries a fleet is written with, which do nothing but define classes as they load, are
// loaded ahead, and only when the fleet's files name them: loading one the fleet does not use costs
// time, never a changed behaviour. Anything unexpected (a package not installed, one that resolves
// differently for import and require, a file too large to scan) means that library is not loaded
// ahead, and the fleet's own import does what it did before.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The packages loaded ahead when a fleet names them: cdk8s, its construct base, cdk8s-plus-NN, meshfleet. */
const LIBRARY = /^(?:cdk8s|constructs|cdk8s-plus-\d+|meshfleet(?:\/constructs)?)$/;
/** How far the scan goes: the fleet's own TypeScript files in its folder and below, each read whole. */
const MAX_FILES = 32;
const MAX_FILE_BYTES = 1 << 20;

// A static import or re-export (its clause never holds a quote or a semicolon), a side-effect
// import, a dynamic import of a literal. `import type` and `export type` load nothing.
const STATIC = /\b(?:import|export)\s+(type\s+)?[^;'"`]*?\bfrom\s*(['"])([^'"\n]+)\2/g;
const BARE = /\bimport\s*(?:\(\s*)?(['"])([^'"\n]+)\1/g;

/** The module specifiers a TypeScript file's text imports at run time (type-only imports left out). */
export function importedSpecifiers(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(STATIC)) if (m[1] === undefined) found.add(m[3]!);
  for (const m of text.matchAll(BARE)) found.add(m[2]!);
  return [...found];
}

/**
 * The construct libraries the fleet's files import, as the files the fleet's imports resolve to:
 * from the fleet file and the TypeScript files it imports from its own folder and below.
 */
export function fleetLibraries(fleetFile: string): string[] {
  const root = dirname(fleetFile);
  const require = createRequire(fleetFile);
  const libraries = new Set<string>();
  const seen = new Set<string>();
  const queue = [fleetFile];
  while (queue.length > 0 && seen.size < MAX_FILES) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let text: string;
    try {
      if (statSync(file).size > MAX_FILE_BYTES) continue;
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const specifier of importedSpecifiers(text)) {
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        const local = localTypeScript(resolve(dirname(file), specifier));
        if (local && !relative(root, local).startsWith(`..${sep}`)) queue.push(local);
      } else if (LIBRARY.test(specifier)) {
        const path = unambiguous(require, specifier);
        if (path) libraries.add(path);
      }
    }
  }
  return [...libraries];
}

/** Imports the fleet's construct libraries (fleetLibraries); never throws: a library that fails to load is left to the fleet's own import. */
export async function preloadLibraries(fleetFile: string): Promise<string[]> {
  const loaded: string[] = [];
  for (const path of fleetLibraries(fleetFile)) {
    try {
      await import(pathToFileURL(path).href);
      loaded.push(path);
    } catch {
      // The fleet's import meets the same error, in its own words.
    }
  }
  return loaded;
}

/** The TypeScript file a relative import names, as tsx finds it (the file, .ts added, .js as .ts, an index.ts). */
function localTypeScript(path: string): string | undefined {
  const candidates = [path, `${path}.ts`, `${path}.mts`, path.replace(/\.(m?)js$/, '.$1ts'), join(path, 'index.ts')];
  return candidates.find((candidate) => /\.m?ts$/.test(candidate) && statSync(candidate, { throwIfNoEntry: false })?.isFile());
}

/**
 * The file `specifier` resolves to from the fleet, when an import resolves to the same file as the
 * require that finds it: the package's exports do not tell import from require. Else undefined.
 */
function unambiguous(require: NodeJS.Require, specifier: string): string | undefined {
  try {
    const path = require.resolve(specifier);
    const manifest = packageManifest(path, specifier.split('/')[0]!);
    if (!manifest) return undefined;
    const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown };
    if (exports !== undefined && /"(?:import|require|module)"\s*:/.test(JSON.stringify(exports))) return undefined;
    return path;
  } catch {
    return undefined;
  }
}

/** The package.json of the package `name` that holds `file`: the nearest one above it by that name. */
function packageManifest(file: string, name: string): string | undefined {
  for (let folder = dirname(file), up = dirname(folder); folder !== up; folder = up, up = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    try {
      if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === name) return manifest;
    } catch {
      // No package.json here, or not one that parses: look further up.
    }
  }
  return undefined;
}
