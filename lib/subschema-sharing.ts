// ajv generates code for every place of a schema, so a subschema written out N times (a CRD's pod
// template under two solvers, a Gateway API filter under rules and under backendRefs, a secret
// reference everywhere) is generated N times: cert-manager's Issuer validator was 1.1 MB of code for
// 34 KB of schema, and loading that code is most of a warm run's validator cost. Here every
// subschema that repeats is moved to `definitions` once and referenced (`$ref`), which ajv compiles
// to one function called from each place (with `inlineRefs: false`).
//
// What callers read of ajv's errors stays the same: instancePath, keyword, params, message, data
// and the (verbose) schema. Only an error's schemaPath inside a shared subschema changes (it starts
// at `#/definitions/…`), so subschemas inside allOf/anyOf/oneOf/not branches are never shared: the
// callers tell a branch's errors by the branch's schemaPath (lib/validate/schema-registry.ts,
// lib/model/validate-document.ts). An error's parentSchema inside a shared subschema holds `$ref`s
// where its subschemas were, with the same property names and other keywords (`x-fix`).

type Schema = { [keyword: string]: unknown };

/** Keywords whose value is a subschema at a structural position (or a map of them: properties). */
const SUBSCHEMA_KEYWORDS = new Set(['items', 'additionalProperties']);
const SUBSCHEMA_MAP_KEYWORDS = new Set(['properties']);

/**
 * Subschemas smaller than this (as JSON text) stay in place: a call costs code too. Sized by the
 * Kubernetes secret reference ({name, key}), the smallest subschema that repeats often.
 */
export const MIN_SHARED_SIZE = 100;

/** Bump when the result for the same input changes: it names cached validators' code. */
export const SHARED_SUBSCHEMAS_VERSION = 1;

interface SharingOptions {
  readonly minSize?: number;
  /**
   * Also moves each subschema at least this large that validates the elements of an array or map
   * (`items`, `additionalProperties`) to a function of its own, even when it occurs once. Such a body
   * runs once per element: as a small function of its own V8 optimizes it after a few calls, where
   * inlined in a parent too large to optimize (ajv's code for a whole fleet schema is ~600 KB) it runs
   * unoptimized for every element. Undefined: only repeats move.
   */
  readonly minLoopBodySize?: number;
  /** `definitions` (draft-07) or `$defs` (2020-12). */
  readonly definitionsKeyword?: 'definitions' | '$defs';
}

interface Node {
  readonly schema: Schema;
  /** Length of the schema as JSON text, approximately. */
  readonly size: number;
  /** Subschemas at structural positions, one entry per place. */
  readonly children: number[];
}

/**
 * The schema with each structural subschema that occurs at least twice (in the schema as it will be
 * generated, after sharing larger ones) in `definitions`, referenced by `$ref`. Unchanged when
 * nothing repeats or when the root already has `definitions` or `$ref` (not ours to rewrite).
 */
