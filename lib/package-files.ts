// Files the package ships beside its code (schemas/, package.json). This module runs from the
// sources (lib/package-files.ts, under tsx and vitest) and compiled (dist/lib/package-files.js), so
// the package root is the first folder above it that holds package.json, not a fixed number of levels.
import { existsSync, readFileSync } from 'node:fs';

function findPackageRoot(): URL {
  for (let dir = new URL('./', import.meta.url); ; ) {
    if (existsSync(new URL('package.json', dir))) return dir;
    const parent = new URL('../', dir);
    if (parent.href === dir.href) throw new Error(`meshfleet: no package.json above ${import.meta.url}`);
    dir = parent;
  }
}

const packageRoot = findPackageRoot();

/** A file of the package by its path from the package root, e.g. "schemas/crds/index.json". */
export function packageFile(path: string): URL {
  return new URL(path, packageRoot);
}

/** The version in the package's package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}
