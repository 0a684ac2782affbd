// What the incremental cache (incremental.ts) holds of one cluster, as bytes: made by the thread that
// renders the cluster (render-workers.ts ThreadExtras), read back by the next synth.
import { isAscii } from 'node:buffer';
import { deserialize, serialize } from 'node:v8';
import type { Diagnostic } from '../model/diagnostics.ts';
import type { ClusterEntry } from '../output/index-file.ts';
import { gatewayApiFolderFiles } from '../output/gateway-api-folder.ts';
import type { RenderedCluster } from '../output/rendered-cluster.ts';
import type { ResolvedCluster } from '../resolve/resolve.ts';
import type { Component } from '../constructs/delivery/components.ts';
import { withoutValues, type ClusterDeliveryPart } from '../rollout/gitops-files.ts';
import type { ClusterRender } from './render-cluster.ts';

/**
 * A cached value as bytes: JSON when it round-trips exactly (plain objects, arrays, strings, finite
 * numbers, booleans, null: what a cluster's record nearly always is), which V8 serializes in half the
 * time and parses in a third; else V8's serialization (undefined, -0, Maps, …). The first byte tells
 * them apart: `{` for JSON, 0xFF (V8's version tag) for V8.
 */
export function encode(value: object): Uint8Array {
  const text = exactJson(value);
  if (text === undefined) return serialize(value);
  // ASCII (nearly every record): one byte per character, copied rather than UTF-8 encoded.
  return Buffer.byteLength(text) === text.length ? Buffer.from(text, 'latin1') : Buffer.from(text);
}

