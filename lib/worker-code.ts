// The code a worker thread of meshfleet's starts with (new Worker(code, { eval: true })): it imports
// one of meshfleet's modules and runs it. Shared by the render workers (lib/synth/render-workers.ts,
// which load the CLI bundle instead when the build made one) and the output folder's survey
// (lib/output/folder-survey.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Imports `module` (a .ts or .js file's URL) and calls `run` (JavaScript source of a function taking
 * the module) with it, or `failed` (of a function taking the error). From TypeScript sources (tsx,
 * vitest) the thread registers tsx first, as bin/meshfleet.js does: Node 20 does not apply
 * `--import tsx` of a worker's execArgv to the worker's own module.
 */
export function moduleWorkerCode(module: URL, run: string, failed: string): string {
  if (!module.pathname.endsWith('.ts')) return `import(${JSON.stringify(module.href)}).then(${run}).catch(${failed});`;
  // tsx's ESM entry point of its API, as its package.json exports it to `import`.
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = new URL((JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'].import.default, pathToFileURL(manifest));
  return `import(${JSON.stringify(api.href)}).then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); }).then(${run}).catch(${failed});`;
}

/** A module beside the caller's (`from`, its import.meta.url), as the caller runs: its TypeScript source or its compiled JavaScript. */
export function siblingModule(name: string, from: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}
