// What the CLI's and the render worker's bundles hold in place of validation-libraries.ts
// (scripts/build.mjs): the libraries' own bundle, beside them in dist/lib/cli, read and run on the
// first call, with a V8 code cache of its own (compiled-cache.ts).
import { fileURLToPath } from 'node:url';
import { bundleExports } from './compiled-cache.ts';
import type { ValidationLibraries } from './validation-libraries.ts';

/** The libraries' bundle, as the build names it. */
const VALIDATION_BUNDLE = './cli/validation.bundle.cjs';

let loaded: ValidationLibraries | undefined;

export function validationLibraries(): ValidationLibraries {
  loaded ??= (bundleExports(fileURLToPath(new URL(VALIDATION_BUNDLE, import.meta.url))) as { validationLibraries: () => ValidationLibraries }).validationLibraries();
  return loaded;
}
