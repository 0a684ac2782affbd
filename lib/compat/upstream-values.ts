// What the upstream Linkerd charts accept, per release: their value key trees and HA settings,
// generated into schemas/linkerd-values/ by scripts/gen-values-keys.ts (from the upstream charts' values files).
import { readFileSync } from 'node:fs';
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

