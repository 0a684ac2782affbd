// Finds and loads the fleet for a CLI command: a fleet file (YAML/JSON) or a TypeScript app whose
// default export is a Fleet.
import { existsSync, lstatSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Fleet } from '../fleet/fleet.ts';
import { FleetError } from '../model/diagnostics.ts';
import { noteInput } from '../model/file-access.ts';
import { loadFleetYamlFile } from '../model/load-yaml.ts';
import type { FleetInput } from '../synth/synthesize.ts';
import { preloadLibraries } from './preload-libraries.ts';
import { UsageError } from './usage-error.ts';

export { UsageError } from './usage-error.ts';

export const DEFAULT_INPUTS = ['fleet.yaml', 'main.ts', 'apps/main.ts'];

export function findInput(given: string | undefined): string {
  if (given) {
    if (!existsSync(given)) {
      const link = lstatSync(given, { throwIfNoEntry: false })?.isSymbolicLink();
      throw new UsageError(link ? `${given} is a symbolic link that leads nowhere (a missing target or a loop)` : `no such file: ${given}`);
    }
    return given;
  }
  const found = DEFAULT_INPUTS.find((f) => existsSync(f));
  if (!found) throw new UsageError(`no fleet given and none of ${DEFAULT_INPUTS.join(', ')} exists here; run meshfleet synth <fleet.yaml | app.ts>`);
  return found;
}

/** A fleet Node imports (TypeScript or JavaScript, whose default export is the Fleet), not a fleet file. */
export function isModuleFleet(file: string): boolean {
  return ['.ts', '.mts', '.js', '.mjs'].includes(extname(file));
}

export async function loadInput(file: string): Promise<FleetInput> {
  const path = resolve(file);
  const extension = extname(path);
  if (isModuleFleet(path)) {
    if (extension === '.ts' || extension === '.mts') await registerTypeScript(path);
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
    const exported = typeof module.default === 'function' ? await (module.default as () => unknown)() : module.default;
    const { Fleet } = await import('../fleet/fleet.ts');
    if (!Fleet.isFleet(exported)) {
      throw new UsageError(`${file} must export a Fleet as its default export (export default fleet)`);
    }
    return { ...fleetInput(exported), file: path };
  }
  const loaded = loadFleetYamlFile(path, file);
  if (loaded.diagnostics.length) throw new FleetError(loaded.diagnostics, loaded.locate);
  return { document: loaded.document, ...fleetFileInput(file)!, locate: loaded.locate };
}

/** What loadInput's input names of a fleet file (the file, the folder its relative paths are read from), before it is read; undefined for a fleet Node imports. */
export function fleetFileInput(file: string): Pick<FleetInput, 'file' | 'baseDir'> | undefined {
  const path = resolve(file);
  return isModuleFleet(path) ? undefined : { file: path, baseDir: dirname(path) };
}

/**
 * Lets Node import a TypeScript fleet. Only then is tsx loaded: YAML fleets and other commands start
 * without a transpiler. Under the sources (tests, tsx) a transpiler is already there. The fleet's
 * construct libraries are loaded first, without tsx's hooks (preload-libraries.ts).
 */
async function registerTypeScript(fleetFile: string): Promise<void> {
  if (import.meta.url.endsWith('.ts')) return;
  await preloadLibraries(fleetFile);
  const { register } = await import('tsx/esm/api');
  // The fleet's own modules are its inputs (the watch mode runs it again when one changes).
  register({ onImport: (url) => url.startsWith('file:') && !url.includes('/node_modules/') && noteInput(fileURLToPath(url)) });
}

/** The input for a Fleet built in TypeScript; relative paths are read from the working folder. */
export function fleetInput(fleet: Fleet, baseDir = process.cwd()): FleetInput {
  return { document: fleet.toDocument(), baseDir, locate: fleet.locate, apps: fleet.appObjects };
}