export function withSharedSubschemas(root: Schema, { minSize = MIN_SHARED_SIZE, definitionsKeyword = 'definitions', minLoopBodySize }: SharingOptions = {}): Schema {
  if (root.definitions !== undefined || root.$defs !== undefined || JSON.stringify(root).includes('"$ref"')) return root;
  // Equal subschemas get one id (hash-consing): a node's key is its own keywords with its
  // subschemas' ids, so equal subtrees are found in one pass.
  const ids = new Map<string, number>();
  const idByObject = new Map<Schema, number>();
  const nodes: Node[] = [];
  /** Subschemas that validate an array's or a map's elements. */
  const loopBodies = new Set<number>();
  const idOf = (schema: Schema): number => {
    const children: number[] = [];
    let size = 2;
    const parts: string[] = [];
    for (const [keyword, value] of Object.entries(schema)) {
      if (SUBSCHEMA_KEYWORDS.has(keyword) && isSchema(value) && !readBySibling(schema, keyword)) {
        const child = idOf(value);
        children.push(child);
        loopBodies.add(child);
        parts.push(`${JSON.stringify(keyword)}:#${child}`);
        size += keyword.length + 3 + nodes[child]!.size;
      } else if (SUBSCHEMA_MAP_KEYWORDS.has(keyword) && isSchema(value)) {
        const entries: string[] = [];
        for (const [name, sub] of Object.entries(value)) {
          if (isSchema(sub)) {
            const child = idOf(sub);
            children.push(child);
            entries.push(`${JSON.stringify(name)}:#${child}`);
            size += name.length + 3 + nodes[child]!.size;
          } else {
            const text = JSON.stringify(sub);
            entries.push(`${JSON.stringify(name)}:${text}`);
            size += name.length + 3 + text.length;
          }
        }
        parts.push(`${JSON.stringify(keyword)}:{${entries.join(',')}}`);
      } else {
        // Branches (allOf/anyOf/oneOf/not) and plain values: part of this node's identity, never shared.
        const text = JSON.stringify(value);
        parts.push(`${JSON.stringify(keyword)}:${text}`);
        size += keyword.length + 3 + text.length;
      }
    }
    const key = parts.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = nodes.length;
      nodes.push({ schema, size, children });
      ids.set(key, id);
    }
    idByObject.set(schema, id);
    return id;
  };
  const rootId = idOf(root);

  // How often each subschema is generated: a parent's count passes to its children, a shared
  // parent passes 1 (its body is generated once). Parents are larger than their children, so in
  // order of size every parent is counted before its children.
  const generated = new Array<number>(nodes.length).fill(0);
  const shared = new Array<boolean>(nodes.length).fill(false);
  generated[rootId] = 1;
  const bySize = nodes.map((_, id) => id).sort((a, b) => nodes[b]!.size - nodes[a]!.size || a - b);
  for (const id of bySize) {
    const size = nodes[id]!.size;
    const loopBody = minLoopBodySize !== undefined && loopBodies.has(id) && size >= minLoopBodySize;
    shared[id] = id !== rootId && ((generated[id]! >= 2 && size >= minSize) || loopBody);
    for (const child of nodes[id]!.children) generated[child]! += shared[id] ? 1 : generated[id]!;
  }
  if (!shared.some(Boolean)) return root;

  // Rewritten in document order, so the definitions' names follow the schema.
  const definitions: Schema = {};
  const names = new Map<number, string>();
  const refTo = (id: number): Schema => {
    let name = names.get(id);
    if (name === undefined) {
      name = `s${names.size}`;
      names.set(id, name);
      definitions[name] = rewrite(nodes[id]!.schema);
    }
    return { $ref: `#/${definitionsKeyword}/${name}` };
  };
  const placed = (schema: Schema): Schema => {
    const id = idByObject.get(schema)!;
    return shared[id] ? refTo(id) : rewrite(schema);
  };
  function rewrite(schema: Schema): Schema {
    const result: Schema = {};
    for (const [keyword, value] of Object.entries(schema)) {
      if (SUBSCHEMA_KEYWORDS.has(keyword) && isSchema(value) && !readBySibling(schema, keyword)) result[keyword] = placed(value);
      else if (SUBSCHEMA_MAP_KEYWORDS.has(keyword) && isSchema(value)) {
        result[keyword] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isSchema(sub) ? placed(sub) : sub]));
      } else result[keyword] = value;
    }
    return result;
  }
  const rewritten = rewrite(root);
  return { ...rewritten, [definitionsKeyword]: definitions };
}

/**
 * A subschema whose content another keyword of its parent reads when generating code stays in
 * place: ajv's uniqueItems skips items of a wrong type only when it sees the items' type.
 */
function readBySibling(parent: Schema, keyword: string): boolean {
  return keyword === 'items' && parent.uniqueItems !== undefined;
}

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
