// The libraries that check objects: ajv (JSON Schema, and its standalone code), ajv-formats, CEL
// (@bufbuild/cel, for CRDs' x-kubernetes-validations) and the kubernetes-models kinds meshfleet
// emits. A run needs them only for an object it did not find valid before
// (validate/valid-before.ts) or a schema whose generated code is not cached yet (compiled-cache.ts),
// and they were ~1.2 MB of the CLI's 2.7 MB bundle. So the build bundles this module apart
// (scripts/build.mjs), and in the CLI's and the render worker's bundles
// bundled-validation-libraries.ts stands for it: that bundle is read, with a V8 code cache of its
// own, on the first call of a library. A run that checks nothing reads neither, and the code caches
// of the CLI and the worker (made by the first run after a build, which checks every object) hold
// no compiled code of the libraries for every later run to deserialize unused. Each library is
// still required on its first use.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface ValidationLibraries {
  readonly ajv: () => typeof import('ajv');
  readonly ajv2020: () => typeof import('ajv/dist/2020.js');
  readonly standaloneCode: () => typeof import('ajv/dist/standalone/index.js').default;
  readonly ajvCodegen: () => typeof import('ajv/dist/compile/codegen/index.js');
  readonly ajvFormats: () => typeof import('ajv-formats/dist/formats.js').fullFormats;
  readonly cel: () => typeof import('@bufbuild/cel');
  readonly celStrings: () => typeof import('@bufbuild/cel/ext').strings;
  /**
   * kubernetes-models' module of a kind meshfleet emits (EMITTED_CORE_KINDS in validate/core-kinds.ts),
   * each required by a name the bundler can see, so the bundle holds them and their runtime (ajv
   * formats, messages). Any other built-in kind is required by name at run time.
   */
  readonly emittedCoreKind: Readonly<Record<string, () => unknown>>;
}

const LIBRARIES: ValidationLibraries = {
  ajv: () => require('ajv'),
  ajv2020: () => require('ajv/dist/2020.js'),
  standaloneCode: () => require('ajv/dist/standalone/index.js').default,
  ajvCodegen: () => require('ajv/dist/compile/codegen/index.js'),
  ajvFormats: () => require('ajv-formats/dist/formats.js').fullFormats,
  cel: () => require('@bufbuild/cel'),
  celStrings: () => require('@bufbuild/cel/ext').strings,
  emittedCoreKind: {
    'v1 Namespace': () => require('kubernetes-models/v1/Namespace'),
    'v1 Service': () => require('kubernetes-models/v1/Service'),
    'v1 ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount'),
    'v1 ConfigMap': () => require('kubernetes-models/v1/ConfigMap'),
    'apps/v1 Deployment': () => require('kubernetes-models/apps/v1/Deployment'),
  },
};

/** The libraries (loaded one by one as each function is first called). */
export function validationLibraries(): ValidationLibraries {
  return LIBRARIES;
}
