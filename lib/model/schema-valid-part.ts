// The part of a fleet document the checks can still read when the schema refuses some of it: a
// cluster entry with a schema mistake is refused like a cluster the resolver refuses (references
// to it are not reported again), so independent mistakes elsewhere in the file still show. A schema
// mistake anywhere else stops the checks: the rest could not be read safely.
import type { Diagnostic } from './diagnostics.ts';
import type { FleetDocument } from './types.ts';

/** A cluster entry refused for its schema errors; what the document says of its name, network and pod range. */
export interface SchemaRefusedCluster {
  readonly name: string;
  readonly network: string;
  readonly podCIDR?: string;
  /** Its pointer in the document as written, "/spec/clusters/3". */
  readonly path: string;
}

export interface SchemaValidPart {
  /**
   * The document with each refused cluster entry stripped of the fields the schema refused, so that
   * pointers stay as written and references by name still find the entry (check it with the schema
   * again before use).
   */
  readonly document: FleetDocument;
  readonly refused: readonly SchemaRefusedCluster[];
}

/** "/spec/clusters/3/gateway/port" → entry 3, field "gateway". */
const CLUSTER_FIELD = /^\/spec\/clusters\/(\d+)\/([^/]+)/;

/** undefined when some schema diagnostic is outside a cluster entry's fields, or names its name. */
export function schemaValidPart(document: unknown, schema: readonly Diagnostic[]): SchemaValidPart | undefined {
  const clusters = (document as { spec?: { clusters?: unknown } })?.spec?.clusters;
  if (!Array.isArray(clusters) || !schema.length) return undefined;
  const refusedFields = new Map<number, Set<string>>();
  for (const d of schema) {
    const m = CLUSTER_FIELD.exec(d.path);
    // The name is what references use: an entry without a readable one cannot be left out quietly.
    if (!m || m[2] === 'name') return undefined;
    const index = Number(m[1]);
    const entry = clusters[index] as { name?: unknown } | undefined;
    if (entry === null || typeof entry !== 'object' || typeof entry.name !== 'string') return undefined;
    refusedFields.set(index, (refusedFields.get(index) ?? new Set()).add(m[2].replace(/~1/g, '/').replace(/~0/g, '~')));
  }
  // Written as text whatever their type: an unreadable pod range parses to nothing and is not compared.
  const text = (v: unknown) => (v === undefined ? undefined : String(v));
  const refused = [...refusedFields.keys()].sort((a, b) => a - b).map((i) => {
    const entry = clusters[i] as { name: string; network?: unknown; podCIDR?: unknown };
    return { name: entry.name, network: text(entry.network) ?? entry.name, podCIDR: text(entry.podCIDR), path: `/spec/clusters/${i}` };
  });
  const doc = document as FleetDocument;
  const stripped = clusters.map((entry, i) => {
    const fields = refusedFields.get(i);
    return fields ? Object.fromEntries(Object.entries(entry as object).filter(([key]) => !fields.has(key))) : entry;
  });
  return { document: { ...doc, spec: { ...doc.spec, clusters: stripped } } as FleetDocument, refused };
}
