// What the CLI's and the render worker's bundles hold in place of validation-libraries.ts
// (scripts/build.mjs): the libraries' own bundle, beside them in dist/lib/cli, read and run on the
// first call, with a V8 code cache of its own (compiled-cache.ts). It is read and named as bin reads
// and names the CLI's bundle (bin/read-bundle.js): by the build's stamp rather than a hash of its
// 1.5 MB, and decoded as the one-byte text the build wrote without checking it (~3 ms of a run that
// checks an object).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bundleExports } from './compiled-cache.ts';
import type { ValidationLibraries } from './validation-libraries.ts';

const require = createRequire(import.meta.url);

/** The libraries' bundle, the build's stamp (dist/.build-stamp) and bin's reader of bundles, from dist/lib. */
const VALIDATION_BUNDLE = './cli/validation.bundle.cjs';
const BUILD_STAMP = '../.build-stamp';
const BUNDLE_READER = '../../bin/read-bundle.js';

interface BundleReader {
  readBundle(file: string, stamp: string): { readonly bytes: Buffer; readonly asBuilt: boolean; readonly identity: string | Buffer };
  bundleSource(read: { readonly bytes: Buffer; readonly asBuilt: boolean }): string;
}

let loaded: ValidationLibraries | undefined;

export function validationLibraries(): ValidationLibraries {
  if (!loaded) {
    const file = fileURLToPath(new URL(VALIDATION_BUNDLE, import.meta.url));
    const { readBundle, bundleSource } = require(fileURLToPath(new URL(BUNDLE_READER, import.meta.url))) as BundleReader;
    const read = readBundle(file, fileURLToPath(new URL(BUILD_STAMP, import.meta.url)));
    loaded = (bundleExports(file, bundleSource(read), read.identity) as { validationLibraries: () => ValidationLibraries }).validationLibraries();
  }
  return loaded;
}