/** The value's JSON when JSON.parse gives it back exactly (isExactJson). */
function exactJson(value: object): string | undefined {
  if (!isExactJson(value, 0)) return undefined;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

export function decode(bytes: Uint8Array): unknown {
  if (bytes[0] !== 0x7b) return deserialize(bytes);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // Latin-1 decodes ASCII (nearly every record) several times faster than UTF-8.
  return JSON.parse(buffer.toString(isAscii(buffer) ? 'latin1' : 'utf8'));
}

// Deeper than any record: a cycle (which JSON refuses) ends the walk here too.
const MAX_DEPTH = 256;

/**
 * Whether JSON.parse gives back exactly this value: plain objects and arrays (no holes), strings,
 * finite numbers but -0, booleans, null; no undefined, function, symbol, bigint, class instance.
 * One walk without JSON.stringify's replacer callback, which costs more than the stringify itself.
 */
function isExactJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !(value === 0 && 1 / value < 0);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isExactJson(value[i], depth + 1)) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) return false;
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) if (!isExactJson((value as Record<string, unknown>)[keys[i]!], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * A record: its hot part after its length (4 bytes), then its cold part. The cache keeps the two in
 * files of their own (incremental.ts): every re-synth reads the hot file (ahead, on the survey's
 * thread), the cold one only where a cold part is called for.
 */
export interface RecordParts {
  readonly hot: Uint8Array;
  readonly cold: Uint8Array;
}

/** A record's two parts (RecordParts). */
export function recordParts(record: Uint8Array): RecordParts {
  const hotEnd = 4 + lengthAt(record, 0);
  if (hotEnd > record.length) throw new Error('incremental: a record shorter than its hot part');
  return { hot: record.subarray(4, hotEnd), cold: record.subarray(hotEnd) };
}

/** The 4-byte length at `at` of these bytes. */
function lengthAt(bytes: Uint8Array, at: number): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUInt32LE(at);
}

/** A record of a hot and a cold part (RecordParts), each written as it comes (strings as Latin-1: ASCII JSON). */
function joinRecord(hot: readonly (string | Uint8Array)[], cold: readonly (string | Uint8Array)[]): Uint8Array {
  const hotLength = hot.reduce((n, part) => n + part.length, 0);
  const record = Buffer.allocUnsafe(4 + hotLength + cold.reduce((n, part) => n + part.length, 0));
  let at = record.writeUInt32LE(hotLength, 0);
  for (const part of [...hot, ...cold]) {
    if (typeof part === 'string') at += record.write(part, at, 'latin1');
    else {
      record.set(part, at);
      at += part.length;
    }
  }
  return record;
}

/** A length (4 bytes) as a record part. */
function length32(length: number): Uint8Array {
  const bytes = Buffer.allocUnsafe(4);
  bytes.writeUInt32LE(length, 0);
  return bytes;
}

/**
 * A cluster's part of the GitOps files as the cache holds it (CachedPart): a record (RecordParts)
 * whose hot part is its files by path and byte size, and whose cold part is its components, upstream
 * charts' values left out (they are the cluster's upstreamValues, cached with it). The components
 * are 93% of a part and decoded only when read (decodeDeliveryPart): a re-synth reads those of an
 * Argo CD ApplicationSet and the rollout model's, not an app-of-apps' or Flux's.
 */
export function encodeDeliveryPart(part: ClusterDeliveryPart): Uint8Array {
  // Objects, not arrays: decode reads JSON from a '{'.
  const files = encode({ files: part.files.map(([path, text]) => [path, typeof text === 'string' ? Buffer.byteLength(text) : text] as const) });
  return joinRecord([files], [encode({ components: withoutValues(part.components) })]);
}

/**
 * A part as encodeDeliveryPart wrote it: its files, and its components when called for. Given a
 * whole record, or its hot part and how to read its cold part (the cache's cold file).
 */
export function decodeDeliveryPart(record: Uint8Array, cold?: () => Uint8Array): CachedPart {
  const parts = partsOf(record, cold);
  const { files } = decode(parts.hot) as Pick<CachedPart, 'files'>;
  return { files, components: () => (decode(parts.cold()) as { components: Component[] }).components };
}

/** A record's hot part, and its cold part read when first called for (once). */
function partsOf(record: Uint8Array, cold: (() => Uint8Array) | undefined): { hot: Uint8Array; cold: () => Uint8Array } {
  if (cold) {
    let read: Uint8Array | undefined;
    return { hot: record, cold: () => (read ??= cold()) };
  }
  const parts = recordParts(record);
  return { hot: parts.hot, cold: () => parts.cold };
}

/**
 * A rendered cluster's rollout views as the cache holds them: the first part of its record's cold
 * part, which its rollout digest (rollout-key.ts) hashes as they are, so that they are written out once.
 */
export function encodeViews(rendered: ClusterViews): Uint8Array {
  const { objectFiles, routeFiles } = rendered;
  return encode({ objectFiles, routeFiles });
}

/**
 * A rendered cluster as the cache holds it (CachedCluster), with its files' paths: a record
 * (RecordParts) whose hot part, what every reuse reads, is the length of the rest (4 bytes), the
 * rest, then its entry in index.json (UTF-8 text: no JSON string to escape and read back, ~7 KB a
 * cluster, written out without being read); whose cold part is the length of its views (4 bytes),
 * its views (as encodeViews writes them: recordViews, ~15 KB), then its upstream charts' values
 * (~3 KB). A re-synth after a settings edit reads none of the cold parts it reuses: 60% of the cache.
 */
export function encodeCachedCluster(rendered: RenderedCluster, paths: readonly string[], done: { readonly diagnostics: readonly Diagnostic[]; readonly secrets: readonly Diagnostic[]; readonly lock: ClusterRender['lock']; readonly indexEntry: ClusterEntry }): Uint8Array {
  const { folder, upstreamValues, chartVersion, counts, objectFiles, routeFiles } = rendered;
  const { diagnostics, secrets, lock } = done;
  const { text: indexEntry, clean: indexEntryClean, view } = done.indexEntry;
  const views: ClusterViews = { objectFiles, routeFiles };
  const indexView = view === undefined ? undefined : typeof view === 'string' ? Buffer.from(view) : view;
  const rest = { folder, chartVersion, counts, paths, diagnostics, secrets, lock, indexEntryClean, indexViewBytes: indexView?.length ?? -1 } satisfies CachedRest;
  // As ASCII JSON (nearly always): written straight into the record, without a buffer of each.
  const texts = [exactJson(views), exactJson(upstreamValues), exactJson(rest)];
  const ascii = texts.every((text) => text !== undefined && Buffer.byteLength(text) === text.length);
  const [viewBytes, valueBytes, restBytes] = ascii ? (texts as string[]) : [encode(views), encode(upstreamValues), encode(rest)];
  const entry = Buffer.byteLength(indexEntry) === indexEntry.length ? indexEntry : Buffer.from(indexEntry);
  return joinRecord([length32(restBytes.length), restBytes, ...(indexView ? [indexView] : []), entry], [length32(viewBytes.length), viewBytes, valueBytes]);
}

/** The views of a record encodeCachedCluster made, as encodeViews writes them. */
export function recordViews(record: Uint8Array): Uint8Array {
  const { cold } = recordParts(record);
  return cold.subarray(4, 4 + lengthAt(cold, 0));
}

/**
 * A record encodeCachedCluster made: given whole, or its hot part and how to read its cold part (the
 * cache's cold file). Its views and values are decoded (and its cold part read) when first called
 * for: an incremental synth whose rollout check is skipped (rollout-key.ts) reads none of an
 * unchanged cluster's views, and one that reuses its part of the GitOps files none of its values.
 */
export function decodeCachedCluster(record: Uint8Array, cold?: () => Uint8Array): CachedCluster {
  const parts = partsOf(record, cold);
  const hot = Buffer.from(parts.hot.buffer, parts.hot.byteOffset, parts.hot.length);
  const restEnd = 4 + hot.readUInt32LE(0);
  if (restEnd > hot.length) throw new Error('incremental: a record shorter than its rest');
  let views: ClusterViews | undefined;
  let values: CachedValues | undefined;
  let indexEntry: ClusterEntry | undefined;
  const { indexEntryClean, indexViewBytes, ...rest } = decode(hot.subarray(4, restEnd)) as CachedRest;
  // Its view of index.json (previous-index.ts), between the rest and the entry, as bytes: written as they are.
  const entryStart = restEnd + Math.max(indexViewBytes, 0);
  if (entryStart > hot.length) throw new Error('incremental: a record shorter than its view of index.json');
  const coldPart = () => {
    const bytes = parts.cold();
    return { bytes, viewsEnd: 4 + lengthAt(bytes, 0) };
  };
  return {
    ...rest,
    // When read: a cluster held as its record for the fleet-wide steps (recordRendered) has its entry
    // already. Its text is made when read: a synth that writes index.json takes the bytes (indexFile).
    get indexEntry() {
      if (indexEntry === undefined) {
        const entry = hot.subarray(entryStart);
        let text: string | undefined;
        indexEntry = {
          bytes: entry,
          clean: indexEntryClean,
          ...(indexViewBytes >= 0 ? { view: hot.subarray(restEnd, entryStart) } : {}),
          // Latin-1 decodes ASCII (nearly every entry) several times faster than UTF-8.
          get text() {
            return (text ??= entry.toString(isAscii(entry) ? 'latin1' : 'utf8'));
          },
        };
      }
      return indexEntry;
    },
    views: () => {
      if (views === undefined) {
        const { bytes, viewsEnd } = coldPart();
        views = decode(bytes.subarray(4, viewsEnd)) as ClusterViews;
      }
      return views;
    },
    upstreamValues: () => {
      if (values === undefined) {
        const { bytes, viewsEnd } = coldPart();
        values = decode(bytes.subarray(viewsEnd)) as CachedValues;
      }
      return values;
    },
  };
}

/**
 * The rendered cluster a record holds (decodeCachedCluster), its views and upstream charts' values
 * decoded when first read: a cluster reused from the cache, or rendered by a worker thread that
 * encoded it (the main thread then decodes what it reads of it instead of a structured clone of all).
 */
export function recordRendered(cluster: ResolvedCluster, entry: CachedCluster): RenderedCluster {
  const { folder, views, upstreamValues, chartVersion, counts } = entry;
  let objects: RenderedCluster['objects'] | undefined;
  return {
    cluster,
    folder,
    get objects() {
      return (objects ??= views().objectFiles.flatMap((f) => f.objects));
    },
    get objectFiles() {
      return views().objectFiles;
    },
    get routeFiles() {
      return views().routeFiles;
    },
    get upstreamValues() {
      return upstreamValues();
    },
    chartVersion,
    counts,
    gatewayApiFiles: gatewayApiFolderFiles(cluster.gatewayAPI),
  };
}

/** A record's last part: what is not its views, its entry's text nor its values. */
type CachedRest = Omit<CachedCluster, 'views' | 'indexEntry' | 'upstreamValues'> & { readonly indexEntryClean: boolean; readonly indexViewBytes: number };

type CachedValues = RenderedCluster['upstreamValues'];

/** A cluster's rollout views. */
export type ClusterViews = Pick<RenderedCluster, 'objectFiles' | 'routeFiles'>;

/** What the cache holds of one cluster (serialized on its own, so an unchanged one is copied as it is). */
export interface CachedCluster {
  readonly folder: string;
  /** Its rollout views, decoded when first called for. */
  readonly views: () => ClusterViews;
  /** Its upstream charts' values, decoded when first called for. */
  readonly upstreamValues: () => CachedValues;
  readonly chartVersion: string;
  readonly counts: RenderedCluster['counts'];
  readonly paths: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
  readonly secrets: readonly Diagnostic[];
  readonly lock: ClusterRender['lock'];
  /** Its entry in index.json (ClusterRender.indexEntry). */
  readonly indexEntry: ClusterEntry;
}

/** A cluster's part of the GitOps files as cached: its files by path and size (a reused part's files are moved, not written), its components decoded when called. */
export interface CachedPart {
  readonly files: readonly (readonly [path: string, size: number])[];
  readonly components: () => Component[];
}
