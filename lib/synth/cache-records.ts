// What the incremental cache (incremental.ts) holds of one cluster, as bytes: made by the thread that
// renders the cluster (render-workers.ts ThreadExtras), read back by the next synth.
import { isAscii } from 'node:buffer';
import { deserialize, serialize } from 'node:v8';
import type { Diagnostic } from '../model/diagnostics.ts';
import type { RenderedCluster } from '../output/rendered-cluster.ts';
import { withoutValues, type ClusterDeliveryPart } from '../rollout/gitops-files.ts';
import type { ClusterRender } from './render-cluster.ts';

/**
 * A cached value as bytes: JSON when it round-trips exactly (plain objects, arrays, strings, finite
 * numbers, booleans, null: what a cluster's record nearly always is), which V8 serializes in half the
 * time and parses in a third; else V8's serialization (undefined, -0, Maps, …). The first byte tells
 * them apart: `{` for JSON, 0xFF (V8's version tag) for V8.
 */
export function encode(value: object): Uint8Array {
  try {
    return Buffer.from(JSON.stringify(value, exactJson));
  } catch {
    return serialize(value);
  }
}

export function decode(bytes: Uint8Array): unknown {
  if (bytes[0] !== 0x7b) return deserialize(bytes);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // Latin-1 decodes ASCII (nearly every record) several times faster than UTF-8.
  return JSON.parse(buffer.toString(isAscii(buffer) ? 'latin1' : 'utf8'));
}

/** JSON.stringify's replacer that refuses what JSON.parse would not give back as it was. */
function exactJson(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw === undefined || typeof raw === 'function' || typeof raw === 'symbol' || typeof raw === 'bigint') throw new Error('not JSON');
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || Object.is(raw, -0)) throw new Error('not JSON');
  } else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const prototype = Object.getPrototypeOf(raw) as unknown;
    if (prototype !== Object.prototype && prototype !== null) throw new Error('not JSON');
  }
  return value;
}

/**
 * A cluster's part of the GitOps files as the cache holds it (CachedPart): each file by path and
 * byte size, upstream charts' values left out (they are the cluster's upstreamValues, cached with it).
 */
export function encodeDeliveryPart(part: ClusterDeliveryPart): Uint8Array {
  const components = withoutValues(part.components);
  const files = part.files.map(([path, text]) => [path, typeof text === 'string' ? Buffer.byteLength(text) : text] as const);
  return encode({ components, files } satisfies CachedPart);
}

/** A rendered cluster as the cache holds it (CachedCluster), with its files' paths. */
export function encodeCachedCluster(rendered: RenderedCluster, paths: readonly string[], done: { readonly diagnostics: readonly Diagnostic[]; readonly secrets: readonly Diagnostic[]; readonly lock: ClusterRender['lock'] }): Uint8Array {
  const { folder, objectFiles, routeFiles, upstreamValues, chartVersion } = rendered;
  const { diagnostics, secrets, lock } = done;
  return encode({ folder, objectFiles, routeFiles, upstreamValues, chartVersion, paths, diagnostics, secrets, lock } satisfies CachedCluster);
}

/** What the cache holds of one cluster (serialized on its own, so an unchanged one is copied as it is). */
export interface CachedCluster {
  readonly folder: string;
  readonly objectFiles: RenderedCluster['objectFiles'];
  readonly routeFiles: RenderedCluster['routeFiles'];
  readonly upstreamValues: RenderedCluster['upstreamValues'];
  readonly chartVersion: string;
  readonly paths: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
  readonly secrets: readonly Diagnostic[];
  readonly lock: ClusterRender['lock'];
}

/** A cluster's part of the GitOps files as cached: its files by path and size (a reused part's files are moved, not written). */
export type CachedPart = ClusterDeliveryPart & { readonly files: readonly (readonly [path: string, size: number])[] };
