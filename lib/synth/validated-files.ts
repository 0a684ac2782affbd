// Files of the output folder that the synth which wrote them validated, for a cluster an incremental
// synth renders again (incremental.ts validatedFiles). A file rendered again with the same text holds
// the same objects, which passed their checks then (a synth writes nothing when an object fails),
// under the same code (the cache is this code's) and the same schemas (the cluster's record names
// them): they are not validated again. A re-synth after a change of settings that leaves most of a
// cluster's objects as they were (high availability, a values override) then loads no schema or CEL
// program for them: ~80 ms of a one-cluster re-synth at 1000 clusters (docs/performance.md).
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../model/kube-object.ts';
import { schemaSourcesKey, type SchemaSources } from '../validate/index.ts';
import { foundValid, validBefore } from '../validate/valid-before.ts';

/** A cluster's files, relative to the output folder, that an earlier synth wrote and validated and nothing changed since. */
export interface ValidatedFiles {
  /** The output folder (absolute). */
  readonly folder: string;
  /** Each file's path and byte size (a text of another size is not read). */
  readonly files: readonly (readonly [path: string, size: number])[];
}

/**
 * The objects of the files (path, text, objects) whose text is the text a validated file holds; none
 * without validated files. A file that cannot be read is not known.
 */
export function objectsValidatedBefore(validated: ValidatedFiles | undefined, files: Iterable<readonly [path: string, text: string | undefined, objects: readonly KubeObject[]]>): ReadonlySet<KubeObject> {
  const known = new Set<KubeObject>();
  if (!validated?.files.length) return known;
  const sizes = new Map(validated.files);
  for (const [path, text, objects] of files) {
    if (text === undefined || sizes.get(path) !== Buffer.byteLength(text)) continue;
    let before: string;
    try {
      before = readFileSync(`${validated.folder}/${path}`, 'utf8');
    } catch {
      continue;
    }
    if (before === text) for (const object of objects) known.add(object);
  }
  return known;
}

/**
 * objectsValidatedBefore's objects, and those of the files whose text passed their checks against
 * `sources` in this or an earlier run (lib/validate/valid-before.ts); `passed` keeps the texts of the
 * others, to be called once their objects' checks found nothing.
 */
export function filesCheckedBefore(validated: ValidatedFiles | undefined, files: readonly (readonly [path: string, text: string | undefined, objects: readonly KubeObject[]])[], sources: SchemaSources): { readonly known: ReadonlySet<KubeObject>; readonly passed: () => void } {
  const known = new Set(objectsValidatedBefore(validated, files));
  const key = schemaSourcesKey(sources);
  const unkept: string[] = [];
  for (const [, text, objects] of files) {
    // A file the folder vouches for was kept by the synth that wrote it (with this code: the cache is its).
    if (text === undefined || objects.length === 0 || objects.every((object) => known.has(object))) continue;
    if (validBefore(key, text)) for (const object of objects) known.add(object);
    else unkept.push(text);
  }
  return { known, passed: () => unkept.forEach((text) => foundValid(key, text)) };
}
