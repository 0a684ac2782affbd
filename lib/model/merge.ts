// Layered settings with documented rules, and a record of which layer set each value so that a
// check on the merged result can still point at the line the user wrote.
//
// Rules (later layers win):
// - objects merge key by key, recursively;
// - lists and scalars replace the lower layer's value as a whole;
// - `null` removes the key from the result (a built-in default, where one exists, applies again).
import { pointer } from './diagnostics.ts';

export interface Layer {
  readonly value: object | undefined;
  /** JSON pointer of this layer in the fleet document. */
  readonly path: string;
}

export interface Merged {
  readonly value: Record<string, unknown>;
  /** Settings path ("/proxy/logLevel") → JSON pointer of the layer whose value set it (originOf joins them). */
  readonly origins: ReadonlyMap<string, string>;
}

export function mergeLayers(layers: readonly Layer[], skipKeys: ReadonlySet<string> = new Set()): Merged {
  const origins = new Map<string, string>();
  let value: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer.value) continue;
    value = mergeInto(value, layer.value as Record<string, unknown>, '', layer.path, origins, skipKeys);
  }
  return { value, origins };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeInto(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
  at: string,
  layerPath: string,
  origins: Map<string, string>,
  skipKeys: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const keys = Object.keys(over);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = over[key];
    if (at === '' && skipKeys.has(key)) continue;
    const here = at + pointer(key);
    if (v === null) {
      delete out[key];
      for (const k of [...origins.keys()]) if (k === here || k.startsWith(here + '/')) origins.delete(k);
      origins.set(here, layerPath);
      continue;
    }
    if (isPlainObject(v) && isPlainObject(out[key])) {
      out[key] = mergeInto(out[key] as Record<string, unknown>, v, here, layerPath, origins, skipKeys);
    } else {
      out[key] = isPlainObject(v) ? mergeInto({}, v, here, layerPath, origins, skipKeys) : v;
    }
    // The layer's pointer, not joined with the path here: ~150,000 settings at 1000 clusters, read only for a message.
    origins.set(here, layerPath);
  }
  return out;
}

/**
 * The pointer of the layer that set `settingPath`. Inside a value set as a whole (a list), the rest
 * of the path continues inside that layer's value.
 */
export function originOf(merged: Merged, settingPath: string, fallback: string): string {
  for (let p = settingPath; p; p = p.slice(0, p.lastIndexOf('/'))) {
    const layer = merged.origins.get(p);
    if (layer !== undefined) return layer + settingPath;
  }
  return fallback;
}
