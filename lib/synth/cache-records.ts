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
 * A cluster's part of the GitOps files as the cache holds it (CachedPart): the length of its files
 * (4 bytes), its files by path and byte size, then its components, upstream charts' values left out
 * (they are the cluster's upstreamValues, cached with it). The components are 93% of a part and
 * decoded only when read (decodeDeliveryPart): a re-synth reads those of an Argo CD ApplicationSet
 * and the rollout model's, not an app-of-apps' or Flux's.
 */
export function encodeDeliveryPart(part: ClusterDeliveryPart): Uint8Array {
  // Objects, not arrays: decode reads JSON from a '{'.
  const files = encode({ files: part.files.map(([path, text]) => [path, typeof text === 'string' ? Buffer.byteLength(text) : text] as const) });
  const components = encode({ components: withoutValues(part.components) });
  const record = Buffer.allocUnsafe(4 + files.length + components.length);
  record.writeUInt32LE(files.length, 0);
  record.set(files, 4);
  record.set(components, 4 + files.length);
  return record;
}

/** A part as encodeDeliveryPart wrote it: its files, and its components when called for. */
export function decodeDeliveryPart(record: Uint8Array): CachedPart {
  const filesEnd = 4 + Buffer.from(record.buffer, record.byteOffset, record.length).readUInt32LE(0);
  if (filesEnd > record.length) throw new Error('incremental: a part record shorter than its files');
  const { files } = decode(record.subarray(4, filesEnd)) as Pick<CachedPart, 'files'>;
  return { files, components: () => (decode(record.subarray(filesEnd)) as { components: Component[] }).components };
}

/**
 * A rendered cluster's rollout views as the cache holds them: the first part of its record, which its
 * rollout digest (rollout-key.ts) hashes as they are, so that they are written out once.
 */
export function encodeViews(rendered: ClusterViews): Uint8Array {
  const { objectFiles, routeFiles } = rendered;
  return encode({ objectFiles, routeFiles });
}

/**
 * A rendered cluster as the cache holds it (CachedCluster), with its files' paths: the length of its
 * views (4 bytes), its views (as encodeViews writes them: recordViews), the length of its entry in
 * index.json (4 bytes), that entry (UTF-8 text: no JSON string to escape and read back, ~7 KB a
 * cluster), the length of its upstream charts' values (4 bytes), those values (~3 KB, two thirds of
 * what a reused cluster would decode otherwise), the rest.
 */
export function encodeCachedCluster(rendered: RenderedCluster, paths: readonly string[], done: { readonly diagnostics: readonly Diagnostic[]; readonly secrets: readonly Diagnostic[]; readonly lock: ClusterRender['lock']; readonly indexEntry: ClusterEntry }): Uint8Array {
  const { folder, upstreamValues, chartVersion, counts, objectFiles, routeFiles } = rendered;
  const { diagnostics, secrets, lock } = done;
  const { text: indexEntry, clean: indexEntryClean } = done.indexEntry;
  const views: ClusterViews = { objectFiles, routeFiles };
  const rest = { folder, chartVersion, counts, paths, diagnostics, secrets, lock, indexEntryClean } satisfies CachedRest;
  const entryLength = Buffer.byteLength(indexEntry);
  // As ASCII JSON (nearly always): written straight into the record, without a buffer of each.
  const texts = [exactJson(views), exactJson(upstreamValues), exactJson(rest)];
  const ascii = texts.every((text) => text !== undefined && Buffer.byteLength(text) === text.length);
  const [viewBytes, valueBytes, restBytes] = ascii ? (texts as string[]) : [encode(views), encode(upstreamValues), encode(rest)];
  const record = Buffer.allocUnsafe(12 + viewBytes.length + entryLength + valueBytes.length + restBytes.length);
  let at = 0;
  const put = (part: string | Uint8Array) => {
    if (typeof part === 'string') at += record.write(part, at, 'latin1');
    else {
      record.set(part, at);
      at += part.length;
    }
  };
  at = record.writeUInt32LE(viewBytes.length, at);
  put(viewBytes);
  at = record.writeUInt32LE(entryLength, at);
  at += record.write(indexEntry, at, 'utf8');
  at = record.writeUInt32LE(valueBytes.length, at);
  put(valueBytes);
  put(restBytes);
  return record;
}

/** The views of a record encodeCachedCluster made, as encodeViews writes them. */
export function recordViews(record: Uint8Array): Uint8Array {
  return record.subarray(4, 4 + Buffer.from(record.buffer, record.byteOffset, 4).readUInt32LE(0));
}

/**
 * A record encodeCachedCluster made. Its views and values are decoded when first read: an incremental
 * synth whose rollout check is skipped (rollout-key.ts) reads none of an unchanged cluster's views
 * (~15 KB of JSON each), and one that reuses its part of the GitOps files none of its values.
 */
export function decodeCachedCluster(record: Uint8Array): CachedCluster {
  const bytes = Buffer.from(record.buffer, record.byteOffset, record.length);
  const viewsEnd = 4 + bytes.readUInt32LE(0);
  const entryEnd = viewsEnd + 4 + bytes.readUInt32LE(viewsEnd);
  const valuesEnd = entryEnd + 4 + bytes.readUInt32LE(entryEnd);
  let views: ClusterViews | undefined;
  let values: CachedValues | undefined;
  let indexEntry: ClusterEntry | undefined;
  const { indexEntryClean, ...rest } = decode(bytes.subarray(valuesEnd)) as CachedRest;
  return {
    ...rest,
    // When read: a cluster held as its record for the fleet-wide steps (recordRendered) has its entry
    // already. Its text is made when read: a synth that writes index.json takes the bytes (indexFile).
    get indexEntry() {
      if (indexEntry === undefined) {
        const entry = bytes.subarray(viewsEnd + 4, entryEnd);
        let text: string | undefined;
        indexEntry = {
          bytes: entry,
          clean: indexEntryClean,
          // Latin-1 decodes ASCII (nearly every entry) several times faster than UTF-8.
          get text() {
            return (text ??= entry.toString(isAscii(entry) ? 'latin1' : 'utf8'));
          },
        };
      }
      return indexEntry;
    },
    views: () => (views ??= decode(bytes.subarray(4, viewsEnd)) as ClusterViews),
    upstreamValues: () => (values ??= decode(bytes.subarray(entryEnd + 4, valuesEnd)) as CachedValues),
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
type CachedRest = Omit<CachedCluster, 'views' | 'indexEntry' | 'upstreamValues'> & { readonly indexEntryClean: boolean };

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
