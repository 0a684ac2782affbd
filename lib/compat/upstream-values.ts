// What the upstream Linkerd charts accept, per release: their value key trees and HA settings,
// generated into schemas/linkerd-values/ by scripts/gen-values-keys.ts (from the upstream charts' values files).
import { readFileSync } from 'node:fs';
import { pointer } from '../model/diagnostics.ts';
import { packageFile } from '../package-files.ts';
import type { LinkerdRelease } from './linkerd-releases.ts';

export type UpstreamChart = 'linkerd-crds' | 'linkerd-control-plane' | 'linkerd-multicluster';
export type KeyTree = true | { readonly [key: string]: KeyTree };

interface ReleaseValues {
  readonly [chart: string]: { readonly keys: KeyTree; readonly ha?: Record<string, unknown> };
}

const cache = new Map<string, ReleaseValues>();

function releaseValues(release: LinkerdRelease): ReleaseValues {
  let values = cache.get(release.valuesSet);
  if (!values) {
    const file = packageFile(`schemas/linkerd-values/${release.valuesSet}.json`);
    values = JSON.parse(readFileSync(file, 'utf8')) as ReleaseValues;
    cache.set(release.valuesSet, values);
  }
  return values;
}

export function upstreamKeys(release: LinkerdRelease, chart: UpstreamChart): KeyTree {
  return releaseValues(release)[chart].keys;
}

/** The chart's values-ha.yaml, as shipped for this release. */
export function upstreamHaValues(release: LinkerdRelease, chart: UpstreamChart): Record<string, unknown> {
  return structuredClone(releaseValues(release)[chart].ha ?? {});
}

/** JSON pointers of every key in `values` that the upstream chart does not know. */
export function unknownValueKeys(values: unknown, tree: KeyTree, at = ''): string[] {
  if (tree === true || '*' in tree) return [];
  if (!values || typeof values !== 'object' || Array.isArray(values)) return [];
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const here = at + pointer(key);
    const sub = tree[key];
    if (sub === undefined) unknown.push(here);
    else unknown.push(...unknownValueKeys(value, sub, here));
  }
  return unknown;
}

/**
 * linkerd-multicluster's `controllers` is a list, which a key tree cannot describe: each entry may
 * set `link` and any key of `controllerDefaults` (the chart merges them).
 */
export function unknownControllerKeys(values: Record<string, unknown>, tree: KeyTree): string[] {
  const controllers = values.controllers;
  if (!Array.isArray(controllers) || tree === true) return [];
  const defaults = tree.controllerDefaults;
  if (!defaults || defaults === true) return [];
  const entryTree: KeyTree = { ...defaults, link: { ref: { name: true } } };
  return controllers.flatMap((entry, i) => unknownValueKeys(entry, entryTree, `/controllers/${i}`));
}
