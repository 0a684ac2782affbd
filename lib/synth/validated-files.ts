// Files whose objects a synth need not check again: a file rendered with a text that passed its
// objects' checks, against the same schemas, in this or an earlier run of the same code
// (lib/validate/valid-before.ts). A re-synth after a change of settings that leaves most of a
// cluster's objects as they were (high availability, a values override), or a synth of a fleet
// synthesized before, then loads no schema or CEL program for them.
import type { KubeObject } from '../model/kube-object.ts';
import { schemaSourcesKey, type SchemaSources } from '../validate/index.ts';
import { foundValid, validBefore } from '../validate/valid-before.ts';

/**
 * The objects of the files (text, objects) whose text passed their checks against `sources`
 * before; `passed` keeps the texts of the others, to be called once their objects' checks found nothing.
 */
export function filesCheckedBefore(files: readonly (readonly [text: string | undefined, objects: readonly KubeObject[]])[], sources: SchemaSources): { readonly known: ReadonlySet<KubeObject>; readonly passed: () => void } {
  const known = new Set<KubeObject>();
  const key = schemaSourcesKey(sources);
  const unkept: string[] = [];
  for (const [text, objects] of files) {
    if (text === undefined || objects.length === 0) continue;
    if (validBefore(key, text)) for (const object of objects) known.add(object);
    else unkept.push(text);
  }
  return { known, passed: () => unkept.forEach((text) => foundValid(key, text)) };
}
