// The kubernetes-models kinds meshfleet itself emits, each required by a name the bundler can see,
// so the CLI bundle (scripts/build.mjs) holds them and their runtime (ajv formats, messages) in its
// code cache: loaded from node_modules one module at a time they cost a tenth of a second of every
// synth. Any other built-in kind (a user's `lint` of a Job, say) is still required by name at run
// time (core-kinds.ts).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `apiVersion kind` → the kind's module of kubernetes-models. */
export const EMITTED_CORE_KIND_MODELS: Readonly<Record<string, () => unknown>> = {
  'v1 Namespace': () => require('kubernetes-models/v1/Namespace'),
  'v1 Service': () => require('kubernetes-models/v1/Service'),
  'v1 ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount'),
  'v1 ConfigMap': () => require('kubernetes-models/v1/ConfigMap'),
  'apps/v1 Deployment': () => require('kubernetes-models/apps/v1/Deployment'),
};
