// What Argo CD's ApplicationSet controller does with meshfleet's ApplicationSet, for the subset of
// Go templates it uses ('{{ .key }}' in template strings, '{{ toJson .key }}' in the patch): the
// Applications it would generate, so tests can compare them with app-of-apps Applications.
import { parse } from 'yaml';

type Json = Record<string, any>;

export function generateApplications(applicationSet: Json, clusterServer: (cluster: string) => string): Json[] {
  const spec = applicationSet.spec;
  const paramSets: Json[] = [];
  for (const generator of spec.generators) {
    if (generator.list) paramSets.push(...generator.list.elements);
    if (generator.matrix) {
      const [clusters, list] = generator.matrix.generators;
      const name = clusters.clusters.selector.matchLabels['meshfleet.dev/cluster'];
      for (const element of list.list.elements) paramSets.push({ name, server: clusterServer(name), ...element });
    }
  }
  return paramSets.map((params) => {
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...substitute(spec.template, params) };
    app.metadata.namespace = applicationSet.metadata.namespace;
    const patchText = (spec.templatePatch as string).replace(/\{\{ toJson \.(\w+) \}\}/g, (_, key) => JSON.stringify(params[key] ?? null));
    return strategicMerge(app, parse(patchText));
  });
}

function substitute(value: unknown, params: Json): any {
  if (typeof value === 'string') return value.replace(/\{\{ \.(\w+) \}\}/g, (_, key) => (params[key] === undefined ? '<no value>' : String(params[key])));
  if (Array.isArray(value)) return value.map((v) => substitute(v, params));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, params)]));
  return value;
}

/** null deletes, objects merge, lists and scalars replace (Application lists have no merge keys). */
function strategicMerge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (value && typeof value === 'object' && !Array.isArray(value) && out[key] && typeof out[key] === 'object') out[key] = strategicMerge(out[key], value);
    else out[key] = value;
  }
  return out;
}
